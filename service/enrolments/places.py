"""The waiting list of a full presentation: a freed place is offered to the first in line (by
priority, then time of asking) for `LADDER_ENROLMENT_OFFER_HOURS`; an offer that lapses passes
on. Everything here runs under the presentation's row lock, which every change of places
takes first."""

from datetime import UTC, datetime

import asyncpg

from service import clock
from service.actor import SYSTEM
from service.console import Progress
from service.enrolments import logic, notify, store
from service.oversight import service as audit
from service.settings import Settings


async def fill(conn: asyncpg.Connection, presentation: asyncpg.Record, now: datetime,
               hours: float) -> int:
    """Lapsed offers of the presentation expire, then its free places are offered to whoever
    waits, first in line first; how many were offered. The caller holds the presentation's
    lock."""
    presentation_id = presentation["id"]
    lapsed = await store.expire_lapsed(conn, presentation_id, now)
    if lapsed:
        await audit.record(conn, SYSTEM, "enrolments.offer_lapsed",
                           [r["worker_id"] for r in lapsed],
                           {"presentation_id": str(presentation_id)})
    starts_on = presentation["starts_on"]
    if presentation["withdrawn"] or (starts_on is not None and starts_on <= clock.day_of(now)):
        return 0
    taken, waiting = await store.counts(conn, presentation_id)
    free = min(waiting, logic.free_places(presentation["places"], taken, waiting))
    if free <= 0:
        return 0
    expires = logic.offer_expiry(now, hours, starts_on)
    offered = await store.next_waiting(conn, presentation_id, free)
    for row in offered:
        await store.make_offer(conn, row["id"], now, expires)
        await notify.offered(conn, row["worker_id"], row["id"], presentation, expires)
    await audit.record(conn, SYSTEM, "enrolments.offer", [r["worker_id"] for r in offered],
                       {"presentation_id": str(presentation_id),
                        "expires_at": expires.isoformat()})
    return len(offered)


async def pass_on_lapsed(conn: asyncpg.Connection, now: datetime, hours: float,
                         batch: int = 100) -> int:
    """The scheduler's job: presentations with lapsed offers (or free places while people
    wait) are filled, each in its own transaction under its lock; a presentation another
    instance (or a request) holds is skipped, for the next round. How many were offered."""
    offered = 0
    for presentation_id in await store.presentations_to_fill(conn, now, clock.day_of(now),
                                                             batch):
        async with conn.transaction():
            if not await store.try_lock_presentation(conn, presentation_id):
                continue
            presentation = await store.presentation(conn, presentation_id)
            offered += await fill(conn, presentation, now, hours)
    return offered


async def scheduled_round(pool: asyncpg.Pool, settings: Settings, progress: Progress) -> None:
    """The scheduler's enrolments job."""
    async with pool.acquire() as conn:
        offered = await pass_on_lapsed(conn, datetime.now(UTC), settings.enrolment_offer_hours)
    if offered:
        progress(f"enrolment offers: {offered} places offered from waiting lists")
