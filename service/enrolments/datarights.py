"""Enrolments' part of data rights: the worker's enrolments in the export. On erasure a place
asked for or offered (no money held yet) is cancelled, so the scheduler's round offers it to
the next in line; booked, started and completed enrolments stay as they are, with their holds
and settlements, so the college's register and the ledger still add up. The worker's own name
as who asked or cancelled goes."""

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
    cancelled = changed(await conn.execute(*Q.cancel_unbooked(
        worker_id=erasure.worker_id, now=erasure.now)))
    named = changed(await conn.execute(*Q.erase_enrolments(
        worker_id=erasure.worker_id, erased=ERASED)))
    return {"enrolments": max(cancelled, named)}


SECTION = Section("enrolments", frozenset({"enrolments"}), export, erase)
