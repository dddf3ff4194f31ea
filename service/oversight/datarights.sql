-- name: audit_rows
-- Every audit row about the worker, oldest first, with who did it named as the access log
-- names them.
SELECT id, at, actor_role, actor_id, actor_name, token_id, action, detail
FROM audit_log WHERE worker_id = :worker_id ORDER BY id

-- name: erase_audit
-- The rows stay (who did what, when); the worker's own name as the actor goes, and so does the
-- free text of reasons recorded with them.
UPDATE audit_log
SET actor_name = CASE WHEN actor_role = 'worker' AND actor_id = :worker_id THEN :erased
                      ELSE actor_name END,
    detail = CASE WHEN detail ? 'reason' THEN detail - 'reason' ELSE detail END
WHERE worker_id = :worker_id
  AND ((actor_role = 'worker' AND actor_id = :worker_id) OR detail ? 'reason')

-- name: access_log
-- Who read or changed the worker's data, newest first: a rep and a college by their name in
-- people's records (people_actor_names), anyone else by the name their token was issued under.
SELECT a.id, a.at, a.actor_role, a.actor_id, coalesce(n.name, a.actor_name) AS actor_name,
       a.action
FROM audit_log AS a
LEFT JOIN people_actor_names AS n
       ON n.kind = CASE a.actor_role WHEN 'rep' THEN 'rep' WHEN 'college' THEN 'provider' END
      AND n.id = a.actor_id
WHERE a.worker_id = :worker_id
  AND (:before_id::bigint IS NULL OR a.id < :before_id)
ORDER BY a.id DESC
LIMIT :limit

-- name: delete_before
-- Audit rows past their retention, a batch at a time (oldest first, by the primary key).
DELETE FROM audit_log
WHERE id IN (SELECT id FROM audit_log WHERE at < :cutoff ORDER BY id LIMIT :limit)
