"""PostgreSQL restarted under a serving app: requests in flight and while it is down answer 503
and leave nothing half-written; /ready says so; once it is back the same app (the same pool)
answers again and the background jobs pick up where they were, the scheduler's loop itself
going on through the outage."""

import asyncio
import logging
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg
import httpx

from service import db
from service.app import create_app
from service.outbox import service as outbox
from service.scheduler import run_round, run_scheduler
from service.settings import Settings
from tests.conftest import worker_body
from tests.integration.accounts.test_accruals import CACHE_EQUALS_LEDGER
from tests.integration.faults.conftest import hold_through_shutdown, migrated_database, release_held
from tests.integration.faults.test_timeouts import assert_unavailable
from tests.integration.locks import wait_for_lock_wait


@asynccontextmanager
async def serving(server, settings, name: str) -> AsyncIterator[
        tuple[httpx.AsyncClient, asyncpg.Pool, Settings, dict[str, str]]]:
    """An app with its own pool on a new database of `server` (which the test may stop and
    start): its client, pool, settings (their database_url the new database's) and an admin's
    headers."""
    url, token = await migrated_database(server, name, settings.migrations_dir)
    # No lock or statement time limit: a lock timeout would answer the same 503, so a request
    # waiting when the server stops must be ended by the shutdown or not at all (wait_for).
    config = settings.model_copy(update={"database_url": url, "token_cache_seconds": 0,
                                         "pool_acquire_timeout_seconds": 2,
                                         "lock_timeout_ms": 0, "statement_timeout_ms": 0})
    pool = await db.create_app_pool(url, config)
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=create_app(
                config, pool=pool)), base_url="http://ladder.test") as client:
            yield client, pool, config, {"Authorization": f"Bearer {token}"}
    finally:
        await pool.close()


async def test_a_database_restart_while_serving(private_server, settings):
    async with serving(private_server, settings, "ladder_restart") as (
            client, pool, config, admin):
        url = config.database_url
        assert (await client.get("/ready")).status_code == 200
        worker = (await client.post("/v1/workers", json=worker_body(),
                                    headers=admin)).json()
        async with pool.acquire() as conn:
            await outbox.enqueue(conn, kind="test", to="pat@example.org",
                                 subject="Queued before the restart", body="Hello")

        # a write in flight, waiting for a row lock, when the server stops
        holder = await asyncpg.connect(url)
        await holder.execute("BEGIN")
        await holder.execute("SELECT 1 FROM workers WHERE id = $1 FOR UPDATE",
                             uuid.UUID(worker["id"]))
        in_flight = asyncio.create_task(client.patch(
            f"/v1/workers/{worker['id']}", json={"name": "Half Written"}, headers=admin))
        await wait_for_lock_wait(pool, holder, in_flight)
        await hold_through_shutdown(holder, "restart-row-lock")
        await asyncio.to_thread(private_server.stop)
        interrupted = await asyncio.wait_for(in_flight, 30)

        down = [await client.get("/ready"), await client.get("/v1/me", headers=admin),
                await client.post("/v1/workers", json=worker_body(), headers=admin),
                await client.get(f"/v1/workers/{worker['id']}", headers=admin)]
        await run_round(pool, config, progress=lambda _: None)  # logs, does not raise

        await asyncio.to_thread(private_server.start)
        await release_held(url, "restart-row-lock")
        ready = await client.get("/ready")
        after = await client.get(f"/v1/workers/{worker['id']}", headers=admin)
        await run_round(pool, config, progress=lambda _: None)
        written = await client.post("/v1/workers", json=worker_body(), headers=admin)

    assert interrupted.status_code == 503, interrupted.text
    assert interrupted.json()["type"] == "/problems/unavailable"
    assert interrupted.headers["retry-after"] == "5"
    assert [r.status_code for r in down] == [503] * 4, [r.text for r in down]
    assert down[0].json()["database"] == "unreachable"
    assert all(r.headers["retry-after"] == "5" for r in down[1:])
    assert ready.status_code == 200, ready.text
    assert after.status_code == 200 and after.json()["name"] == "Pat Example"
    assert written.status_code == 201
    conn = await asyncpg.connect(url)
    try:
        assert await conn.fetchval("SELECT count(*) FROM workers") == 2
        assert await conn.fetchval("SELECT status FROM outbox") == "sent"
    finally:
        await conn.close()


