-- name: token_rows
-- A worker's tokens as the export shows them: never the hash.
SELECT id, role, name, created_at, expires_at, revoked_at
FROM api_tokens WHERE worker_id = :worker_id ORDER BY created_at, id

-- name: revoke_worker_tokens
-- Every token of the worker is refused from now on; a token's name may be theirs.
UPDATE api_tokens
SET revoked_at = coalesce(revoked_at, :now), name = :erased
WHERE worker_id = :worker_id
