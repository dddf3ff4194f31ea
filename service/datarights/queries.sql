-- name: request_rows
SELECT id, status, requested_at, decided_at, decided_by
FROM erasure_requests WHERE worker_id = :worker_id ORDER BY requested_at, id

-- name: insert_request
-- One open request per worker (erasure_requests_one_open): a second is a 409.
INSERT INTO erasure_requests (worker_id, requested_at)
VALUES (:worker_id, :now)
RETURNING id, worker_id, status, requested_at, decided_at, decided_by

-- name: decide_open
-- The worker's open request, if any, marked as decided.
UPDATE erasure_requests
SET status = :status, decided_at = :now, decided_by = :decided_by
WHERE worker_id = :worker_id AND status = 'requested'
RETURNING id, worker_id, status, requested_at, decided_at, decided_by

-- name: list_requests
SELECT id, worker_id, status, requested_at, decided_at, decided_by
FROM erasure_requests
WHERE (:status::text IS NULL OR status = :status)
  AND (:after_at::timestamptz IS NULL OR (requested_at, id) > (:after_at, :after_id::uuid))
ORDER BY requested_at, id
LIMIT :limit
