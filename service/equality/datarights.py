"""Equality monitoring's part of data rights: the worker's own answers in the export (for the
worker only: an admin's export says whether there are answers, not what they are, as no other
route shows them). On erasure the answers are deleted: they are special-category data given
for monitoring, and an erased worker is no longer anyone to monitor. Report totals still add
up; the consented breakdowns simply no longer count the worker."""

from collections.abc import Mapping
from typing import Any
from uuid import UUID

import asyncpg

from service.datarights.logic import Erasure, Section, Viewer, changed, rows
from service.sql import load_queries

Q = load_queries(__file__)


async def export(conn: asyncpg.Connection, worker_id: UUID, viewer: Viewer) -> Mapping[str, Any]:
    answers = rows(await conn.fetch(*Q.answer_rows(worker_id=worker_id)))
    if viewer.role != "worker":
        answers = [{"consented_at": a["consented_at"], "answered": True} for a in answers]
    return {"equality_answers": answers}


async def erase(conn: asyncpg.Connection, erasure: Erasure) -> Mapping[str, int]:
    return {"equality_answers": changed(await conn.execute(*Q.delete_answers(
        worker_id=erasure.worker_id)))}


SECTION = Section("equality", frozenset({"equality_answers"}), export, erase)
