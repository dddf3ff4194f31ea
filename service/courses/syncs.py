"""A sync's running row and its lease (migration 0037).

A sync writes its `running` row before its import starts, with a lease (`lease_until`,
LADDER_SYNC_LEASE_SECONDS ahead); the import finishes that row, in its own transaction, as
`applied` or `failed`. Given a pool, the row is written there in a transaction of its own (so
it is committed whatever becomes of the import's), the lease is renewed there every third of
its length while the import runs (an UPDATE of the row each time: more than the "at most twice"
of migration 0037's comment), and an import that raises is recorded there as failed. That
pool is the process's lease pool (`create_pool`: `app.state.lease_pool`, `ladder worker`'s,
`ladder catalogue import`'s), never the one the import's own connection came from. A
process that dies mid-sync renews nothing: once its lease has run out, the sync is listed as
`abandoned`, and the scheduler's course job marks it so (`abandon_expired`). A sync marked so
that was alive after all (no renewal reached the database for a whole lease) takes its row back
at its next renewal, and its failure is recorded on an abandoned row too. With no pool, the
row is written on the import's own connection: committed at once if that connection is not in
a transaction, else part of the caller's transaction (the demo's), like the import itself.
"""

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

import asyncpg

from service import db
from service.actor import Actor
from service.courses import store
from service.errors import DomainError
from service.settings import Settings

log = logging.getLogger("ladder")

ABANDONED = ("the sync stopped without finishing (the process running it ended, or lost the "
             "database, and its lease ran out); nothing of it was applied: sync again")


LEASE_POOL_SIZE = 2


async def create_pool(url: str, settings: Settings) -> asyncpg.Pool:
    """The lease side's own pool, for a process's syncs (`Leases.of`). Not the pool serving the
    sync's request: that request holds one of its connections for the whole import, so with N
    syncs at once in a pool of N, none could have a second. Its statements are a few ms each,
    so two connections serve every sync of the process; the same time limits as requests."""
    return await db.create_pool(url, 0, LEASE_POOL_SIZE,
                                statement_timeout_ms=settings.statement_timeout_ms,
                                lock_timeout_ms=settings.lock_timeout_ms)


@dataclass(frozen=True)
class Leases:
    """How long a running sync's lease is, and the pool its row and renewals go through (the
    process's lease pool, `create_pool`)."""

    seconds: float = 300.0
    pool: asyncpg.Pool | None = None
    acquire_timeout: float | None = None

    @classmethod
    def of(cls, settings: Settings, pool: asyncpg.Pool | None) -> "Leases":
        return cls(settings.sync_lease_seconds, pool, settings.pool_acquire_timeout_seconds)


@asynccontextmanager
async def running(conn: asyncpg.Connection, leases: Leases, *, provider_id: UUID,
                  feed_id: UUID | None, mode: str, fmt: str, actor: Actor,
                  started_at: datetime) -> AsyncIterator[UUID]:
    """The running row's id, for the import on `conn` to finish (`store.finish_sync`)."""
    row = {"provider_id": provider_id, "feed_id": feed_id, "mode": mode, "fmt": fmt,
           "actor": actor, "started_at": started_at, "lease_seconds": leases.seconds}
    if leases.pool is None:
        yield await store.begin_sync(conn, **row)
        return
    async with _beside(leases) as side:
        sync_id = await store.begin_sync(side, **row)
    renewal = asyncio.create_task(_renew(leases, sync_id))
    try:
        yield sync_id
    except Exception as error:
        await _stop(renewal)
        await _record_failure(leases, sync_id, error)
        raise
    finally:
        await _stop(renewal)


async def abandon_expired(pool: asyncpg.Pool) -> int:
    """Mark the running syncs whose lease has run out as abandoned; safe on every instance."""
    async with pool.acquire() as conn:
        return await store.abandon_expired_syncs(conn, ABANDONED)


@asynccontextmanager
async def _beside(leases: Leases) -> AsyncIterator[asyncpg.Connection]:
    assert leases.pool is not None
    conn = await db.acquire(leases.pool, leases.acquire_timeout)
    try:
        yield conn
    finally:
        await leases.pool.release(conn)


async def _renew(leases: Leases, sync_id: UUID) -> None:
    while True:
        await asyncio.sleep(leases.seconds / 3)
        try:
            async with _beside(leases) as side:
                renewed = await store.renew_sync_lease(side, sync_id, leases.seconds)
            if renewed is not None and renewed["was"] == "abandoned":
                log.warning("sync %s: its lease had run out and it was marked abandoned, yet "
                            "it is still running: taken back", sync_id)
        except Exception as error:  # noqa: BLE001 - tried again; the lease may run out
            log.warning("sync %s: its lease could not be renewed: %s", sync_id, error)


async def _stop(task: asyncio.Task) -> None:
    """Cancel the renewal and wait for it to end. `asyncio.wait`, not `await task`: a cancel of
    the caller meanwhile is then raised here (awaiting the task would hand that cancel to the
    task, and suppressing the task's CancelledError would swallow it with the task's own)."""
    task.cancel()
    await asyncio.wait([task])


async def _record_failure(leases: Leases, sync_id: UUID, error: Exception) -> None:
    """The import's transaction was rolled back with it: record the sync as failed beside it.
    Should that fail too (the database is gone), the lease runs out and it shows abandoned."""
    reason = error.detail if isinstance(error, DomainError) else str(error) or type(
        error).__name__
    try:
        async with _beside(leases) as side:
            await store.fail_running_sync(side, sync_id, f"the sync did not finish, and "
                                          f"nothing of it was applied: {reason}"[:2000])
    except Exception as again:  # noqa: BLE001 - the lease covers it
        log.warning("sync %s: could not be recorded as failed: %s", sync_id, again)
