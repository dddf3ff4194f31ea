"""Enrolments' part of data rights: the worker's enrolments in the export. On erasure those
waiting, offered or booked are cancelled (a hold is released, a place given up is offered to the
next in line), and the worker's own name as who asked or cancelled is cleared; courses started
or completed stay, so reports still count them."""

from collections.abc import Mapping
from typing import Any
from uuid import UUID

import asyncpg

from service.accounts.service import release_hold
from service.actor import Actor
from service.datarights.logic import ERASED, Erasure, Section, Viewer, changed, rows
from service.enrolments import places, store
from service.sql import load_queries

Q = load_queries(__file__)
ACTIVE = ("waiting", "offered", "booked")


async def export(conn: asyncpg.Connection, worker_id: UUID, viewer: Viewer) -> Mapping[str, Any]:
    return {"enrolments": rows(await conn.fetch(*Q.enrolment_rows(worker_id=worker_id)))}


async def erase(conn: asyncpg.Connection, erasure: Erasure) -> Mapping[str, int]:
    actor = Actor.system("erasure")
    for row in await conn.fetch(*Q.active_enrolments(worker_id=erasure.worker_id)):
        presentation = await store.lock_presentation(conn, row["presentation_id"])
        enrolment = await store.lock_enrolment(conn, row["id"])
        if enrolment is None or enrolment["status"] not in ACTIVE:
            continue
        outcome = None
        if enrolment["hold_id"] is not None:
            await release_hold(conn, enrolment["hold_id"], "enrolment cancelled by erasure",
                               actor=actor)
            outcome = "released"
        await store.cancel(conn, row["id"], cancelled_by="system: erasure",
                           cancelled_by_role="system", late=False, hold_outcome=outcome,
                           now=erasure.now)
        if enrolment["status"] in ("offered", "booked") and presentation is not None:
            await places.fill(conn, presentation, erasure.now, erasure.offer_hours)
    done = await conn.execute(*Q.erase_enrolments(worker_id=erasure.worker_id, erased=ERASED))
    return {"enrolments": changed(done)}


SECTION = Section("enrolments", frozenset({"enrolments"}), export, erase)
