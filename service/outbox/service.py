"""The outbox's use cases: enqueue and cancel (inside the caller's transaction), and delivery.

Delivery is at-least-once, with one live sender per message at a time:

1. `claim_due` takes a batch of due rows (`FOR UPDATE SKIP LOCKED`), counts the attempt and
   sets a lease (`next_attempt_at` moved on by `logic.lease_seconds`, a `claim_token`), and
   commits at once. Another deliverer skips these rows until the lease ends.
2. For each message, one transaction: lock the row (`lock_claimed`, only if this claim still
   holds it), send it, and write the outcome (sent, or the error and the next attempt) in that
   same transaction. While the row is locked no other deliverer can claim it, even if the lease
   has run out, so two live deliverers never send one message at once.
3. A deliverer that dies or loses its connection releases the lock; the lease then keeps the
   row until it ends, and the next claim retries it (the attempt counted in step 1 stands).

The one window left: the SMTP server has accepted the message and the transaction that marks
it sent does not commit (a crash, a lost connection). The message is then sent again after the
lease, with the same Message-ID (`logic.email_message`). Marking it sent before sending would
turn that into a message never sent; for reminders a rare copy is the lesser harm.
"""

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

import asyncpg

from service.outbox import logic, store
from service.outbox.senders import Sender, sender_from
from service.settings import Settings

Progress = Callable[[str], None]


async def enqueue(conn: asyncpg.Connection, *, kind: str, to: str, subject: str, body: str,
                  due_at: datetime | None = None, dedupe_key: str | None = None,
                  worker_id: UUID | None = None) -> UUID | None:
    """Add a message, in the caller's transaction: it exists if and only if that commits.
    `due_at` None is now. A `dedupe_key` already held by a message that is not cancelled makes
    this a no-op returning None. `to` is one bare address; the subject is put on one line.
    A message that cannot be sent as given is a ValueError: messages are made by code."""
    subject = logic.clean_subject(subject)
    problems = logic.check_message(kind, to, subject, body, due_at, dedupe_key)
    if problems:
        raise ValueError("outbox message refused: " + "; ".join(problems))
    return await store.insert_message(conn, kind=kind, recipient=to, subject=subject, body=body,
                                      worker_id=worker_id, dedupe_key=dedupe_key, due_at=due_at)


async def cancel_pending(conn: asyncpg.Connection, dedupe_key_prefix: str) -> int:
    """Withdraw the messages not sent yet whose dedupe key starts with the prefix (e.g.
    `review:<id>:`); returns how many. One being sent at this moment is waited for and, being
    sent by then, not counted. An empty prefix is refused (it would withdraw everything)."""
    if not dedupe_key_prefix:
        raise ValueError("cancel_pending needs a non-empty dedupe key prefix")
    return await store.cancel_pending(conn, dedupe_key_prefix)


@dataclass(slots=True)
class DeliveryReport:
    sent: int = 0
    retrying: int = 0  # failed this time, tried again later
    failed: int = 0  # gave up
    lost: int = 0  # claimed but taken over or cancelled before it could be sent
    redacted: int = 0  # done with for longer than the keep period: address and text emptied

    def __bool__(self) -> bool:
        return bool(self.sent or self.retrying or self.failed or self.lost or self.redacted)

    def summary(self) -> str:
        return (f"outbox: {self.sent} sent, {self.retrying} to retry, {self.failed} failed"
                + (f", {self.lost} taken over or cancelled" if self.lost else "")
                + (f", {self.redacted} old messages redacted" if self.redacted else ""))


async def deliver_due(conn: asyncpg.Connection, settings: Settings, *,
                      sender: Sender | None = None, progress: Progress | None = None,
                      limit: int | None = None, batch: int = logic.CLAIM_BATCH,
                      lease_seconds: float | None = None) -> DeliveryReport:
    """Deliver what is due, a claimed batch at a time, until nothing is due (or `limit`
    messages were tried). Runs its own transactions, so `conn` must not be in one. Any number
    of deliverers may run at once, on any instance (see the module's docstring)."""
    if conn.is_in_transaction():
        raise RuntimeError("deliver_due commits as it goes; call it outside a transaction")
    progress = progress or (lambda _: None)
    sender = sender or sender_from(settings, progress)
    lease = logic.lease_seconds(settings.smtp_timeout_seconds, batch) \
        if lease_seconds is None else lease_seconds
    report = DeliveryReport()
    report.failed += await store.give_up_abandoned(conn, settings.outbox_max_attempts)
    report.redacted += await redact_done(conn, settings.outbox_keep_days)
    tried = 0
    while limit is None or tried < limit:
        size = batch if limit is None else min(batch, limit - tried)
        claimed = await store.claim_due(conn, claim_token=uuid.uuid4(), limit=size,
                                        lease_seconds=lease,
                                        max_attempts=settings.outbox_max_attempts)
        if not claimed:
            break
        tried += len(claimed)
        for message in claimed:
            await _deliver_one(conn, settings, sender, message, report, progress)
    return report


async def redact_done(conn: asyncpg.Connection, keep_days: int, batch: int = 1000) -> int:
    """Empty the address and text of messages done with for over `keep_days` (personal data
    kept no longer than needed), a batch per transaction; the rows stay for their dedupe keys."""
    redacted = 0
    while (count := await store.redact_done(conn, keep_days, batch)) > 0:
        redacted += count
        if count < batch:
            break
    return redacted


async def _deliver_one(conn: asyncpg.Connection, settings: Settings, sender: Sender,
                       message: logic.Outgoing, report: DeliveryReport,
                       progress: Progress) -> None:
    async with conn.transaction():
        if not await store.lock_claimed(conn, message):
            report.lost += 1
            return
        try:
            await sender.send(message)
        except Exception as error:  # noqa: BLE001 - any failure to send is recorded, retried
            give_up = logic.gives_up(message.attempts, settings.outbox_max_attempts)
            retry = logic.backoff_seconds(message.attempts, settings.outbox_backoff_seconds,
                                          settings.outbox_backoff_max_seconds)
            await store.record_failure(conn, message.id, error=logic.error_text(error),
                                       give_up=give_up, retry_seconds=0 if give_up else retry)
            if give_up:
                report.failed += 1
                progress(f"outbox: message {message.id} to {message.recipient} failed after "
                         f"{message.attempts} attempts: {logic.error_text(error)}")
            else:
                report.retrying += 1
            return
        await store.mark_sent(conn, message.id, sender.via)
        report.sent += 1


async def scheduled_round(pool: asyncpg.Pool, settings: Settings, progress: Progress) -> None:
    """The scheduler's outbox job: deliver what is due."""
    async with pool.acquire() as conn:
        report = await deliver_due(conn, settings, progress=progress)
    if report:
        progress(report.summary())
