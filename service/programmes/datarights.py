"""Programmes' part of data rights: the worker's memberships (with who added or removed them
and why) and destinations in the export. On erasure the memberships and destinations stay, so
a programme's report still adds up, but the reasons (free text) and the worker's own name as who
recorded a destination are cleared."""

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
    members = await conn.execute(*Q.erase_members(worker_id=erasure.worker_id, erased=ERASED))
    destinations = await conn.execute(*Q.erase_destinations(worker_id=erasure.worker_id,
                                                            erased=ERASED))
    return {"programme_members": changed(members), "destinations": changed(destinations)}


SECTION = Section("programmes", frozenset({"programme_members", "destinations"}), export, erase)
