"""The waiting list: who asks, in which order opened slots are offered, offers that lapse and
pass on, and a rep's offer out of order (with its reason, audited)."""

from datetime import UTC, datetime
from uuid import UUID

import asyncpg
import msgspec

from service import clock
from service.actor import SYSTEM, Actor
from service.auth.logic import Principal
from service.console import Progress
from service.errors import Conflict, NotFound
from service.oversight import service as audit
from service.pagination import decode_cursor, page
from service.people import service as people
from service.reviews import logic, notify, store
from service.reviews.schemas import OfferIn, WaitlistEntry, WaitlistPage
from service.settings import Settings

ACTIVE = ("waiting", "offered")


async def offer_slot(conn: asyncpg.Connection, slot_id: UUID, now: datetime, hours: float,
                     actor: Actor = SYSTEM) -> UUID | None:
    """Offer an opened slot to the first waiting entry of its branch, if the slot is free and
    anyone waits; the entry's id, or None. Takes the slot's row lock first, as bookings do."""
    if not await store.lock_slot(conn, slot_id):
        return None
    found = await store.get_slot(conn, slot_id)
    if found is None:
        return None
    slot, offered_to = found
    if slot.status != "open" or slot.booked or offered_to or slot.starts_at <= now:
        return None
    entry = await store.next_waiting(conn, slot.branch)
    if entry is None:
        return None
    expires = min(logic.offer_expiry(now, hours), slot.starts_at)
    await store.make_offer(conn, entry["id"], slot_id, now, expires, None)
    await notify.offered(conn, entry["worker_id"], entry["id"], slot_id, slot.starts_at, now,
                         expires)
    await audit.record(conn, actor, "reviews.waitlist.offer", [entry["worker_id"]],
                       {"slot_id": str(slot_id), "expires_at": expires.isoformat()})
    return entry["id"]


async def offer_free_slots(conn: asyncpg.Connection, branch: str, now: datetime,
                           hours: float) -> int:
    """Offer the branch's free slots to whoever waits (after someone joins)."""
    offered = 0
    for slot_id in await store.free_slots(conn, branch, now, 20):
        if await offer_slot(conn, slot_id, now, hours) is None:
            break
        offered += 1
    return offered


async def settle_lapsed(conn: asyncpg.Connection, slot_id: UUID, now: datetime,
                        hours: float) -> None:
    """An offer on the slot whose time is up passes on now, before anyone books (the job does
    the same for offers nobody touches). The caller holds the slot's lock."""
    offer = await store.offer_on_slot(conn, slot_id)
    if offer is not None and offer["offer_expires_at"] <= now:
        await store.set_entry_status(conn, offer["id"], "expired", now)
        await offer_slot(conn, slot_id, now, hours)


async def pass_on_lapsed(conn: asyncpg.Connection, now: datetime, hours: float,
                         batch: int = 100) -> int:
    """The scheduler's job: expire lapsed offers and offer each slot to the next entry. Rows
    are claimed with SKIP LOCKED (entry and slot at once), so instances share the work and a
    slot someone is booking right now is left for the next round. Returns how many lapsed."""
    lapsed = 0
    while True:
        async with conn.transaction():
            rows = await store.claim_lapsed_offers(conn, now, batch)
            for row in rows:
                await store.set_entry_status(conn, row["id"], "expired", now)
                await offer_slot(conn, row["offered_slot_id"], now, hours)
        if not rows:
            return lapsed
        lapsed += len(rows)


async def booked(conn: asyncpg.Connection, worker_id: UUID, review_id: UUID, slot_id: UUID,
                 now: datetime, hours: float) -> None:
    """The worker booked: their entry is done; a slot offered to them that they did not take
    passes on."""
    entry = await store.active_entry_of(conn, worker_id)
    if entry is None:
        return
    await store.set_entry_status(conn, entry["id"], "booked", now, review_id)
    other = entry["offered_slot_id"]
    if other is not None and other != slot_id:
        await offer_slot(conn, other, now, hours)


async def join(conn: asyncpg.Connection, principal: Principal, worker_id: UUID, now: datetime,
               hours: float) -> WaitlistEntry:
    """Under the worker's row lock, which a booking takes too: a booking committed first is
    seen here (409), and one that waits for this join finds the entry and marks it booked."""
    worker = await people.visible_worker(conn, principal, worker_id, "reviews.waitlist.join",
                                         for_update=True)
    if await store.upcoming_review_of(conn, worker.id):
        raise Conflict.on_field("worker_id", "the worker already has an upcoming review")
    score, reasons = await people.priority_of(conn, worker, clock.day_of(now))
    entry_id = await store.insert_entry(conn, worker.id, worker.branch, score,
                                        msgspec.to_builtins(reasons), now)
    await offer_free_slots(conn, worker.branch, now, hours)
    return await store.get_entry(conn, entry_id)


