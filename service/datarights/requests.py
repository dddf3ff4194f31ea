"""Data rights' own table, `erasure_requests`, as a section like any other domain's: exported;
an open request is marked `erased` by the erasure it asked for."""

from collections.abc import Mapping
from typing import Any
from uuid import UUID

import asyncpg

from service.datarights import store
from service.datarights.logic import Erasure, Section, Viewer, rows


async def export(conn: asyncpg.Connection, worker_id: UUID, viewer: Viewer) -> Mapping[str, Any]:
    return {"erasure_requests": rows(await store.request_rows(conn, worker_id))}


async def erase(conn: asyncpg.Connection, erasure: Erasure) -> Mapping[str, int]:
    decided = await store.decide_open(conn, erasure.worker_id, "erased", erasure.now,
                                      f"{erasure.actor.role}: {erasure.actor.name}")
    return {"erasure_requests": int(decided is not None)}


SECTION = Section("datarights", frozenset({"erasure_requests"}), export, erase)
