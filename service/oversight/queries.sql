-- name: record
INSERT INTO audit_log (actor_role, actor_id, actor_name, token_id, action, worker_id, detail)
SELECT :actor_role, :actor_id, :actor_name, :token_id, :action, worker_id, :detail
FROM unnest(:worker_ids::uuid[]) AS worker_id

-- name: list_entries
SELECT id, at, actor_role, actor_id, actor_name, action, worker_id, detail
FROM audit_log
WHERE (:worker_id::uuid IS NULL OR worker_id = :worker_id)
  AND (:before_id::bigint IS NULL OR id < :before_id)
ORDER BY id DESC
LIMIT :limit
