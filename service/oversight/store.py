from collections.abc import Sequence
from typing import Any
from uuid import UUID

import asyncpg

from service.actor import Actor
from service.oversight.logic import audit_columns
from service.sql import load_queries

Q = load_queries(__file__)


async def record(conn: asyncpg.Connection, actor: Actor, action: str,
                 worker_ids: Sequence[UUID], detail: dict[str, Any] | None) -> None:
    role, subject_id, name, token_id = audit_columns(actor)
    await conn.execute(*Q.record(actor_role=role, actor_id=subject_id, actor_name=name,
                                 token_id=token_id, action=action, worker_ids=list(worker_ids),
                                 detail=detail))


async def list_entries(conn: asyncpg.Connection, worker_id: UUID | None, before_id: int | None,
                       limit: int) -> list[asyncpg.Record]:
    return await conn.fetch(*Q.list_entries(worker_id=worker_id, before_id=before_id,
                                            limit=limit))
