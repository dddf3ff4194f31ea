-- name: record
INSERT INTO audit_log (actor_role, actor_id, actor_name, token_id, action, worker_id, detail)
SELECT $1, $2, $3, $4, $5, worker_id, $7
FROM unnest($6::uuid[]) AS worker_id

-- name: list_entries
SELECT id, at, actor_role, actor_id, actor_name, action, worker_id, detail
FROM audit_log
WHERE ($1::uuid IS NULL OR worker_id = $1)
  AND ($2::bigint IS NULL OR id < $2)
ORDER BY id DESC
LIMIT $3
