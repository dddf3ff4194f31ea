from collections.abc import Sequence
from typing import Any
from uuid import UUID

import asyncpg

from service.auth.logic import Principal
from service.sql import load_queries

Q = load_queries(__file__)


AuditActor = tuple[str, UUID | None, str, UUID | None]  # role, subject id, name, token id


def audit_actor(principal: Principal | None) -> AuditActor:
    """Who did it, as audit rows record it; `None` is the system itself (command line, jobs)."""
    if principal is None:
        return ("system", None, "ladder", None)
    return (principal.role, principal.subject_id, principal.name, principal.token_id)


async def record(conn: asyncpg.Connection, principal: Principal | None, action: str,
                 worker_ids: Sequence[UUID], detail: dict[str, Any] | None = None) -> None:
    """Audit a read or write of workers' personal data, in the request's own transaction.

    `principal=None` is the system itself (command line, scheduled jobs)."""
    if not worker_ids:
        return
    role, subject_id, name, token_id = audit_actor(principal)
    await conn.execute(*Q.record(actor_role=role, actor_id=subject_id, actor_name=name,
                                 token_id=token_id, action=action, worker_ids=list(worker_ids),
                                 detail=detail))


async def list_entries(conn: asyncpg.Connection, worker_id: UUID | None, before_id: int | None,
                       limit: int) -> list[asyncpg.Record]:
    return await conn.fetch(*Q.list_entries(worker_id=worker_id, before_id=before_id,
                                            limit=limit))
