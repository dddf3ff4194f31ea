from datetime import datetime
from uuid import UUID

import asyncpg

from service.consents.schemas import Consent
from service.sql import load_queries

Q = load_queries(__file__)


def _consent(row: asyncpg.Record) -> Consent:
    return Consent(**dict(row))


async def in_force(conn: asyncpg.Connection, worker_id: UUID, purpose: str,
                   provider_id: UUID | None) -> UUID | None:
    return await conn.fetchval(*Q.in_force(worker_id=worker_id, purpose=purpose,
                                           provider_id=provider_id))


async def insert_consent(conn: asyncpg.Connection, worker_id: UUID, purpose: str,
                         provider_id: UUID | None, detail: str | None, now: datetime,
                         given_by: str) -> UUID | None:
    return await conn.fetchval(*Q.insert_consent(
        worker_id=worker_id, purpose=purpose, provider_id=provider_id, detail=detail, now=now,
        given_by=given_by))


async def get_consent(conn: asyncpg.Connection, consent_id: UUID) -> Consent | None:
    row = await conn.fetchrow(*Q.get_consent(consent_id=consent_id))
    return _consent(row) if row else None


async def lock_consent(conn: asyncpg.Connection, consent_id: UUID) -> asyncpg.Record | None:
    return await conn.fetchrow(*Q.lock_consent(consent_id=consent_id))


async def withdraw(conn: asyncpg.Connection, consent_id: UUID, now: datetime,
                   withdrawn_by: str) -> bool:
    return await conn.fetchval(*Q.withdraw(consent_id=consent_id, now=now,
                                           withdrawn_by=withdrawn_by)) is not None


async def list_consents(conn: asyncpg.Connection, worker_id: UUID,
                        after: tuple[datetime | None, UUID | None], limit: int) -> list[Consent]:
    rows = await conn.fetch(*Q.list_consents(worker_id=worker_id, after_given_at=after[0],
                                             after_id=after[1], limit=limit))
    return [_consent(r) for r in rows]
