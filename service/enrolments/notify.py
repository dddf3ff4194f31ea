"""Telling a worker that a place is offered to them: an outbox message enqueued in the offer's
own transaction. A worker with no email address is sent nothing."""

import logging
from datetime import datetime
from uuid import UUID

import asyncpg

from service.outbox.service import enqueue
from service.people import service as people
from service.reviews.messages import first_name, when

log = logging.getLogger("ladder")


async def offered(conn: asyncpg.Connection, worker_id: UUID, enrolment_id: UUID,
                  presentation: asyncpg.Record, expires_at: datetime) -> None:
    worker = await people.get_worker(conn, worker_id)
    if worker is None or not worker.email:
        return
    starts = f" starting {presentation['starts_on']:%-d %B %Y}" if presentation["starts_on"] \
        else ""
    body = (f"Hello {first_name(worker.name)},\n\nA place has come free on "
            f"{presentation['title']}{starts}, and it is offered to you until "
            f"{when(expires_at)}.\n\nTo take it, accept it in Ladder (POST /v1/enrolments/"
            f"{enrolment_id}/accept) or ask your union learning rep. If you do not, it passes "
            "to the next person waiting.\n")
    try:
        await enqueue(conn, kind="enrolment.offered", to=worker.email,
                      subject="A course place is offered to you", body=body,
                      dedupe_key=f"enrolment:{enrolment_id}:offered", worker_id=worker.id)
    except ValueError as exc:  # an address people accepted that mail cannot take
        log.warning("enrolments: offer not enqueued for worker %s: %s", worker.id, exc)
