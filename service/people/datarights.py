"""People's part of data rights: the worker's record and priority in the export; the record
pseudonymised on erasure; which workers are inactive, for retention."""

from collections.abc import Mapping
from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg

from service import clock
from service.datarights.logic import Erasure, Section, Viewer, changed
from service.errors import Conflict, NotFound
from service.people import logic, service
from service.people.schemas import Worker
from service.sql import load_queries

Q = load_queries(__file__)

ERASED_NAME = "Erased worker"


async def export(conn: asyncpg.Connection, worker_id: UUID, viewer: Viewer) -> Mapping[str, Any]:
    row = dict(await conn.fetchrow(*Q.worker_row(worker_id=worker_id)))
    worker = Worker(**{name: row[name] for name in Worker.__struct_fields__})
    score, reasons = await service.priority_of(conn, worker)
    return {"workers": row, "priority": {"score": score, "reasons": reasons}}


async def lock_for_erasure(conn: asyncpg.Connection, worker_id: UUID) -> None:
    """Lock the worker's row for their erasure: 404 if there is no such worker, 409 if they are
    erased already."""
    row = await conn.fetchrow(*Q.lock_for_erasure(worker_id=worker_id))
    if row is None:
        raise NotFound(f"no worker with id {worker_id}")
    if row["erased_at"] is not None:
        raise Conflict(f"worker {worker_id} was erased on {row['erased_at']:%Y-%m-%d}")


async def erase(conn: asyncpg.Connection, erasure: Erasure) -> Mapping[str, int]:
    row = await conn.fetchrow(*Q.lock_for_erasure(worker_id=erasure.worker_id))
    band = logic.age_band(row["birth_date"], clock.day_of(erasure.now))
    done = await conn.execute(*Q.pseudonymise(worker_id=erasure.worker_id, name=ERASED_NAME,
                                              age_band=band, now=erasure.now))
    return {"workers": changed(done)}


async def inactive_workers(conn: asyncpg.Connection, cutoff: datetime, after: UUID | None,
                           limit: int) -> list[UUID]:
    """Workers whose data nobody but the system has touched since `cutoff`, a batch at a
    time (ids after `after`)."""
    rows = await conn.fetch(*Q.inactive_workers(cutoff=cutoff, after=after, limit=limit))
    return [r["id"] for r in rows]


SECTION = Section("people", frozenset({"workers"}), export, erase, frozenset({"priority"}))
