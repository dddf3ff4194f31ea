"""Delivery to a real SMTP server (aiosmtpd on a local port): the exact message, once each even
with two deliverers racing, retries with backoff, giving up, and the lease after a crash."""

import asyncio
from uuid import UUID

import asyncpg

from service.outbox import service as outbox
from service.outbox import store
from service.outbox.logic import Outgoing
from service.outbox.senders import Sender, sender_from
from tests.integration.outbox.conftest import free_port, smtp_settings


async def enqueue_many(conn: asyncpg.Connection, n: int) -> list[UUID]:
    ids = []
    async with conn.transaction():
        for i in range(n):
            ids.append(await outbox.enqueue(
                conn, kind="review.reminder", to=f"worker{i}@example.org",
                subject=f"Reminder {i}", body=f"Your review {i} is tomorrow.",
                dedupe_key=f"review:{i}:reminder"))
    return ids


async def test_a_message_reaches_the_smtp_server_exactly_as_written(pool, settings, smtp_server):
    settings = smtp_settings(settings, smtp_server.url)
    body = ("Your career review is booked for Tuesday 3 March at 10:00, Room 4.\n"
            "To rebook, cancel it and book another slot.\n")
    async with pool.acquire() as conn:
        message_id = await outbox.enqueue(conn, kind="review.booked", to="pat@example.org",
                                          subject="Your career review is booked", body=body)
        report = await outbox.deliver_due(conn, settings)
        row = await conn.fetchrow("SELECT * FROM outbox")
    assert (report.sent, report.retrying, report.failed) == (1, 0, 0)
    [(envelope_from, rcpt, message)] = smtp_server.recorder.received
    assert envelope_from == "reminders@ladder.example"
    assert rcpt == ["pat@example.org"]
    assert message["From"] == "Ladder <reminders@ladder.example>"
    assert message["To"] == "pat@example.org"
    assert message["Subject"] == "Your career review is booked"
    assert message["Message-ID"] == f"<{message_id}@ladder.example>"
    assert message.get_content_type() == "text/plain"
    assert message.get_payload(decode=True).decode() == body.replace("\n", "\r\n")  # SMTP's
    assert (row["status"], row["sent_via"], row["attempts"]) == ("sent", "smtp", 1)
    assert row["sent_at"] is not None and row["claim_token"] is None


class Meet:
    """Wraps a sender so that each deliverer's first send waits for the other's: both are
    provably in the middle of delivering at once."""

    def __init__(self, sender: Sender, barrier: asyncio.Barrier) -> None:
        self.sender, self.barrier, self.via, self.met = sender, barrier, sender.via, False

    async def send(self, message: Outgoing) -> None:
        if not self.met:
            self.met = True
            await asyncio.wait_for(self.barrier.wait(), 30)
        await self.sender.send(message)


async def test_two_deliverers_racing_send_each_message_exactly_once(pool, settings,
                                                                    smtp_server):
    settings = smtp_settings(settings, smtp_server.url)
    async with pool.acquire() as conn:
        ids = await enqueue_many(conn, 120)
    barrier = asyncio.Barrier(2)
    senders = [Meet(sender_from(settings, print), barrier) for _ in range(2)]

    async def deliverer(sender: Meet) -> outbox.DeliveryReport:
        async with pool.acquire() as conn:
            return await outbox.deliver_due(conn, settings, sender=sender, batch=5)

    reports = await asyncio.gather(*(deliverer(s) for s in senders))
    assert all(r.sent > 0 for r in reports)  # both took part
    assert sum(r.sent for r in reports) == 120
    assert sum(r.retrying + r.failed + r.lost for r in reports) == 0
    received = [m["Message-ID"] for m in smtp_server.recorder.messages]
    assert len(received) == 120
    assert sorted(received) == sorted(f"<{i}@ladder.example>" for i in ids)
    async with pool.acquire() as conn:
        assert await conn.fetchval(
            "SELECT count(*) FROM outbox WHERE status = 'sent' AND attempts = 1") == 120


class Held:
    """A sender that stops in the middle of its send until released."""

    via = "smtp"

    def __init__(self, sender: Sender) -> None:
        self.sender, self.started, self.release = sender, asyncio.Event(), asyncio.Event()

    async def send(self, message: Outgoing) -> None:
        self.started.set()
        await asyncio.wait_for(self.release.wait(), 30)
        await self.sender.send(message)