async def withdraw(conn: asyncpg.Connection, principal: Principal, entry_id: UUID, now: datetime,
                   hours: float) -> WaitlistEntry:
    entry = await _entry_for(conn, principal, entry_id, "reviews.waitlist.withdraw")
    await store.set_entry_status(conn, entry_id, "withdrawn", now)
    if entry["offered_slot_id"] is not None:
        await offer_slot(conn, entry["offered_slot_id"], now, hours)
    return await store.get_entry(conn, entry_id)


async def offer_out_of_order(conn: asyncpg.Connection, principal: Principal, entry_id: UUID,
                             data: OfferIn, now: datetime, hours: float) -> WaitlistEntry:
    """A rep (or admin) offers a slot to an entry that is not first, with a written reason,
    which is audited. Whoever held the slot's offer goes back to waiting in their place, and
    the branch's free slots are offered again."""
    if not await store.lock_slot(conn, data.slot_id):
        raise NotFound(f"no slot with id {data.slot_id}")
    entry = await _entry_for(conn, principal, entry_id, "reviews.waitlist.offer_out_of_order")
    slot, _ = await store.get_slot(conn, data.slot_id)
    if slot.branch != entry["branch"]:
        raise Conflict.on_field("slot_id", f"the slot is for branch {slot.branch!r}")
    logic.check_bookable(slot.status, slot.starts_at, slot.booked, now)
    held = await store.offer_on_slot(conn, data.slot_id)
    if held is not None and held["id"] != entry_id:
        await store.set_entry_status(conn, held["id"], "waiting", now)
    previous = entry["offered_slot_id"]
    expires = min(logic.offer_expiry(now, hours), slot.starts_at)
    await store.make_offer(conn, entry_id, data.slot_id, now, expires, data.reason)
    await notify.offered(conn, entry["worker_id"], entry_id, data.slot_id, slot.starts_at, now,
                         expires)
    await audit.record(conn, Actor.of(principal), "reviews.waitlist.offer_out_of_order",
                       [entry["worker_id"]], {"slot_id": str(data.slot_id),
                                              "reason": data.reason,
                                              "displaced_entry": str(held["id"]) if held
                                              and held["id"] != entry_id else None})
    if previous is not None and previous != data.slot_id:
        await offer_slot(conn, previous, now, hours)
    if held is not None and held["id"] != entry_id:
        await offer_free_slots(conn, slot.branch, now, hours)
    return await store.get_entry(conn, entry_id)


async def _entry_for(conn: asyncpg.Connection, principal: Principal, entry_id: UUID,
                     action: str) -> asyncpg.Record:
    """The entry, locked, if the caller may act for its worker and it is still in the queue."""
    entry = await store.lock_entry(conn, entry_id)
    if entry is None:
        raise NotFound(f"no waiting-list entry with id {entry_id}")
    await people.visible_worker(conn, principal, entry["worker_id"], action)
    if entry["status"] not in ACTIVE:
        raise Conflict.on_field("entry_id", f"the entry is {entry['status']}")
    return entry


async def list_entries(conn: asyncpg.Connection, principal: Principal, branch: str | None,
                       status: str | None, cursor: str | None, limit: int) -> WaitlistPage:
    after = decode_cursor(cursor, int, int, datetime, UUID)
    if principal.role == "rep":
        principal.require_branch(branch or principal.branch or "")
        branch = principal.branch
    rows = await store.list_waitlist(conn, branch=branch, status=status, after=after,
                                     limit=limit + 1)
    items, following = page(rows, limit, lambda r: (r[0], r[1].priority_score, r[1].asked_at,
                                                    r[1].id), lambda r: r[1])
    await audit.record(conn, Actor.of(principal), "reviews.waitlist.list",
                       list(dict.fromkeys(e.worker_id for e in items)))
    return WaitlistPage(items, following)


async def scheduled_round(pool: asyncpg.Pool, settings: Settings, progress: Progress) -> None:
    """The scheduler's reviews job: offers that lapsed pass to the next entry."""
    async with pool.acquire() as conn:
        lapsed = await pass_on_lapsed(conn, datetime.now(UTC), settings.review_offer_hours)
    if lapsed:
        progress(f"review offers: {lapsed} lapsed and passed on")
