"""Pulled feeds, and the course job of the scheduler (`service.scheduler`).

A pull claims the feed with a lease in a short transaction (`FOR UPDATE SKIP LOCKED`, so at most
one instance pulls a feed), fetches it outside any transaction, then applies it as a sync. A pull
that finds the college's catalogue busy (its own upload applying) past the lock timeout is
`busy`: nothing stored, its feed due again at the next round. Every instance of `ladder serve`
and every `ladder worker` may run the scheduler safely.
"""

from collections.abc import Callable
from uuid import UUID

import asyncpg
import httpx

from service.actor import Actor
from service.courses import service, store, syncs
from service.courses.fetch import FetchError, FetchPolicy, fetch_feed
from service.courses.inference_job import LexiconCache, infer_after_sync, infer_pending_skills
from service.courses.schemas import PullResult
from service.settings import Settings

CLAIM_BATCH = 10
BUSY = "the college's catalogue was being synced; pulled again at the next round"


def policy_from(settings: Settings) -> FetchPolicy:
    return FetchPolicy(settings.feed_timeout_seconds, settings.catalogue_max_bytes,
                       settings.feed_retries, settings.feed_backoff_seconds,
                       settings.feed_allow_private)


def lease_seconds(settings: Settings) -> float:
    """Long enough for every attempt and backoff, plus time to apply the sync."""
    p = policy_from(settings)
    return (p.retries + 1) * p.timeout_seconds + p.backoff_seconds * 2 ** p.retries + 300


async def claim_feed(pool: asyncpg.Pool, feed_id: UUID, settings: Settings) -> bool:
    async with pool.acquire() as conn:
        return await store.claim_feed(conn, feed_id, lease_seconds(settings))


async def claim_due_feeds(pool: asyncpg.Pool, settings: Settings) -> list[UUID]:
    async with pool.acquire() as conn:
        return await store.claim_due_feeds(conn, CLAIM_BATCH, lease_seconds(settings))


async def pull_claimed(pool: asyncpg.Pool, feed_id: UUID, settings: Settings,
                       actor: Actor,
                       transport: httpx.AsyncBaseTransport | None = None, *,
                       lexicons: LexiconCache,
                       lease_pool: asyncpg.Pool | None = None) -> PullResult:
    """Fetch and apply a feed this process holds the lease on; always releases the lease. The
    sync's running row goes through `lease_pool` (the process's, `syncs.create_pool`; none:
    `pool`, which must then have a connection to spare beside the import's)."""
    leases = syncs.Leases.of(settings, lease_pool or pool)
    try:
        return await _pull(pool, feed_id, settings, actor, transport, lexicons, leases)
    except Exception:
        async with pool.acquire() as conn:
            await store.finish_pull(conn, feed_id, "failed", "internal error while pulling",
                                    None, None)
        raise


async def _pull(pool: asyncpg.Pool, feed_id: UUID, settings: Settings, actor: Actor,
                transport: httpx.AsyncBaseTransport | None, lexicons: LexiconCache,
                leases: syncs.Leases) -> PullResult:
    async with pool.acquire() as conn:
        feed = await store.get_feed(conn, feed_id)
    if feed is None:
        return PullResult(feed_id, "failed", "the feed was removed", None)
    provider = service.ProviderRef(feed["provider_id"], feed["ukprn"], "")
    try:
        fetched = await fetch_feed(feed["url"], policy_from(settings), etag=feed["etag"],
                                   last_modified=feed["last_modified"], transport=transport)
    except FetchError as error:
        return await _failed(pool, provider, feed_id, str(error), actor)
    if fetched.body is None:
        async with pool.acquire() as conn:
            await store.finish_pull(conn, feed_id, "not_modified", None, None, None)
        return PullResult(feed_id, "not_modified", None, None)
    async with pool.acquire() as conn, conn.transaction():
        try:
            catalogue, warnings = await service.read_catalogue(
                conn, provider, fetched.body, fmt="xcri", mode="full", actor=actor,
                feed_id=feed_id)
        except service.SyncRefused as refused:  # stored as a failed sync; the pull failed too
            await store.finish_pull(conn, feed_id, "failed", refused.report.error, None, None)
            return PullResult(feed_id, "failed", refused.report.error, refused.report)
        if not await _catalogue_free(conn, provider.id):  # nothing stored; no failure counted
            await store.defer_pull(conn, feed_id, settings.feed_poll_seconds)
            return PullResult(feed_id, "busy", BUSY, None)
        report = await service.apply_sync(conn, provider, catalogue, mode="full", fmt="xcri",
                                          actor=actor, warnings=warnings, feed_id=feed_id,
                                          leases=leases)
        if report.status == "failed":  # PostgreSQL refused it; stored as a failed sync
            await store.finish_pull(conn, feed_id, "failed", report.error, None, None)
            return PullResult(feed_id, "failed", report.error, report)
        await store.finish_pull(conn, feed_id, "synced", None, fetched.etag,
                                fetched.last_modified)
    await infer_after_sync(pool, lexicons, provider.id)
    return PullResult(feed_id, "synced", None, report)


async def _catalogue_free(conn: asyncpg.Connection, provider_id: UUID) -> bool:
    """Take the college's catalogue lock for the pull's transaction, waiting at most the
    connection's lock timeout. A college's own upload holding it longer makes the pull busy,
    not a failed sync with its feed backed off: nothing is wrong with the feed."""
    try:
        async with conn.transaction():  # a savepoint; its release keeps the lock
            await store.lock_provider_catalogue(conn, provider_id)
    except asyncpg.LockNotAvailableError:
        return False
    return True


async def _failed(pool: asyncpg.Pool, provider: service.ProviderRef, feed_id: UUID, error: str,
                  actor: Actor) -> PullResult:
    """A feed that could not be fetched is a failed sync in the report; the catalogue is left
    as it was."""
    async with pool.acquire() as conn, conn.transaction():
        report = await service.record_failed_sync(conn, provider, mode="full", fmt="xcri",
                                                  error=error, actor=actor, feed_id=feed_id)
        await store.finish_pull(conn, feed_id, "failed", error, None, None)
    return PullResult(feed_id, "failed", error, report)


async def pull_due_feeds(pool: asyncpg.Pool, settings: Settings,
                         transport: httpx.AsyncBaseTransport | None = None, *,
                         lexicons: LexiconCache,
                         lease_pool: asyncpg.Pool | None = None) -> list[PullResult]:
    """Claim the feeds that are due, a batch at a time, and pull each."""
    results = []
    while ids := await claim_due_feeds(pool, settings):
        for feed_id in ids:
            results.append(await pull_claimed(pool, feed_id, settings, service.SYSTEM_ACTOR,
                                              transport, lexicons=lexicons,
                                              lease_pool=lease_pool))
    return results


async def scheduled_round(pool: asyncpg.Pool, settings: Settings,
                          progress: Callable[[str], None], *, lexicons: LexiconCache,
                          lease_pool: asyncpg.Pool | None = None) -> None:
    """The scheduler's course job: mark syncs whose lease ran out as abandoned, pull due
    feeds, then infer skills still pending (catching up on syncs whose inference failed)."""
    if abandoned := await syncs.abandon_expired(pool):
        progress(f"syncs: {abandoned} abandoned (their lease ran out)")
    results = await pull_due_feeds(pool, settings, lexicons=lexicons, lease_pool=lease_pool)
    async with pool.acquire() as conn:
        await infer_pending_skills(conn, lexicons)
    for result in results:
        message = f"feed {result.feed_id}: {result.outcome}"
        if result.error:
            message += f" ({result.error})"
        progress(message)