async def test_a_message_being_sent_is_not_taken_over_even_when_its_lease_has_run_out(
        pool, settings, smtp_server):
    settings = smtp_settings(settings, smtp_server.url)
    async with pool.acquire() as conn:
        await enqueue_many(conn, 1)
    slow = Held(sender_from(settings, print))
    async with pool.acquire() as first, pool.acquire() as second:
        # A lease of 0 s has run out as soon as it is taken; only the row lock protects.
        sending = asyncio.create_task(outbox.deliver_due(first, settings, sender=slow,
                                                         lease_seconds=0))
        await asyncio.wait_for(slow.started.wait(), 30)
        other = await outbox.deliver_due(second, settings)
        assert (other.sent, other.lost) == (0, 0)
        slow.release.set()
        assert (await sending).sent == 1
        assert await first.fetchval("SELECT attempts FROM outbox") == 1
    assert len(smtp_server.recorder.messages) == 1


async def test_a_crashed_deliverers_claim_is_retried_after_its_lease(pool, settings,
                                                                     smtp_server):
    settings = smtp_settings(settings, smtp_server.url)
    async with pool.acquire() as conn:
        [message_id] = await enqueue_many(conn, 1)
        # A deliverer claims the message and dies before sending it.
        await store.claim_due(conn, claim_token=UUID(int=1), limit=10, lease_seconds=600,
                              max_attempts=settings.outbox_max_attempts)
        assert (await outbox.deliver_due(conn, settings)).sent == 0  # the lease holds
        await conn.execute("UPDATE outbox SET next_attempt_at = now()")  # the lease runs out
        assert (await outbox.deliver_due(conn, settings)).sent == 1
        row = await conn.fetchrow("SELECT status, attempts FROM outbox")
    assert (row["status"], row["attempts"]) == ("sent", 2)
    [message] = smtp_server.recorder.messages
    assert message["Message-ID"] == f"<{message_id}@ladder.example>"


async def test_a_refused_message_is_retried_with_backoff_then_fails(pool, settings,
                                                                    refusing_smtp_server):
    settings = smtp_settings(settings, refusing_smtp_server.url, outbox_max_attempts=3,
                             outbox_backoff_seconds=60.0, outbox_backoff_max_seconds=100.0)
    async with pool.acquire() as conn:
        await enqueue_many(conn, 1)
        waits = []
        for attempt in (1, 2):
            report = await outbox.deliver_due(conn, settings)
            assert (report.sent, report.retrying, report.failed) == (0, 1, 0)
            row = await conn.fetchrow(
                "SELECT status, attempts, last_error, claim_token,"
                " extract(epoch FROM next_attempt_at - last_attempt_at) AS wait FROM outbox")
            assert (row["status"], row["attempts"], row["claim_token"]) == \
                ("pending", attempt, None)
            assert "550" in row["last_error"] and "Mailbox unavailable" in row["last_error"]
            waits.append(round(row["wait"]))
            assert (await outbox.deliver_due(conn, settings)).retrying == 0  # not due yet
            await conn.execute("UPDATE outbox SET next_attempt_at = now()")  # time passes
        assert waits == [60, 100]  # 60 s, then doubled but capped at 100 s
        report = await outbox.deliver_due(conn, settings)
        assert (report.sent, report.retrying, report.failed) == (0, 0, 1)
        row = await conn.fetchrow("SELECT status, attempts, last_error FROM outbox")
        assert (row["status"], row["attempts"]) == ("failed", 3)
        assert "550" in row["last_error"]
        await conn.execute("UPDATE outbox SET next_attempt_at = now()")
        assert not await outbox.deliver_due(conn, settings)  # failed is final
    assert refusing_smtp_server.recorder.received == []


async def test_a_server_that_is_not_there_is_an_error_recorded_and_retried(pool, settings):
    settings = smtp_settings(settings, f"smtp://127.0.0.1:{free_port()}")
    async with pool.acquire() as conn:
        await enqueue_many(conn, 1)
        report = await outbox.deliver_due(conn, settings)
        row = await conn.fetchrow("SELECT status, attempts, last_error FROM outbox")
    assert report.retrying == 1
    assert (row["status"], row["attempts"]) == ("pending", 1)
    assert row["last_error"].startswith("SMTPConnectError")


