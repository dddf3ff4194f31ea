"""Consents' part of data rights: the worker's consents in the export; on erasure those in
force are withdrawn and the worker's name as who gave or withdrew them is cleared."""

from collections.abc import Mapping
from typing import Any
from uuid import UUID

import asyncpg

from service.datarights.logic import ERASED, Erasure, Section, Viewer, changed, rows
from service.sql import load_queries

Q = load_queries(__file__)


async def export(conn: asyncpg.Connection, worker_id: UUID, viewer: Viewer) -> Mapping[str, Any]:
    return {"consents": rows(await conn.fetch(*Q.consent_rows(worker_id=worker_id)))}


async def erase(conn: asyncpg.Connection, erasure: Erasure) -> Mapping[str, int]:
    erased = await conn.execute(*Q.erase_consents(worker_id=erasure.worker_id,
                                                  now=erasure.now, erased=ERASED))
    return {"consents": changed(erased)}


SECTION = Section("consents", frozenset({"consents"}), export, erase)
