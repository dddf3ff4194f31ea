-- name: answer_rows
SELECT sex, ethnicity, disability, consented_at, created_at, updated_at
FROM equality_answers WHERE worker_id = :worker_id
