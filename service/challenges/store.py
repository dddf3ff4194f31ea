"""Challenges' one table, `challenges`."""

from datetime import datetime
from uuid import UUID

import asyncpg

from service.challenges import logic
from service.challenges.schemas import Challenge
from service.sql import load_queries

Q = load_queries(__file__)


def _challenge(row: asyncpg.Record, now: datetime) -> Challenge:
    return Challenge(**dict(row), due_by=logic.due_by(row["created_at"]),
                     overdue=logic.overdue(row["status"], row["created_at"], now))


async def insert(conn: asyncpg.Connection, worker_id: UUID, decision: str, reason: str,
                 raised_by: str, role: str) -> UUID:
    return await conn.fetchval(*Q.insert_challenge(
        worker_id=worker_id, decision=decision, reason=reason, raised_by=raised_by,
        raised_by_role=role))


async def get(conn: asyncpg.Connection, challenge_id: UUID, now: datetime) -> Challenge | None:
    row = await conn.fetchrow(*Q.get_challenge(challenge_id=challenge_id))
    return _challenge(row, now) if row else None


async def lock(conn: asyncpg.Connection, challenge_id: UUID) -> str | None:
    """The challenge's status, its row locked to the end of the transaction."""
    return await conn.fetchval(*Q.lock_challenge(challenge_id=challenge_id))


async def answer(conn: asyncpg.Connection, challenge_id: UUID, outcome: str, explanation: str,
                 answered_by: str, now: datetime) -> bool:
    return await conn.fetchval(*Q.answer_challenge(
        challenge_id=challenge_id, outcome=outcome, explanation=explanation,
        answered_by=answered_by, now=now)) is not None


async def list_challenges(conn: asyncpg.Connection, *, branch: str | None,
                          worker_id: UUID | None, status: str | None,
                          open_before: datetime | None, after: tuple | None, limit: int,
                          now: datetime) -> list[Challenge]:
    rows = await conn.fetch(*Q.list_challenges(
        branch=branch, worker_id=worker_id, status=status, open_before=open_before,
        after_created_at=after[0] if after else None, after_id=after[1] if after else None,
        limit=limit))
    return [_challenge(r, now) for r in rows]
