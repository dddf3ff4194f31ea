"""The outbox: messages written in the transaction of the change that causes them, delivered
later (SMTP, or the log when no server is configured) by `ladder outbox` and the scheduler."""
