"""Equality's one table, `equality_answers`: nobody else's queries name it."""

from datetime import datetime
from uuid import UUID

import asyncpg

from service.equality.logic import ethnicity_group
from service.equality.schemas import Equality, EqualityIn
from service.sql import load_queries

Q = load_queries(__file__)


def _answers(row: asyncpg.Record) -> Equality:
    return Equality(ethnicity_group=ethnicity_group(row["ethnicity"]), **dict(row))


async def upsert(conn: asyncpg.Connection, worker_id: UUID, data: EqualityIn,
                 now: datetime) -> Equality:
    return _answers(await conn.fetchrow(*Q.upsert_answers(
        worker_id=worker_id, sex=data.sex, ethnicity=data.ethnicity, disability=data.disability,
        now=now)))


async def get(conn: asyncpg.Connection, worker_id: UUID) -> Equality | None:
    row = await conn.fetchrow(*Q.get_answers(worker_id=worker_id))
    return _answers(row) if row else None


async def delete(conn: asyncpg.Connection, worker_id: UUID) -> bool:
    return await conn.fetchval(*Q.delete_answers(worker_id=worker_id)) is not None
