from datetime import datetime
from uuid import UUID

import asyncpg

from service.auth.logic import Principal, Role
from service.sql import load_queries

Q = load_queries(__file__)


async def principal_for_token(conn: asyncpg.Connection,
                              token_hash: bytes) -> tuple[Principal, datetime | None] | None:
    """The caller a live token stands for, and when the token expires."""
    row = await conn.fetchrow(*Q.principal_for_token(token_hash=token_hash))
    if row is None:
        return None
    fields = dict(row)
    expires_at = fields.pop("expires_at")
    return Principal(**fields), expires_at


async def insert_token(conn: asyncpg.Connection, token_hash: bytes, role: Role, name: str,
                       subject_id: UUID | None, expires_at: datetime | None) -> asyncpg.Record:
    return await conn.fetchrow(*Q.insert_token(
        token_hash=token_hash, role=role, name=name,
        worker_id=subject_id if role == "worker" else None,
        rep_id=subject_id if role == "rep" else None,
        provider_id=subject_id if role == "college" else None,
        expires_at=expires_at,
    ))


async def revoke_token(conn: asyncpg.Connection, token_id: UUID) -> asyncpg.Record | None:
    return await conn.fetchrow(*Q.revoke_token(token_id=token_id))


async def subject_exists(conn: asyncpg.Connection, role: Role, subject_id: UUID) -> bool:
    return await conn.fetchval(*Q.subject_exists(role=role, subject_id=subject_id))
