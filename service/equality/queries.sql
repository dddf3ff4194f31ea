-- name: upsert_answers
-- The worker's answers and consent, replacing any before.
INSERT INTO equality_answers AS a (worker_id, sex, ethnicity, disability, consented_at)
VALUES (:worker_id, :sex, :ethnicity, :disability, :now)
ON CONFLICT (worker_id) DO UPDATE
SET sex = excluded.sex, ethnicity = excluded.ethnicity, disability = excluded.disability,
    consented_at = excluded.consented_at, updated_at = excluded.consented_at
RETURNING a.worker_id, a.sex, a.ethnicity, a.disability, a.consented_at, a.created_at,
          a.updated_at;

-- name: get_answers
SELECT a.worker_id, a.sex, a.ethnicity, a.disability, a.consented_at, a.created_at, a.updated_at
FROM equality_answers AS a
WHERE a.worker_id = :worker_id;

-- name: delete_answers
DELETE FROM equality_answers AS a WHERE a.worker_id = :worker_id RETURNING a.worker_id;
