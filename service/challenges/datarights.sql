-- name: challenge_rows
SELECT id, decision, reason, raised_by, raised_by_role, status, outcome, explanation,
       answered_by, answered_at, created_at
FROM challenges WHERE worker_id = :worker_id ORDER BY created_at, id

-- name: erase_challenges
UPDATE challenges
SET reason = :erased,
    explanation = CASE WHEN explanation IS NULL THEN NULL ELSE :erased END,
    raised_by = CASE WHEN raised_by_role = 'worker' THEN 'worker: ' || :erased ELSE raised_by END
WHERE worker_id = :worker_id
