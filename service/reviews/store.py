"""Reviews' tables: slots, bookings and the waiting list. Constraint violations that are the
rules of reviews become 409s naming the rule here, in one place."""

from collections.abc import Awaitable
from datetime import datetime
from typing import Any, TypeVar
from uuid import UUID

import asyncpg
import msgspec

from service.errors import Conflict
from service.reviews.schemas import Review, Slot, WaitlistEntry
from service.sql import load_queries

Q = load_queries(__file__)
T = TypeVar("T")

# constraint -> (field, what the rule says)
RULES = {
    "review_slots_no_overlap_excl": ("starts_at", "overlaps another open slot of this rep "
                                     "(rule: a rep's slots never overlap)"),
    "reviews_one_per_slot": ("slot_id", "the slot is already booked (rule: one booking per "
                             "slot)"),
    "reviews_one_upcoming": ("worker_id", "the worker already has an upcoming review (rule: at "
                             "most one upcoming review per worker); cancel or reschedule it"),
    "review_waitlist_one_active": ("worker_id", "the worker is already on the waiting list"),
    "review_waitlist_one_offer": ("slot_id", "the slot is already offered to someone"),
}


async def _ruled(call: Awaitable[T]) -> T:
    try:
        return await call
    except (asyncpg.UniqueViolationError, asyncpg.ExclusionViolationError) as exc:
        rule = RULES.get(getattr(exc, "constraint_name", None) or "")
        if rule is None:
            raise
        raise Conflict.on_field(*rule) from None


def _slot(row: asyncpg.Record) -> Slot:
    return Slot(**{f: row[f] for f in Slot.__struct_fields__})


def _review(row: asyncpg.Record) -> Review:
    fields = {f: row[f] for f in Review.__struct_fields__}
    return msgspec.convert(fields, Review)


def _entry(row: asyncpg.Record) -> WaitlistEntry:
    return msgspec.convert({f: row[f] for f in WaitlistEntry.__struct_fields__}, WaitlistEntry)


async def insert_slot(conn: asyncpg.Connection, rep_id: UUID, branch: str, starts_at: datetime,
                      ends_at: datetime, mode: str, location: str | None) -> UUID:
    return await _ruled(conn.fetchval(*Q.insert_slot(
        rep_id=rep_id, branch=branch, starts_at=starts_at, ends_at=ends_at, mode=mode,
        location=location)))


async def get_slot(conn: asyncpg.Connection, slot_id: UUID) -> tuple[Slot, UUID | None] | None:
    """The slot, and the worker it is offered to now (if anyone)."""
    row = await conn.fetchrow(*Q.get_slot(slot_id=slot_id))
    return (_slot(row), row["offered_to"]) if row else None


async def lock_slot(conn: asyncpg.Connection, slot_id: UUID) -> bool:
    return await conn.fetchval(*Q.lock_slot(slot_id=slot_id)) is not None


async def list_slots(conn: asyncpg.Connection, *, branch: str | None, rep_id: UUID | None,
                     from_at: datetime | None, to_at: datetime | None, mode: str | None,
                     available: bool | None, viewer_worker: UUID | None, now: datetime,
                     after: tuple[Any, ...] | None, limit: int) -> list[Slot]:
    rows = await conn.fetch(*Q.list_slots(
        branch=branch, rep_id=rep_id, from_at=from_at, to_at=to_at, mode=mode,
        available=available, viewer_worker=viewer_worker, now=now,
        after_starts_at=after[0] if after else None, after_id=after[1] if after else None,
        limit=limit))
    return [_slot(r) for r in rows]


async def cancel_slot(conn: asyncpg.Connection, slot_id: UUID, reason: str, now: datetime) -> bool:
    return await conn.fetchval(*Q.cancel_slot(slot_id=slot_id, reason=reason, now=now)) is not None


async def insert_review(conn: asyncpg.Connection, slot_id: UUID, worker_id: UUID, branch: str,
                        booked_by: str) -> UUID:
    return await _ruled(conn.fetchval(*Q.insert_review(
        slot_id=slot_id, worker_id=worker_id, branch=branch, booked_by=booked_by)))


async def get_review(conn: asyncpg.Connection, review_id: UUID) -> Review | None:
    row = await conn.fetchrow(*Q.get_review(review_id=review_id))
    return _review(row) if row else None


async def lock_review(conn: asyncpg.Connection, review_id: UUID) -> bool:
    return await conn.fetchval(*Q.lock_review(review_id=review_id)) is not None


async def active_review_on_slot(conn: asyncpg.Connection, slot_id: UUID) -> asyncpg.Record | None:
    return await conn.fetchrow(*Q.active_review_on_slot(slot_id=slot_id))


async def upcoming_review_of(conn: asyncpg.Connection, worker_id: UUID) -> UUID | None:
    return await conn.fetchval(*Q.upcoming_review_of(worker_id=worker_id))


async def cancel_review(conn: asyncpg.Connection, review_id: UUID, reason: str,
                        cancelled_by: str, late: bool, now: datetime) -> bool:
    return await conn.fetchval(*Q.cancel_review(
        review_id=review_id, reason=reason, cancelled_by=cancelled_by, late=late,
        now=now)) is not None


