"""The audit log as other domains write it: `record`, in the caller's own transaction."""

from collections.abc import Sequence
from typing import Any
from uuid import UUID

import asyncpg

from service.auth.logic import Principal
from service.oversight import store
from service.oversight.logic import audit_actor


async def record(conn: asyncpg.Connection, principal: Principal | None, action: str,
                 worker_ids: Sequence[UUID], detail: dict[str, Any] | None = None) -> None:
    """Audit a read or write of workers' personal data, in the request's own transaction.

    `principal=None` is the system itself (command line, scheduled jobs)."""
    if not worker_ids:
        return
    await store.record(conn, audit_actor(principal), action, worker_ids, detail)
