"""Enrolments' part of data rights: the worker's enrolments in the export. On erasure waiting
and offered enrolments are cancelled (the scheduler's job offers the places on) and the
worker's name as who asked or cancelled is cleared; booked places keep their holds (erasure
moves no money: the college starts or cancels them), and statuses, dates, amounts and links
stay, so ledger totals and reports still add up."""

from collections.abc import Mapping
from typing import Any
from uuid import UUID

import asyncpg

from service.datarights.logic import ERASED, Erasure, Section, Viewer, changed, rows
from service.sql import load_queries

Q = load_queries(__file__)


async def export(conn: asyncpg.Connection, worker_id: UUID, viewer: Viewer) -> Mapping[str, Any]:
    return {"enrolments": rows(await conn.fetch(*Q.enrolment_rows(worker_id=worker_id)))}


async def erase(conn: asyncpg.Connection, erasure: Erasure) -> Mapping[str, int]:
    await conn.execute(*Q.cancel_waiting(worker_id=erasure.worker_id,
                                         cancelled_by="system: erasure", now=erasure.now))
    erased = await conn.execute(*Q.erase_enrolments(worker_id=erasure.worker_id,
                                                    erased=ERASED))
    return {"enrolments": changed(erased)}


SECTION = Section("enrolments", frozenset({"enrolments"}), export, erase)
