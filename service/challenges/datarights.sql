-- name: challenge_rows
SELECT id, decision, reason, status, outcome, explanation, raised_by, raised_by_role,
       answered_by, answered_at, created_at
FROM challenges WHERE worker_id = :worker_id ORDER BY created_at, id

-- name: erase_challenges
-- Decisions, statuses and outcomes stay (the report counts them); the reason and explanation
-- are free text about the worker, and the worker's own name as who raised it goes.
UPDATE challenges
SET reason = :erased,
    explanation = CASE WHEN explanation IS NULL THEN NULL ELSE :erased END,
    raised_by = CASE WHEN raised_by LIKE 'worker: %' THEN 'worker: ' || :erased
                     ELSE raised_by END
WHERE worker_id = :worker_id
