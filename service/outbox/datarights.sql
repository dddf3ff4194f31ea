-- name: message_rows
SELECT id, kind, recipient, subject, body, dedupe_key, status, due_at, attempts, last_error,
       sent_at, sent_via, cancelled_at, redacted_at, created_at
FROM outbox WHERE worker_id = :worker_id ORDER BY created_at, id

-- name: erase_messages
-- Nothing more is sent to an erased worker, and nothing of what was is kept but that it was:
-- pending messages are cancelled, and every message redacted as migration 0017 redacts.
UPDATE outbox
SET status = CASE WHEN status = 'pending' THEN 'cancelled' ELSE status END,
    cancelled_at = CASE WHEN status = 'pending' THEN :now ELSE cancelled_at END,
    recipient = '', subject = '', body = '', last_error = NULL,
    redacted_at = coalesce(redacted_at, :now)
WHERE worker_id = :worker_id
