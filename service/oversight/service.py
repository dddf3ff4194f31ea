"""The audit log as other domains write it: `record`, in the caller's own transaction."""

from collections.abc import Sequence
from typing import Any
from uuid import UUID

import asyncpg

from service.actor import Actor
from service.oversight import store


async def record(conn: asyncpg.Connection, actor: Actor, action: str,
                 worker_ids: Sequence[UUID], detail: dict[str, Any] | None = None) -> None:
    """Audit a read or write of workers' personal data, in the request's own transaction."""
    if not worker_ids:
        return
    await store.record(conn, actor, action, worker_ids, detail)
