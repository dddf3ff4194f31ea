"""Skills' part of data rights: the worker's skills and their history in the export; on
erasure the evidence (free text) and the worker's own name as who set a level are cleared."""

from collections.abc import Mapping
from typing import Any
from uuid import UUID

import asyncpg

from service.datarights.logic import ERASED, Erasure, Section, Viewer, changed, rows
from service.sql import load_queries

Q = load_queries(__file__)


async def export(conn: asyncpg.Connection, worker_id: UUID, viewer: Viewer) -> Mapping[str, Any]:
    return {"worker_skills": rows(await conn.fetch(*Q.skill_rows(worker_id=worker_id))),
            "worker_skill_history": rows(await conn.fetch(*Q.history_rows(worker_id=worker_id)))}


async def erase(conn: asyncpg.Connection, erasure: Erasure) -> Mapping[str, int]:
    skills = await conn.execute(*Q.erase_skills(worker_id=erasure.worker_id, erased=ERASED))
    history = await conn.execute(*Q.erase_history(worker_id=erasure.worker_id, erased=ERASED))
    return {"worker_skills": changed(skills),
            "worker_skill_history": changed(history)}


SECTION = Section("skills", frozenset({"worker_skills", "worker_skill_history"}), export, erase)
