-- name: insert_message
-- The caller's transaction decides whether the message exists. A key already held by a message
-- not cancelled makes this a no-op (no row back).
INSERT INTO outbox (kind, recipient, subject, body, worker_id, dedupe_key, due_at,
                    next_attempt_at)
VALUES (:kind, :recipient, :subject, :body, :worker_id, :dedupe_key,
        coalesce(:due_at, now()), coalesce(:due_at, now()))
ON CONFLICT (dedupe_key) WHERE status <> 'cancelled' DO NOTHING
RETURNING id

-- name: cancel_pending
-- Withdraws what is not sent yet. A message being sent right now holds its row lock; this waits
-- for it and then leaves it alone, as it is sent by then.
UPDATE outbox
SET status = 'cancelled', cancelled_at = now(), claim_token = NULL
WHERE status = 'pending'
  AND starts_with(dedupe_key, :prefix)

-- name: give_up_abandoned
-- A message whose last allowed attempt never finished (its deliverer lost its connection or
-- died, and the lease ran out) fails rather than being tried past the limit.
UPDATE outbox AS o
SET status = 'failed', claim_token = NULL,
    last_error = left(coalesce(o.last_error || '; ', '')
                      || 'the last attempt did not finish (deliverer lost)', 1000)
FROM (SELECT id
      FROM outbox
      WHERE status = 'pending'
        AND next_attempt_at <= now()
        AND attempts >= :max_attempts
      FOR UPDATE SKIP LOCKED) AS lost
WHERE o.id = lost.id

-- name: claim_due
-- A short transaction of its own: the lease (next_attempt_at moved on, claim_token set) keeps
-- other deliverers off these rows once it commits. Rows another deliverer has locked (it is
-- sending them) are skipped, even when their lease has run out.
UPDATE outbox AS o
SET claim_token = :claim_token, attempts = o.attempts + 1, last_attempt_at = now(),
    next_attempt_at = now() + make_interval(secs => :lease_seconds)
FROM (SELECT id
      FROM outbox
      WHERE status = 'pending'
        AND next_attempt_at <= now()
        AND attempts < :max_attempts
      ORDER BY next_attempt_at
      LIMIT :limit
      FOR UPDATE SKIP LOCKED) AS due
WHERE o.id = due.id
RETURNING o.id, o.kind, o.recipient, o.subject, o.body, o.attempts, o.claim_token

-- name: lock_claimed
-- Taken before sending and held until the outcome is written: no other deliverer can claim
-- the row meanwhile. No row: the lease was lost (another deliverer claimed the row after it
-- ran out) or the message was cancelled.
SELECT id
FROM outbox
WHERE id = :id AND claim_token = :claim_token AND status = 'pending'
FOR UPDATE

-- name: mark_sent
UPDATE outbox
SET status = 'sent', sent_at = now(), sent_via = :via, claim_token = NULL
WHERE id = :id

-- name: record_failure
UPDATE outbox
SET status = CASE WHEN :give_up THEN 'failed' ELSE 'pending' END,
    last_error = :error, claim_token = NULL,
    next_attempt_at = now() + make_interval(secs => :retry_seconds)
WHERE id = :id

-- name: redact_done
-- One batch of messages done with (sent, failed or cancelled) longer than the keep period:
-- their address and text emptied. Rows another transaction holds are left to the next round.
UPDATE outbox AS o
SET recipient = '', subject = '', body = '', last_error = NULL, redacted_at = now()
FROM (SELECT id
      FROM outbox
      WHERE redacted_at IS NULL AND status <> 'pending'
        AND coalesce(sent_at, cancelled_at, last_attempt_at, created_at)
            < now() - make_interval(days => :keep_days)
      ORDER BY created_at
      LIMIT :limit
      FOR UPDATE SKIP LOCKED) AS done
WHERE o.id = done.id
