"""Enrolments' table. The rule one enrolment per worker and presentation is a unique index;
its violation becomes a 409 naming the rule here."""

from collections.abc import Awaitable
from datetime import date, datetime
from typing import Any, TypeVar
from uuid import UUID

import asyncpg

from service.enrolments import logic
from service.enrolments.schemas import Enrolment, Places, ProviderEnrolment
from service.errors import Conflict
from service.sql import load_queries

Q = load_queries(__file__)
T = TypeVar("T")
ONE_PER_PRESENTATION = "enrolments_one_per_presentation"
_PLACES = ("title", "starts_on", "ends_on", "places", "min_places")


def already_enrolled() -> Conflict:
    return Conflict.on_field("presentation_id", "the worker is already enrolled or waiting on "
                             "this presentation (rule: one enrolment per worker and "
                             "presentation)")


async def _ruled(call: Awaitable[T]) -> T:
    try:
        return await call
    except asyncpg.UniqueViolationError as exc:
        if getattr(exc, "constraint_name", None) == ONE_PER_PRESENTATION:
            raise already_enrolled() from None
        raise


def places(row: asyncpg.Record) -> Places:
    taken, limit = row["places_taken"], row["places"]
    return Places(**{f: row[f] for f in _PLACES}, places_taken=taken,
                  places_left=None if limit is None else max(0, limit - taken),
                  waiting=row["waiting"], needed_to_run=logic.needed_to_run(row["min_places"],
                                                                            taken))


def _enrolment(row: asyncpg.Record) -> Enrolment:
    fields = {f: row[f] for f in Enrolment.__struct_fields__ if f != "presentation"}
    return Enrolment(**fields, presentation=places(row))


def _provider_enrolment(row: asyncpg.Record) -> ProviderEnrolment:
    return ProviderEnrolment(
        id=row["id"], status=row["status"], worker_name=row["worker_name"],
        worker_email=row["worker_email"], course_id=row["course_id"],
        course_title=row["title"], presentation_id=row["presentation_id"],
        starts_on=row["starts_on"], asked_at=row["asked_at"], booked_at=row["booked_at"],
        started_at=row["started_at"],
        completed_at=row["completed_at"], cancelled_at=row["cancelled_at"],
        presentation=places(row))


async def lock_presentation(conn: asyncpg.Connection,
                            presentation_id: UUID) -> asyncpg.Record | None:
    return await conn.fetchrow(*Q.lock_presentation(presentation_id=presentation_id))


async def try_lock_presentation(conn: asyncpg.Connection, presentation_id: UUID) -> bool:
    return await conn.fetchval(*Q.try_lock_presentation(presentation_id=presentation_id))


async def presentation(conn: asyncpg.Connection, presentation_id: UUID) -> asyncpg.Record | None:
    return await conn.fetchrow(*Q.presentation(presentation_id=presentation_id))


async def counts(conn: asyncpg.Connection, presentation_id: UUID) -> tuple[int, int]:
    row = await conn.fetchrow(*Q.counts(presentation_id=presentation_id))
    return row["taken"], row["waiting"]


async def active_of(conn: asyncpg.Connection, worker_id: UUID,
                    presentation_id: UUID) -> asyncpg.Record | None:
    return await conn.fetchrow(*Q.active_of(worker_id=worker_id,
                                            presentation_id=presentation_id))


async def insert_enrolment(conn: asyncpg.Connection, **fields: Any) -> UUID:
    return await _ruled(conn.fetchval(*Q.insert_enrolment(**fields)))


async def get_enrolment(conn: asyncpg.Connection, enrolment_id: UUID) -> Enrolment | None:
    row = await conn.fetchrow(*Q.get_enrolment(enrolment_id=enrolment_id))
    return _enrolment(row) if row else None


async def enrolment_parties(conn: asyncpg.Connection,
                            enrolment_id: UUID) -> asyncpg.Record | None:
    return await conn.fetchrow(*Q.enrolment_parties(enrolment_id=enrolment_id))


async def lock_enrolment(conn: asyncpg.Connection, enrolment_id: UUID) -> asyncpg.Record | None:
    return await conn.fetchrow(*Q.lock_enrolment(enrolment_id=enrolment_id))


async def book(conn: asyncpg.Connection, enrolment_id: UUID, hold_id: UUID | None,
               cost_pence: int, now: datetime) -> None:
    await conn.execute(*Q.book(enrolment_id=enrolment_id, hold_id=hold_id,
                               cost_pence=cost_pence, now=now))


async def cancel(conn: asyncpg.Connection, enrolment_id: UUID, *, cancelled_by: str,
                 cancelled_by_role: str, late: bool, hold_outcome: str | None,
                 now: datetime) -> None:
    await conn.execute(*Q.cancel(enrolment_id=enrolment_id, cancelled_by=cancelled_by,
                                 cancelled_by_role=cancelled_by_role, late=late,
                                 hold_outcome=hold_outcome, now=now))


async def set_started(conn: asyncpg.Connection, enrolment_id: UUID, hold_outcome: str | None,
                      now: datetime) -> None:
    await conn.execute(*Q.set_started(enrolment_id=enrolment_id, hold_outcome=hold_outcome,
                                      now=now))


async def set_completed(conn: asyncpg.Connection, enrolment_id: UUID, now: datetime) -> None:
    await conn.execute(*Q.set_completed(enrolment_id=enrolment_id, now=now))


async def expire_lapsed(conn: asyncpg.Connection, presentation_id: UUID,
                        now: datetime) -> list[asyncpg.Record]:
    return await conn.fetch(*Q.expire_lapsed(presentation_id=presentation_id, now=now))


async def next_waiting(conn: asyncpg.Connection, presentation_id: UUID,
                       limit: int) -> list[asyncpg.Record]:
    return await conn.fetch(*Q.next_waiting(presentation_id=presentation_id, limit=limit))


async def make_offer(conn: asyncpg.Connection, enrolment_id: UUID, now: datetime,
                     expires_at: datetime) -> None:
    await conn.execute(*Q.make_offer(enrolment_id=enrolment_id, now=now, expires_at=expires_at))


async def presentations_to_fill(conn: asyncpg.Connection, now: datetime, today: date,
                                limit: int) -> list[UUID]:
    rows = await conn.fetch(*Q.presentations_to_fill(now=now, today=today, limit=limit))
    return [r["presentation_id"] for r in rows]


async def list_for_worker(conn: asyncpg.Connection, worker_id: UUID,
                          after: tuple[datetime | None, UUID | None],
                          limit: int) -> list[Enrolment]:
    rows = await conn.fetch(*Q.list_for_worker(worker_id=worker_id, after_asked_at=after[0],
                                               after_id=after[1], limit=limit))
    return [_enrolment(r) for r in rows]


async def list_for_provider(conn: asyncpg.Connection, provider_id: UUID, *,
                            status: str | None, presentation_id: UUID | None,
                            after: tuple[datetime | None, UUID | None],
                            limit: int) -> list[tuple[UUID, ProviderEnrolment]]:
    """(worker id, what the college sees): the worker ids are for the audit rows."""
    rows = await conn.fetch(*Q.list_for_provider(
        provider_id=provider_id, status=status, presentation_id=presentation_id,
        after_asked_at=after[0], after_id=after[1], limit=limit))
    return [(r["worker_id"], _provider_enrolment(r)) for r in rows]


async def progress_since(conn: asyncpg.Connection, worker_ids: list[UUID],
                         since: datetime) -> dict[str, int]:
    return dict(await conn.fetchrow(*Q.progress_since(worker_ids=worker_ids, since=since)))
