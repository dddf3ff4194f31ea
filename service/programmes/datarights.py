"""Programmes' part of data rights: the worker's programme memberships and destinations in the
export. On erasure memberships and destinations stay (the programme report counts them), while
the reasons given for adding or removing the worker (free text) and the worker's own name as
who recorded a destination go."""

from collections.abc import Mapping
from typing import Any
from uuid import UUID

import asyncpg

from service.datarights.logic import ERASED, Erasure, Section, Viewer, changed, rows
from service.sql import load_queries

Q = load_queries(__file__)


async def export(conn: asyncpg.Connection, worker_id: UUID, viewer: Viewer) -> Mapping[str, Any]:
    return {"programme_members": rows(await conn.fetch(*Q.member_rows(worker_id=worker_id))),
            "destinations": rows(await conn.fetch(*Q.destination_rows(worker_id=worker_id)))}


async def erase(conn: asyncpg.Connection, erasure: Erasure) -> Mapping[str, int]:
    worker_id = erasure.worker_id
    return {"programme_members": changed(await conn.execute(*Q.erase_members(
                worker_id=worker_id, erased=ERASED))),
            "destinations": changed(await conn.execute(*Q.erase_destinations(
                worker_id=worker_id, erased=ERASED)))}


SECTION = Section("programmes", frozenset({"programme_members", "destinations"}), export, erase)
