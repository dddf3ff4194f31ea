-- name: insert_challenge
INSERT INTO challenges (worker_id, decision, reason, raised_by, raised_by_role)
VALUES (:worker_id, :decision, :reason, :raised_by, :raised_by_role)
RETURNING id;

-- name: get_challenge
-- With the worker's current branch (people's `people_subjects`), which scopes reps.
SELECT c.id, c.worker_id, s.branch, c.decision, c.reason, c.raised_by, c.status, c.outcome,
       c.explanation, c.answered_by, c.answered_at, c.created_at
FROM challenges AS c
JOIN people_subjects AS s ON s.kind = 'worker' AND s.id = c.worker_id
WHERE c.id = :challenge_id;

-- name: lock_challenge
SELECT c.status FROM challenges AS c WHERE c.id = :challenge_id FOR UPDATE;

-- name: answer_challenge
UPDATE challenges
SET status = 'answered', outcome = :outcome, explanation = :explanation,
    answered_by = :answered_by, answered_at = :now
WHERE id = :challenge_id AND status = 'open'
RETURNING id;

-- name: list_challenges
-- Newest first; `branch` is the worker's current branch; `open_before` keeps open challenges
-- raised before it (the overdue ones).
SELECT c.id, c.worker_id, s.branch, c.decision, c.reason, c.raised_by, c.status, c.outcome,
       c.explanation, c.answered_by, c.answered_at, c.created_at
FROM challenges AS c
JOIN people_subjects AS s ON s.kind = 'worker' AND s.id = c.worker_id
WHERE (:branch::text IS NULL OR s.branch = :branch)
  AND (:worker_id::uuid IS NULL OR c.worker_id = :worker_id)
  AND (:status::text IS NULL OR c.status = :status)
  AND (:open_before::timestamptz IS NULL OR (c.status = 'open' AND c.created_at < :open_before))
  AND (:after_created_at::timestamptz IS NULL
       OR (c.created_at, c.id) < (:after_created_at, :after_id::uuid))
ORDER BY c.created_at DESC, c.id DESC
LIMIT :limit;
