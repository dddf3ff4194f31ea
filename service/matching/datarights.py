"""Matching's part of data rights: the worker's pathway choices in the export; on erasure the
choices stay, without the worker's own name as who chose."""

from collections.abc import Mapping
from typing import Any
from uuid import UUID

import asyncpg

from service.datarights.logic import ERASED, Erasure, Section, Viewer, changed, rows
from service.sql import load_queries

Q = load_queries(__file__)


async def export(conn: asyncpg.Connection, worker_id: UUID, viewer: Viewer) -> Mapping[str, Any]:
    return {"pathway_choices": rows(await conn.fetch(*Q.choice_rows(worker_id=worker_id)))}


async def erase(conn: asyncpg.Connection, erasure: Erasure) -> Mapping[str, int]:
    done = await conn.execute(*Q.erase_choices(worker_id=erasure.worker_id, erased=ERASED))
    return {"pathway_choices": changed(done)}


SECTION = Section("matching", frozenset({"pathway_choices"}), export, erase)
