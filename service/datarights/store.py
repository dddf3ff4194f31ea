from datetime import datetime
from uuid import UUID

import asyncpg

from service.datarights.schemas import ErasureRequest
from service.sql import load_queries

Q = load_queries(__file__)


async def request_rows(conn: asyncpg.Connection, worker_id: UUID) -> list[asyncpg.Record]:
    return await conn.fetch(*Q.request_rows(worker_id=worker_id))


async def insert_request(conn: asyncpg.Connection, worker_id: UUID,
                         now: datetime) -> ErasureRequest:
    return ErasureRequest(**dict(await conn.fetchrow(*Q.insert_request(worker_id=worker_id,
                                                                       now=now))))


async def decide_open(conn: asyncpg.Connection, worker_id: UUID, status: str, now: datetime,
                      decided_by: str) -> ErasureRequest | None:
    row = await conn.fetchrow(*Q.decide_open(worker_id=worker_id, status=status, now=now,
                                             decided_by=decided_by))
    return ErasureRequest(**dict(row)) if row else None


async def list_requests(conn: asyncpg.Connection, status: str | None,
                        after: tuple[datetime | None, UUID | None],
                        limit: int) -> list[ErasureRequest]:
    rows = await conn.fetch(*Q.list_requests(status=status, after_at=after[0], after_id=after[1],
                                             limit=limit))
    return [ErasureRequest(**dict(r)) for r in rows]