async def test_a_last_attempt_that_never_finished_fails_rather_than_going_past_the_limit(
        pool, settings, smtp_server):
    settings = smtp_settings(settings, smtp_server.url, outbox_max_attempts=1)
    async with pool.acquire() as conn:
        await enqueue_many(conn, 1)
        await store.claim_due(conn, claim_token=UUID(int=1), limit=10, lease_seconds=600,
                              max_attempts=1)
        await conn.execute("UPDATE outbox SET next_attempt_at = now()")  # the lease runs out
        report = await outbox.deliver_due(conn, settings)
        row = await conn.fetchrow("SELECT status, attempts, last_error FROM outbox")
    assert (report.sent, report.failed) == (0, 1)
    assert (row["status"], row["attempts"]) == ("failed", 1)
    assert "did not finish" in row["last_error"]
    assert smtp_server.recorder.received == []


async def test_a_message_cancelled_after_its_claim_is_not_sent(pool, settings, smtp_server):
    settings = smtp_settings(settings, smtp_server.url)
    slow = Held(sender_from(settings, print))
    async with pool.acquire() as conn:
        await enqueue_many(conn, 2)
        slow.release.set()
        claimed = await store.claim_due(conn, claim_token=UUID(int=1), limit=10,
                                        lease_seconds=600, max_attempts=8)
        assert len(claimed) == 2
        assert await outbox.cancel_pending(conn, "review:1:") == 1
        report = outbox.DeliveryReport()
        for message in claimed:
            await outbox._deliver_one(conn, settings, slow, message, report, print)
    assert (report.sent, report.lost) == (1, 1)
    assert [m["Subject"] for m in smtp_server.recorder.messages] == ["Reminder 0"]


async def test_messages_done_with_are_redacted_after_the_keep_period(pool, settings):
    """Sent, failed and cancelled messages older than LADDER_OUTBOX_KEEP_DAYS lose their
    address and text; newer ones and pending ones keep theirs; the dedupe key still holds."""
    async with pool.acquire() as conn:
        ids = await enqueue_many(conn, 5)
        old_sent, old_failed, old_cancelled, new_sent, old_pending = ids
        await conn.execute("UPDATE outbox SET status = 'sent', sent_at = now() - interval "
                           "'31 days', sent_via = 'log' WHERE id = $1", old_sent)
        await conn.execute("UPDATE outbox SET status = 'failed', last_attempt_at = now() - "
                           "interval '31 days', last_error = 'refused' WHERE id = $1", old_failed)
        await conn.execute("UPDATE outbox SET status = 'cancelled', cancelled_at = now() - "
                           "interval '31 days' WHERE id = $1", old_cancelled)
        await conn.execute("UPDATE outbox SET status = 'sent', sent_at = now() - interval "
                           "'29 days', sent_via = 'log' WHERE id = $1", new_sent)
        await conn.execute("UPDATE outbox SET created_at = now() - interval '31 days', "
                           "due_at = now() + interval '1 day', next_attempt_at = now() + "
                           "interval '1 day' WHERE id = $1", old_pending)
        report = await outbox.deliver_due(conn, settings.model_copy(
            update={"outbox_keep_days": 30}))
        rows = {r["id"]: r for r in await conn.fetch(
            "SELECT id, recipient, subject, body, last_error, redacted_at FROM outbox")}
        again = await outbox.enqueue(conn, kind="review.reminder", to="worker0@example.org",
                                     subject="Reminder 0", body="again",
                                     dedupe_key="review:0:reminder")
    assert report.redacted == 3 and "3 old messages redacted" in report.summary()
    for message_id in (old_sent, old_failed, old_cancelled):
        assert (rows[message_id]["recipient"], rows[message_id]["subject"],
                rows[message_id]["body"], rows[message_id]["last_error"]) == ("", "", "", None)
        assert rows[message_id]["redacted_at"] is not None
    for message_id in (new_sent, old_pending):
        assert rows[message_id]["redacted_at"] is None and rows[message_id]["body"] != ""
    assert again is None  # the redacted sent message's key still holds