async def set_outcome(conn: asyncpg.Connection, review_id: UUID, status: str,
                      action_plan: str | None, assessed_skills: list[dict[str, Any]],
                      target_occupations: list[UUID], outcome_by: str, now: datetime) -> bool:
    return await conn.fetchval(*Q.set_outcome(
        review_id=review_id, status=status, action_plan=action_plan,
        assessed_skills=assessed_skills, target_occupations=target_occupations,
        outcome_by=outcome_by, now=now)) is not None


async def attended_before(conn: asyncpg.Connection, worker_id: UUID, review_id: UUID) -> bool:
    return await conn.fetchval(*Q.attended_before(worker_id=worker_id, review_id=review_id))


async def list_reviews(conn: asyncpg.Connection, *, worker_id: UUID | None, rep_id: UUID | None,
                       branch: str | None, status: str | None, after: tuple[Any, ...] | None,
                       limit: int) -> list[Review]:
    rows = await conn.fetch(*Q.list_reviews(
        worker_id=worker_id, rep_id=rep_id, branch=branch, status=status,
        after_starts_at=after[0] if after else None, after_id=after[1] if after else None,
        limit=limit))
    return [_review(r) for r in rows]


async def insert_entry(conn: asyncpg.Connection, worker_id: UUID, branch: str, score: int,
                       reasons: list[dict[str, Any]], now: datetime) -> UUID:
    return await _ruled(conn.fetchval(*Q.insert_entry(
        worker_id=worker_id, branch=branch, priority_score=score, reasons=reasons, now=now)))


async def get_entry(conn: asyncpg.Connection, entry_id: UUID) -> WaitlistEntry | None:
    row = await conn.fetchrow(*Q.get_entry(entry_id=entry_id))
    return _entry(row) if row else None


async def lock_entry(conn: asyncpg.Connection, entry_id: UUID) -> asyncpg.Record | None:
    return await conn.fetchrow(*Q.lock_entry(entry_id=entry_id))


async def active_entry_of(conn: asyncpg.Connection, worker_id: UUID) -> asyncpg.Record | None:
    return await conn.fetchrow(*Q.active_entry_of(worker_id=worker_id))


async def offer_on_slot(conn: asyncpg.Connection, slot_id: UUID) -> asyncpg.Record | None:
    return await conn.fetchrow(*Q.offer_on_slot(slot_id=slot_id))


async def next_waiting(conn: asyncpg.Connection, branch: str) -> asyncpg.Record | None:
    return await conn.fetchrow(*Q.next_waiting(branch=branch))


async def make_offer(conn: asyncpg.Connection, entry_id: UUID, slot_id: UUID, now: datetime,
                     expires_at: datetime, reason: str | None) -> None:
    await _ruled(conn.execute(*Q.make_offer(entry_id=entry_id, slot_id=slot_id, now=now,
                                            expires_at=expires_at, reason=reason)))


async def set_entry_status(conn: asyncpg.Connection, entry_id: UUID, status: str, now: datetime,
                           review_id: UUID | None = None) -> None:
    await conn.execute(*Q.set_entry_status(entry_id=entry_id, status=status, now=now,
                                           review_id=review_id))


async def claim_lapsed_offers(conn: asyncpg.Connection, now: datetime,
                              limit: int) -> list[asyncpg.Record]:
    return await conn.fetch(*Q.claim_lapsed_offers(now=now, limit=limit))


async def list_waitlist(conn: asyncpg.Connection, *, branch: str | None, status: str | None,
                        after: tuple[Any, ...] | None,
                        limit: int) -> list[tuple[int, WaitlistEntry]]:
    rows = await conn.fetch(*Q.list_waitlist(
        branch=branch, status=status, after_rank=after[0] if after else None,
        after_score=after[1] if after else None, after_asked_at=after[2] if after else None,
        after_id=after[3] if after else None, limit=limit))
    return [(r["queue_rank"], _entry(r)) for r in rows]


async def free_slots(conn: asyncpg.Connection, branch: str, now: datetime,
                     limit: int) -> list[UUID]:
    return [r["id"] for r in await conn.fetch(*Q.free_slots(branch=branch, now=now, limit=limit))]


async def put_calendar_token(conn: asyncpg.Connection, rep_id: UUID, token_hash: bytes,
                             now: datetime) -> None:
    await conn.execute(*Q.put_calendar_token(rep_id=rep_id, token_hash=token_hash, now=now))


async def calendar_rep(conn: asyncpg.Connection, token_hash: bytes) -> UUID | None:
    return await conn.fetchval(*Q.calendar_rep(token_hash=token_hash))


async def calendar_reviews(conn: asyncpg.Connection, rep_id: UUID, now: datetime, keep_days: int,
                           limit: int) -> list[Review]:
    rows = await conn.fetch(*Q.calendar_reviews(rep_id=rep_id, now=now, keep_days=keep_days,
                                                limit=limit))
    return [_review(r) for r in rows]


async def reviewed_since(conn: asyncpg.Connection, worker_ids: list[UUID],
                         since: datetime) -> int:
    return await conn.fetchval(*Q.reviewed_since(worker_ids=worker_ids, since=since))
