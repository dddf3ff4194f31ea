from datetime import datetime
from uuid import UUID

import asyncpg

from service.outbox.logic import Outgoing
from service.sql import load_queries

Q = load_queries(__file__)


async def insert_message(conn: asyncpg.Connection, *, kind: str, recipient: str, subject: str,
                         body: str, worker_id: UUID | None, dedupe_key: str | None,
                         due_at: datetime | None) -> UUID | None:
    return await conn.fetchval(*Q.insert_message(
        kind=kind, recipient=recipient, subject=subject, body=body, worker_id=worker_id,
        dedupe_key=dedupe_key, due_at=due_at))


async def cancel_pending(conn: asyncpg.Connection, prefix: str) -> int:
    status = await conn.execute(*Q.cancel_pending(prefix=prefix))
    return int(status.rsplit(" ", 1)[1])


async def give_up_abandoned(conn: asyncpg.Connection, max_attempts: int) -> int:
    status = await conn.execute(*Q.give_up_abandoned(max_attempts=max_attempts))
    return int(status.rsplit(" ", 1)[1])


async def claim_due(conn: asyncpg.Connection, *, claim_token: UUID, limit: int,
                    lease_seconds: float, max_attempts: int) -> list[Outgoing]:
    rows = await conn.fetch(*Q.claim_due(claim_token=claim_token, limit=limit,
                                         lease_seconds=lease_seconds,
                                         max_attempts=max_attempts))
    return [Outgoing(**dict(row)) for row in rows]


async def lock_claimed(conn: asyncpg.Connection, message: Outgoing) -> bool:
    return await conn.fetchval(*Q.lock_claimed(id=message.id,
                                               claim_token=message.claim_token)) is not None


async def mark_sent(conn: asyncpg.Connection, message_id: UUID, via: str) -> None:
    await conn.execute(*Q.mark_sent(id=message_id, via=via))


async def record_failure(conn: asyncpg.Connection, message_id: UUID, *, error: str,
                         give_up: bool, retry_seconds: float) -> None:
    await conn.execute(*Q.record_failure(id=message_id, error=error, give_up=give_up,
                                         retry_seconds=retry_seconds))


async def redact_done(conn: asyncpg.Connection, keep_days: int, limit: int) -> int:
    status = await conn.execute(*Q.redact_done(keep_days=keep_days, limit=limit))
    return int(status.rsplit(" ", 1)[1])
