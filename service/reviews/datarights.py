"""Reviews' part of data rights: the worker's reviews (with their action plans, for the worker)
and waiting-list entries in the export. On erasure an upcoming booking is cancelled and a place
on the waiting list withdrawn (the slots go to the next in line), and the free text (action
plans, reasons) and the worker's own name as who booked are cleared; statuses, times and slots
stay, so reports of reviews held still add up."""

from collections.abc import Mapping
from typing import Any
from uuid import UUID

import asyncpg

from service.datarights.logic import ERASED, Erasure, Section, Viewer, changed, rows
from service.reviews import waitlist
from service.sql import load_queries

Q = load_queries(__file__)


async def export(conn: asyncpg.Connection, worker_id: UUID, viewer: Viewer) -> Mapping[str, Any]:
    reviews = rows(await conn.fetch(*Q.review_rows(worker_id=worker_id)))
    if viewer.role != "worker":  # the action plan is the worker's (docs/design.md, reviews)
        for review in reviews:
            review["action_plan"] = None
    return {"reviews": reviews,
            "review_waitlist": rows(await conn.fetch(*Q.waitlist_rows(worker_id=worker_id)))}


async def erase(conn: asyncpg.Connection, erasure: Erasure) -> Mapping[str, int]:
    worker_id, now = erasure.worker_id, erasure.now
    freed = [r["slot_id"] for r in await conn.fetch(*Q.cancel_bookings(
        worker_id=worker_id, cancelled_by="system: erasure", now=now))]
    freed += [r["offered_slot_id"] for r in await conn.fetch(*Q.withdraw_entries(
        worker_id=worker_id, now=now)) if r["offered_slot_id"] is not None]
    reviews = await conn.execute(*Q.erase_reviews(worker_id=worker_id, erased=ERASED))
    entries = await conn.execute(*Q.erase_waitlist(worker_id=worker_id))
    for slot_id in dict.fromkeys(freed):
        await waitlist.offer_slot(conn, slot_id, now, erasure.offer_hours)
    return {"reviews": changed(reviews), "review_waitlist": changed(entries)}


SECTION = Section("reviews", frozenset({"reviews", "review_waitlist"}), export, erase)
