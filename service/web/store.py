"""The web pages' own tables: sign-in links, sessions and rate-limit counters."""

from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg

from service.sql import load_queries

Q = load_queries(__file__)


async def insert_link(conn: asyncpg.Connection, token_hash: bytes, role: str, subject_id: UUID,
                      name: str, seconds: float) -> UUID:
    return await conn.fetchval(*Q.insert_link(token_hash=token_hash, role=role,
                                              subject_id=subject_id, name=name, seconds=seconds))


async def use_link(conn: asyncpg.Connection, token_hash: bytes) -> asyncpg.Record | None:
    return await conn.fetchrow(*Q.use_link(token_hash=token_hash))


async def insert_session(conn: asyncpg.Connection, token_hash: bytes, role: str,
                         subject_id: UUID, name: str, seconds: float) -> asyncpg.Record:
    return await conn.fetchrow(*Q.insert_session(token_hash=token_hash, role=role,
                                                 subject_id=subject_id, name=name,
                                                 seconds=seconds))


async def session_principal(conn: asyncpg.Connection,
                            token_hash: bytes) -> dict[str, Any] | None:
    row = await conn.fetchrow(*Q.session_principal(token_hash=token_hash))
    return dict(row) if row else None


async def end_session(conn: asyncpg.Connection, token_hash: bytes) -> None:
    await conn.execute(*Q.end_session(token_hash=token_hash))


async def count_hit(conn: asyncpg.Connection, key: str, window_start: datetime) -> int:
    return await conn.fetchval(*Q.count_hit(key=key, window_start=window_start))


async def forget_old(conn: asyncpg.Connection, before: datetime) -> None:
    await conn.execute(*Q.forget_old(before=before))
