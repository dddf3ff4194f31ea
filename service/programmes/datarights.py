"""Programmes' part of data rights: the worker's memberships and destinations in the export; on
erasure both stay for the programme report, without their free-text reasons or the worker's
own name as who recorded them."""

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
    went = await conn.execute(*Q.erase_destinations(worker_id=erasure.worker_id, erased=ERASED))
    return {"programme_members": changed(members), "destinations": changed(went)}


SECTION = Section("programmes", frozenset({"programme_members", "destinations"}), export, erase)
