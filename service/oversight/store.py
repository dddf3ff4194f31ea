from collections.abc import Sequence
from typing import Any
from uuid import UUID

import asyncpg

from service.actor import Actor
from service.sql import load_queries

Q = load_queries(__file__)


def audit_columns(actor: Actor) -> tuple[str, UUID | None, str, UUID | None]:
    """Who did it, as audit rows record it (and `audit_record` takes it): role, subject id,
    name, token id."""
    return (actor.role, actor.subject_id, actor.name, actor.token_id)


async def record(conn: asyncpg.Connection, actor: Actor, action: str,
                 worker_ids: Sequence[UUID], detail: dict[str, Any] | None = None) -> None:
    """Audit a read or write of workers' personal data, in the request's own transaction."""
    if not worker_ids:
        return
    role, subject_id, name, token_id = audit_columns(actor)
    await conn.execute(*Q.record(actor_role=role, actor_id=subject_id, actor_name=name,
                                 token_id=token_id, action=action, worker_ids=list(worker_ids),
                                 detail=detail))


async def list_entries(conn: asyncpg.Connection, worker_id: UUID | None, before_id: int | None,
                       limit: int) -> list[asyncpg.Record]:
    return await conn.fetch(*Q.list_entries(worker_id=worker_id, before_id=before_id,
                                            limit=limit))
