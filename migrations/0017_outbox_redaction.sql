-- A message's text and address are personal data that Ladder needs only until the message is
-- done with: after `LADDER_OUTBOX_KEEP_DAYS` a sent, failed or cancelled message is redacted
-- (recipient, subject and body emptied, `redacted_at` set). The row stays, so its dedupe key
-- still makes a second enqueue of the same message a no-op.
ALTER TABLE outbox ADD COLUMN redacted_at timestamptz;
ALTER TABLE outbox DROP CONSTRAINT outbox_recipient_check;
ALTER TABLE outbox ADD CONSTRAINT outbox_recipient_check CHECK (
    CASE WHEN redacted_at IS NULL
         THEN length(recipient) BETWEEN 3 AND 320 AND recipient ~ '^[^\s@]+@[^\s@]+$'
         ELSE recipient = '' END);
ALTER TABLE outbox DROP CONSTRAINT outbox_subject_check;
ALTER TABLE outbox ADD CONSTRAINT outbox_subject_check CHECK (
    CASE WHEN redacted_at IS NULL
         THEN length(subject) BETWEEN 1 AND 300 AND subject !~ '[\r\n]'
         ELSE subject = '' END);
ALTER TABLE outbox ADD CONSTRAINT outbox_redacted_check
    CHECK (redacted_at IS NULL OR (status <> 'pending' AND body = ''));
CREATE INDEX outbox_to_redact ON outbox (created_at) WHERE redacted_at IS NULL AND status <> 'pending';
