from datetime import date, datetime
from typing import Any
from uuid import UUID

import asyncpg

from service.actor import Actor
from service.programmes.schemas import Destination, Member, Programme
from service.sql import load_queries

Q = load_queries(__file__)

PROGRAMME_FIELDS = Programme.__struct_fields__
MEMBER_FIELDS = Member.__struct_fields__


def who(actor: Actor) -> str:
    return f"{actor.role}: {actor.name}"


def _programme(row: asyncpg.Record) -> Programme:
    return Programme(**{name: row[name] for name in PROGRAMME_FIELDS})


def _member(row: asyncpg.Record) -> Member:
    return Member(**{name: row[name] for name in MEMBER_FIELDS})


async def insert_programme(conn: asyncpg.Connection, actor: Actor, fields: dict[str, Any],
                           occupation_ids: list[UUID]) -> UUID:
    return await conn.fetchval(*Q.insert_programme(
        name=fields["name"], employer=fields["employer"], occupations=fields["occupations"],
        occupation_ids=occupation_ids, announced_on=fields["announced_on"],
        last_day=fields["last_day"], reason=fields["reason"], created_by=who(actor)))


async def get_programme(conn: asyncpg.Connection,
                        programme_id: UUID) -> tuple[Programme, list[UUID]] | None:
    """The programme and the resolved ids of its occupations."""
    row = await conn.fetchrow(*Q.get_programme(programme_id=programme_id))
    return (_programme(row), list(row["occupation_ids"])) if row else None


async def lock_programme(conn: asyncpg.Connection, programme_id: UUID) -> bool:
    return await conn.fetchval(*Q.lock_programme(programme_id=programme_id)) is not None


async def list_programmes(conn: asyncpg.Connection, employer: str | None,
                          after: tuple[datetime | None, UUID | None],
                          limit: int) -> list[Programme]:
    rows = await conn.fetch(*Q.list_programmes(employer=employer, after_created_at=after[0],
                                               after_id=after[1], limit=limit))
    return [_programme(r) for r in rows]


async def widen_programme(conn: asyncpg.Connection, programme_id: UUID, occupations: list[str],
                          occupation_ids: list[UUID]) -> None:
    await conn.execute(*Q.widen_programme(programme_id=programme_id, occupations=occupations,
                                          occupation_ids=occupation_ids))


async def add_members(conn: asyncpg.Connection, actor: Actor, programme_id: UUID, *,
                      employer: str | None, occupation_ids: list[UUID] | None,
                      worker_ids: list[UUID] | None, source: str, reason: str,
                      rematch_removed: bool = False) -> list[asyncpg.Record]:
    return await conn.fetch(*Q.add_members(
        programme_id=programme_id, employer=employer, occupation_ids=occupation_ids,
        worker_ids=worker_ids, rematch_removed=rematch_removed, source=source,
        added_by=who(actor), reason=reason))


async def current_member(conn: asyncpg.Connection, programme_id: UUID,
                         worker_id: UUID) -> asyncpg.Record | None:
    return await conn.fetchrow(*Q.current_member(programme_id=programme_id, worker_id=worker_id))


async def remove_member(conn: asyncpg.Connection, actor: Actor, programme_id: UUID,
                        worker_id: UUID, reason: str) -> Member:
    return _member(await conn.fetchrow(*Q.remove_member(
        programme_id=programme_id, worker_id=worker_id, removed_by=who(actor), reason=reason)))


async def in_another_programme(conn: asyncpg.Connection, programme_id: UUID,
                               worker_id: UUID) -> bool:
    return await conn.fetchval(*Q.in_another_programme(programme_id=programme_id,
                                                       worker_id=worker_id))


async def clear_mark(conn: asyncpg.Connection, worker_id: UUID) -> bool:
    return bool(await conn.fetchval(*Q.clear_mark(worker_id=worker_id)))


async def list_members(conn: asyncpg.Connection, programme_id: UUID, current_only: bool,
                       after_id: int | None, limit: int) -> list[asyncpg.Record]:
    return await conn.fetch(*Q.list_members(programme_id=programme_id, current_only=current_only,
                                            after_id=after_id, limit=limit))


def member_of(row: asyncpg.Record) -> Member:
    return _member(row)


async def worker_programme(conn: asyncpg.Connection,
                           worker_id: UUID) -> asyncpg.Record | None:
    return await conn.fetchrow(*Q.worker_programme(worker_id=worker_id))


async def insert_destination(conn: asyncpg.Connection, actor: Actor, worker_id: UUID,
                             programme_id: UUID, fields: dict[str, Any],
                             occupation_id: UUID | None) -> Destination:
    row = await conn.fetchrow(*Q.insert_destination(
        worker_id=worker_id, programme_id=programme_id, recorded_on=fields["recorded_on"],
        type=fields["type"], occupation=fields["occupation"], occupation_id=occupation_id,
        pay_compared=fields["pay_compared"], recorded_by=who(actor)))
    return Destination(**dict(row))


async def list_destinations(conn: asyncpg.Connection, worker_id: UUID,
                            after: tuple[datetime | None, UUID | None],
                            limit: int) -> list[Destination]:
    rows = await conn.fetch(*Q.list_destinations(worker_id=worker_id, after_created_at=after[0],
                                                 after_id=after[1], limit=limit))
    return [Destination(**dict(r)) for r in rows]


async def report_members(conn: asyncpg.Connection,
                         programme_id: UUID) -> list[asyncpg.Record]:
    return await conn.fetch(*Q.report_members(programme_id=programme_id))


async def report_destinations(conn: asyncpg.Connection,
                              programme_id: UUID) -> list[asyncpg.Record]:
    return await conn.fetch(*Q.report_destinations(programme_id=programme_id))


async def members_without_destination(conn: asyncpg.Connection,
                                      programme_id: UUID) -> list[UUID]:
    rows = await conn.fetch(*Q.members_without_destination(programme_id=programme_id))
    return [r["worker_id"] for r in rows]


async def due_reminders(conn: asyncpg.Connection, today: date,
                        latest_month: int) -> list[asyncpg.Record]:
    return await conn.fetch(*Q.programmes_in_window(today=today,
                                                    month_now_at_least=latest_month))


async def set_reminded(conn: asyncpg.Connection, programme_id: UUID, month: int) -> None:
    await conn.execute(*Q.set_reminded(programme_id=programme_id, month=month))
