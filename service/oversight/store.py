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
    await conn.execute(Q.record, *audit_actor(principal), action, list(worker_ids), detail)


async def list_entries(conn: asyncpg.Connection, worker_id: UUID | None, before_id: int | None,
                       limit: int) -> list[asyncpg.Record]:
    return await conn.fetch(Q.list_entries, worker_id, before_id, limit)
