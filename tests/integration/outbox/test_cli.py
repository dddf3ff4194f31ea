"""`ladder outbox --once` (to the log with nothing configured, or to an SMTP server), and the
scheduler's outbox job."""

import asyncio
import os
import subprocess
import sys

from service import scheduler
from service.outbox import service as outbox
from tests.conftest import ROOT
from tests.integration.outbox.conftest import smtp_settings


def ladder_outbox(url: str, *args: str, **env: str) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("LADDER_SMTP", "LADDER_MAIL"))}
    return subprocess.run([sys.executable, "-m", "service.cli", "outbox", *args],
                          env=base | {"LADDER_DATABASE_URL": url} | env, cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


async def enqueue(pool, body: str = "Your review is booked. To rebook, cancel and book again."):
    async with pool.acquire() as conn:
        return await outbox.enqueue(conn, kind="review.booked", to="pat@example.org",
                                    subject="Your career review", body=body)


async def test_with_no_smtp_server_ladder_outbox_prints_each_message(pool, database_url):
    await enqueue(pool)
    done = await asyncio.to_thread(ladder_outbox, database_url, "--once")
    assert done.returncode == 0, done.stderr
    assert "to the log (no SMTP URL)" in done.stderr
    assert "mail (review.booked) to pat@example.org: Your career review\n" \
           "Your review is booked. To rebook, cancel and book again." in done.stderr
    assert "outbox: 1 sent, 0 to retry, 0 failed" in done.stderr
    async with pool.acquire() as conn:
        row = await conn.fetchrow("SELECT status, sent_via FROM outbox")
    assert (row["status"], row["sent_via"]) == ("sent", "log")
    again = await asyncio.to_thread(ladder_outbox, database_url, "--once")
    assert "outbox: 0 sent" in again.stderr and "pat@example.org" not in again.stderr


async def test_ladder_outbox_sends_by_smtp_when_configured(pool, database_url, smtp_server):
    message_id = await enqueue(pool)
    done = await asyncio.to_thread(ladder_outbox, database_url, "--once",
                                   LADDER_SMTP_URL=smtp_server.url,
                                   LADDER_MAIL_FROM="reminders@ladder.example")
    assert done.returncode == 0, done.stderr
    assert "outbox: 1 sent" in done.stderr
    assert "Your review is booked" not in done.stderr  # sent, not printed
    [message] = smtp_server.recorder.messages
    assert message["Message-ID"] == f"<{message_id}@ladder.example>"


async def test_a_bad_smtp_url_stops_the_command_before_it_claims_anything(pool, database_url):
    await enqueue(pool)
    done = await asyncio.to_thread(ladder_outbox, database_url, "--once",
                                   LADDER_SMTP_URL="http://mail.example.org")
    assert done.returncode == 2
    assert done.stderr.startswith("error: LADDER_SMTP_URL: smtp://")
    async with pool.acquire() as conn:
        assert await conn.fetchval("SELECT attempts FROM outbox") == 0


async def test_the_scheduler_delivers_due_messages_each_round(pool, settings, smtp_server):
    await enqueue(pool)
    said: list[str] = []
    await scheduler.run_round(pool, smtp_settings(settings, smtp_server.url), said.append)
    assert "outbox: 1 sent, 0 to retry, 0 failed" in said
    assert len(smtp_server.recorder.messages) == 1
