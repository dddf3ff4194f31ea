"""Enqueue and cancel: in the caller's transaction, deduplicated, withdrawn before sending."""

from datetime import UTC, datetime, timedelta
from uuid import UUID

import asyncpg
import pytest

from service.outbox import service as outbox
from service.outbox.senders import LogSender
from service.settings import Settings


class Boom(Exception):
    pass


async def enqueue(conn: asyncpg.Connection, key: str | None = None, **fields) -> UUID | None:
    message = {"kind": "review.booked", "to": "pat@example.org", "subject": "Your review",
               "body": "Your review is booked."} | fields
    return await outbox.enqueue(conn, dedupe_key=key, **message)


async def statuses(conn: asyncpg.Connection) -> dict[str, str]:
    return {r["dedupe_key"]: r["status"] for r in await conn.fetch(
        "SELECT dedupe_key, status FROM outbox")}


async def test_a_message_enqueued_in_a_rolled_back_transaction_leaves_nothing(pool):
    async with pool.acquire() as conn:
        with pytest.raises(Boom):
            async with conn.transaction():
                assert await enqueue(conn, "review:1:booked") is not None
                raise Boom
        assert await conn.fetchval("SELECT count(*) FROM outbox") == 0
        async with conn.transaction():
            message_id = await enqueue(conn, "review:1:booked")
        row = await conn.fetchrow("SELECT * FROM outbox")
    assert row["id"] == message_id
    assert (row["status"], row["attempts"], row["recipient"]) == ("pending", 0, "pat@example.org")
    assert row["due_at"] == row["next_attempt_at"]


async def test_a_second_enqueue_with_the_same_key_is_a_no_op(pool):
    async with pool.acquire() as conn:
        first = await enqueue(conn, "review:1:booked")
        assert await enqueue(conn, "review:1:booked", subject="Another") is None
        assert await enqueue(conn, None) is not None  # no key: never deduplicated
        assert await enqueue(conn, None) is not None
        rows = await conn.fetch("SELECT id, subject FROM outbox WHERE dedupe_key IS NOT NULL")
    assert [(r["id"], r["subject"]) for r in rows] == [(first, "Your review")]


async def test_cancel_pending_withdraws_unsent_messages_under_the_prefix_only(pool, settings):
    async with pool.acquire() as conn:
        await enqueue(conn, "review:1:booked")
        await outbox.deliver_due(conn, settings, sender=LogSender(lambda _: None))
        later = datetime.now(UTC) + timedelta(days=1)
        await enqueue(conn, "review:1:reminder", due_at=later)
        await enqueue(conn, "review:12:reminder", due_at=later)
        await enqueue(conn, "review:2:reminder", due_at=later)
        await enqueue(conn, "review_1:reminder", due_at=later)
        assert await outbox.cancel_pending(conn, "review:1:") == 1
        assert await outbox.cancel_pending(conn, "review:1:") == 0
        assert await outbox.cancel_pending(conn, "review_%") == 0  # no LIKE wildcards
        assert await statuses(conn) == {
            "review:1:booked": "sent", "review:1:reminder": "cancelled",
            "review:12:reminder": "pending", "review:2:reminder": "pending",
            "review_1:reminder": "pending"}
        # A cancelled message's key is free again: the rebooked review's reminder goes in.
        again = await enqueue(conn, "review:1:reminder", due_at=later)
        assert again is not None
        assert await enqueue(conn, "review:1:reminder", due_at=later) is None
        with pytest.raises(ValueError, match="non-empty"):
            await outbox.cancel_pending(conn, "")


async def test_cancel_in_a_rolled_back_transaction_cancels_nothing(pool):
    async with pool.acquire() as conn:
        await enqueue(conn, "review:1:reminder")
        with pytest.raises(Boom):
            async with conn.transaction():
                assert await outbox.cancel_pending(conn, "review:1:") == 1
                raise Boom
        assert await statuses(conn) == {"review:1:reminder": "pending"}


async def test_a_message_due_later_is_not_delivered_yet(pool, settings: Settings):
    printed: list[str] = []
    async with pool.acquire() as conn:
        await enqueue(conn, "later", due_at=datetime.now(UTC) + timedelta(hours=24),
                      body="Your review is tomorrow.")
        await enqueue(conn, "now", body="Your review is booked.")
        report = await outbox.deliver_due(conn, settings, sender=LogSender(printed.append))
        assert (report.sent, report.retrying, report.failed) == (1, 0, 0)
        assert await statuses(conn) == {"later": "pending", "now": "sent"}
        # A day later (the database's clock is not moved; the row is):
        await conn.execute("UPDATE outbox SET next_attempt_at = now() WHERE dedupe_key = 'later'")
        await outbox.deliver_due(conn, settings, sender=LogSender(printed.append))
        assert await statuses(conn) == {"later": "sent", "now": "sent"}
        assert await conn.fetchval("SELECT array_agg(DISTINCT sent_via) FROM outbox") == ["log"]
    assert len(printed) == 2
    assert printed[0].endswith("Your review is booked.")
    assert printed[1].endswith("Your review is tomorrow.")


async def test_a_message_that_cannot_be_sent_as_given_is_refused(pool):
    async with pool.acquire() as conn:
        for bad in ({"to": "pat@example.org\r\nBcc: all@example.org"}, {"to": "nobody"},
                    {"kind": "Review Booked"}, {"subject": " \n "},
                    {"due_at": datetime(2030, 1, 1)}, {"body": "x" * 20001}):
            with pytest.raises(ValueError, match="outbox message refused"):
                await enqueue(conn, **bad)
        await enqueue(conn, "k", subject="Review at\r\nRoom 4 ")  # user text: put on one line
        assert await conn.fetchval("SELECT subject FROM outbox") == "Review at Room 4"


async def test_a_deleted_worker_leaves_the_message_without_its_worker(pool, api):
    worker = await api.worker()
    async with pool.acquire() as conn:
        await enqueue(conn, "k", worker_id=UUID(worker["id"]))
        await conn.execute("DELETE FROM workers WHERE id = $1", UUID(worker["id"]))
        assert await conn.fetchval("SELECT worker_id FROM outbox") is None
