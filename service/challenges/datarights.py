"""Challenges' part of data rights: the worker's challenges in the export; on erasure their
reasons and explanations (free text) and the worker's own name as who raised one are cleared,
and decisions, statuses and outcomes kept for the report."""

from collections.abc import Mapping
from typing import Any
from uuid import UUID

import asyncpg

from service.datarights.logic import ERASED, Erasure, Section, Viewer, changed, rows
from service.sql import load_queries

Q = load_queries(__file__)


async def export(conn: asyncpg.Connection, worker_id: UUID, viewer: Viewer) -> Mapping[str, Any]:
    return {"challenges": rows(await conn.fetch(*Q.challenge_rows(worker_id=worker_id)))}


async def erase(conn: asyncpg.Connection, erasure: Erasure) -> Mapping[str, int]:
    done = await conn.execute(*Q.erase_challenges(worker_id=erasure.worker_id, erased=ERASED))
    return {"challenges": changed(done)}


SECTION = Section("challenges", frozenset({"challenges"}), export, erase)
