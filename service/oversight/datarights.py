"""Oversight's part of data rights: the audit rows about the worker in the export; on erasure
the rows stay (who did what, when) but the worker's own name as the actor and the free text of
reasons go. Also the worker's own access log, and the deletion of rows past their retention."""

from collections.abc import Mapping
from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg

from service.datarights.logic import ERASED, Erasure, Section, Viewer, changed, rows
from service.sql import load_queries

Q = load_queries(__file__)


async def export(conn: asyncpg.Connection, worker_id: UUID, viewer: Viewer) -> Mapping[str, Any]:
    return {"audit_log": rows(await conn.fetch(*Q.audit_rows(worker_id=worker_id)))}


async def erase(conn: asyncpg.Connection, erasure: Erasure) -> Mapping[str, int]:
    done = await conn.execute(*Q.erase_audit(worker_id=erasure.worker_id, erased=ERASED))
    return {"audit_log": changed(done)}


async def access_log(conn: asyncpg.Connection, worker_id: UUID, before_id: int | None,
                     limit: int) -> list[asyncpg.Record]:
    """The audit rows about a worker, newest first, with reps and colleges named."""
    return await conn.fetch(*Q.access_log(worker_id=worker_id, before_id=before_id, limit=limit))


async def delete_before(conn: asyncpg.Connection, cutoff: datetime, limit: int) -> int:
    """Delete up to `limit` audit rows older than `cutoff`; how many were."""
    done = await conn.execute(*Q.delete_before(cutoff=cutoff, limit=limit))
    return changed(done)


SECTION = Section("oversight", frozenset({"audit_log"}), export, erase)