async def test_a_contribution_in_flight_when_the_database_stops_leaves_nothing_behind(
        private_server, settings):
    """The contribution has claimed its Idempotency-Key, audited and locked the worker and the
    account, and waits to write its ledger entry when PostgreSQL stops: it answers 503, none of
    that remains, and the same key retried once the database is back is credited once."""
    body = {"amount_pence": 1500, "source": "employer", "reference": "PO-restart"}
    async with serving(private_server, settings, "ladder_in_flight") as (
            client, pool, config, admin):
        url = config.database_url
        keyed = admin | {"Idempotency-Key": "restart-contribution-1"}
        worker = (await client.post("/v1/workers", json=worker_body(),
                                    headers=admin)).json()
        path = f"/v1/workers/{worker['id']}/account/contributions"
        holder = await asyncpg.connect(url)
        await holder.execute("BEGIN")
        await holder.execute("LOCK TABLE ledger_entries IN SHARE MODE")
        in_flight = asyncio.create_task(client.post(path, json=body, headers=keyed))
        await wait_for_lock_wait(pool, holder, in_flight)
        waiting = await holder.fetchval("SELECT query FROM pg_stat_activity "
                                        "WHERE $1 = ANY (pg_blocking_pids(pid))",
                                        holder.get_server_pid())
        await hold_through_shutdown(holder, "restart-ledger-lock")
        await asyncio.to_thread(private_server.stop)
        interrupted = await asyncio.wait_for(in_flight, 30)
        await asyncio.to_thread(private_server.start)
        await release_held(url, "restart-ledger-lock")

        conn = await asyncpg.connect(url)
        try:
            left = [await conn.fetchval(q) for q in (
                "SELECT count(*) FROM ledger_entries WHERE kind = 'contribution'",
                "SELECT count(*) FROM idempotency_keys",
                "SELECT count(*) FROM audit_log WHERE action = 'account.contribute'",
                "SELECT coalesce(sum(balance_pence), 0) FROM accounts")]
        finally:
            await conn.close()
        retried = await client.post(path, json=body, headers=keyed)
        replayed = await client.post(path, json=body, headers=keyed)
        account = await client.get(f"/v1/workers/{worker['id']}/account", headers=admin)

    assert "INSERT INTO ledger_entries" in waiting
    assert_unavailable(interrupted)
    assert left == [0, 0, 0, 0]
    assert retried.status_code == 201, retried.text
    assert "idempotent-replayed" not in retried.headers
    assert replayed.status_code == 201 and replayed.headers["idempotent-replayed"] == "true"
    assert replayed.json() == retried.json()
    assert account.status_code == 200 and account.json()["balance_pence"] == 1500
    conn = await asyncpg.connect(url)
    try:
        assert await conn.fetchval("SELECT count(*) FROM ledger_entries "
                                   "WHERE kind = 'contribution'") == 1
        assert await conn.fetchval(CACHE_EQUALS_LEDGER) == 0
    finally:
        await conn.close()


class Failures(logging.Handler):
    """Sets `failed` when the scheduler logs that its outbox job failed."""

    def __init__(self) -> None:
        super().__init__()
        self.failed = asyncio.Event()

    def emit(self, record: logging.LogRecord) -> None:
        if record.getMessage().startswith("scheduler: outbox failed"):
            self.failed.set()


async def test_the_scheduler_goes_on_through_a_restart_and_its_jobs_run_again(
        private_server, settings):
    """The scheduler's loop (what `ladder serve` and `ladder worker` run), every 50 ms: its jobs
    fail while PostgreSQL is down, each failure logged, and the loop does not end; once the
    database is back, the next rounds deliver what was queued, on the same pool."""
    url, _ = await migrated_database(private_server, "ladder_scheduler",
                                     settings.migrations_dir)
    config = settings.model_copy(update={"database_url": url, "feed_poll_seconds": 0.05,
                                         "pool_acquire_timeout_seconds": 2})
    pool = await db.create_app_pool(url, config)
    sent = asyncio.Event()

    def progress(message: str) -> None:
        if message.startswith("outbox: 1 sent"):
            sent.set()

    failures = Failures()
    logging.getLogger("ladder").addHandler(failures)
    scheduler = asyncio.create_task(run_scheduler(pool, config, progress=progress))
    try:
        async with pool.acquire() as conn:
            before = await outbox.enqueue(conn, kind="test", to="pat@example.org",
                                          subject="Before the restart", body="Hello")
        await asyncio.wait_for(sent.wait(), 60)
        failures.failed.clear()
        await asyncio.to_thread(private_server.stop)
        await asyncio.wait_for(failures.failed.wait(), 60)  # a round while it is down
        assert not scheduler.done()
        sent.clear()
        await asyncio.to_thread(private_server.start)
        async with pool.acquire() as conn:
            after = await outbox.enqueue(conn, kind="test", to="pat@example.org",
                                         subject="After the restart", body="Hello")
        await asyncio.wait_for(sent.wait(), 60)
        assert not scheduler.done()
        async with pool.acquire() as conn:
            statuses = dict(await conn.fetch("SELECT id, status FROM outbox"))
    finally:
        scheduler.cancel()
        logging.getLogger("ladder").removeHandler(failures)
        await asyncio.gather(scheduler, return_exceptions=True)
        await pool.close()
    assert statuses == {before: "sent", after: "sent"}
