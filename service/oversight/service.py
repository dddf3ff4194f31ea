"""The audit log: other domains write it with `record`, in their own transaction; admins read
it a page at a time."""

from collections.abc import Sequence
from typing import Any
from uuid import UUID

import asyncpg

from service.actor import Actor
from service.oversight import store
from service.oversight.schemas import AuditEntry, AuditPage
from service.pagination import decode_cursor, page


async def record(conn: asyncpg.Connection, actor: Actor, action: str,
                 worker_ids: Sequence[UUID], detail: dict[str, Any] | None = None) -> None:
    """Audit a read or write of workers' personal data, in the request's own transaction."""
    if not worker_ids:
        return
    await store.record(conn, actor, action, worker_ids, detail)


async def audit_page(conn: asyncpg.Connection, worker_id: UUID | None, cursor: str | None,
                     limit: int) -> AuditPage:
    """A page of the log, newest first, optionally about one worker."""
    key = decode_cursor(cursor, int)
    rows = await store.list_entries(conn, worker_id, key[0] if key else None, limit + 1)
    return AuditPage(*page(rows, limit, lambda r: (r["id"],), lambda r: AuditEntry(**dict(r))))
