-- name: claim
-- Insert the key first, in the request's transaction: a concurrent request with the same key
-- waits here on the primary key until this one commits (then replays) or rolls back (then runs).
INSERT INTO idempotency_keys (actor, key, scope, request_hash)
VALUES (:owner, :key, :scope, :digest)
ON CONFLICT (actor, key) DO NOTHING
RETURNING true

-- name: stored
SELECT scope, request_hash, status_code, response_body
FROM idempotency_keys
WHERE actor = :owner AND key = :key

-- name: keep_response
UPDATE idempotency_keys
SET status_code = :status_code, response_body = :body
WHERE actor = :owner AND key = :key

-- name: forget_worker
-- The stored answers of money-moving requests about one worker (their scope ends with the
-- worker's id, as `contribution <id>`): they repeat the entries' references and reasons.
DELETE FROM idempotency_keys WHERE scope LIKE '% ' || (:worker_id::uuid)::text
