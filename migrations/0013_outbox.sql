-- The outbox: messages (reminders, notices) written in the same transaction as the change that
-- causes them, so that a message exists exactly when that change committed, and delivered later
-- by `ladder outbox` or the scheduler. A deliverer claims due rows with a lease
-- (`next_attempt_at` moved forward and `claim_token` set, committed), then sends each while it
-- holds the row's lock, and marks it sent in that same transaction.
CREATE TABLE outbox (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    kind text NOT NULL CONSTRAINT outbox_kind_check CHECK (kind ~ '^[a-z][a-z0-9_.-]{0,99}$'),
    recipient text NOT NULL CONSTRAINT outbox_recipient_check
        CHECK (length(recipient) BETWEEN 3 AND 320 AND recipient ~ '^[^\s@]+@[^\s@]+$'),
    subject text NOT NULL CONSTRAINT outbox_subject_check
        CHECK (length(subject) BETWEEN 1 AND 300 AND subject !~ '[\r\n]'),
    body text NOT NULL CONSTRAINT outbox_body_check CHECK (length(body) <= 20000),
    worker_id uuid REFERENCES workers (id) ON DELETE SET NULL,
    -- Unique among messages not cancelled: a second enqueue is a no-op, and a cancelled
    -- reminder's key may be used again (a rebooked review's new reminder).
    dedupe_key text CONSTRAINT outbox_dedupe_key_check CHECK (length(dedupe_key) BETWEEN 1 AND 300),
    status text NOT NULL DEFAULT 'pending' CONSTRAINT outbox_status_check
        CHECK (status IN ('pending', 'sent', 'failed', 'cancelled')),
    due_at timestamptz NOT NULL DEFAULT now(),
    -- When the row may next be claimed: due_at at first, then the end of a lease or of a
    -- retry's backoff. The one column the due scan reads.
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    attempts integer NOT NULL DEFAULT 0 CONSTRAINT outbox_attempts_check CHECK (attempts >= 0),
    claim_token uuid,
    last_attempt_at timestamptz,
    last_error text,
    sent_at timestamptz,
    -- 'smtp', or 'log' when no SMTP server was configured and the message was only printed.
    sent_via text CONSTRAINT outbox_sent_via_check CHECK (sent_via IN ('smtp', 'log')),
    cancelled_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT outbox_sent_check CHECK ((status = 'sent') = (sent_at IS NOT NULL))
);

CREATE UNIQUE INDEX outbox_dedupe_key ON outbox (dedupe_key) WHERE status <> 'cancelled';
CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE status = 'pending';
CREATE INDEX outbox_worker ON outbox (worker_id) WHERE worker_id IS NOT NULL;
