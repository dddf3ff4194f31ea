"""Telling workers about their reviews: each change enqueues its message in the outbox in the
change's own transaction (so a message exists exactly when the change was committed). A worker
with no email address is sent nothing."""

import logging
from datetime import datetime, timedelta
from uuid import UUID

import asyncpg

from service.outbox.service import cancel_pending, enqueue
from service.people import service as people
from service.people.schemas import Worker
from service.reviews import messages
from service.reviews.schemas import Review

REMINDER_BEFORE = timedelta(hours=24)
log = logging.getLogger("ladder")


async def _send(conn: asyncpg.Connection, worker: Worker | None, kind: str,
                message: messages.Message, dedupe_key: str,
                due_at: datetime | None = None) -> None:
    if worker is None or not worker.email:
        return
    try:
        await enqueue(conn, kind=kind, to=worker.email, subject=message.subject,
                      body=message.body, due_at=due_at, dedupe_key=dedupe_key,
                      worker_id=worker.id)
    except ValueError as exc:  # an address people accepted that mail cannot take
        log.warning("reviews: %s not enqueued for worker %s: %s", kind, worker.id, exc)


async def booked(conn: asyncpg.Connection, worker: Worker, review: Review,
                 now: datetime) -> None:
    name = messages.first_name(worker.name)
    await _send(conn, worker, "review.booked",
                messages.booked(name, review.starts_at, review.mode, review.location),
                f"review:{review.id}:booked")
    remind_at = review.starts_at - REMINDER_BEFORE
    if remind_at > now:
        await _send(conn, worker, "review.reminder",
                    messages.reminder(name, review.starts_at, review.mode, review.location),
                    f"review:{review.id}:reminder", due_at=remind_at)


async def cancelled(conn: asyncpg.Connection, review: Review, reason: str, *,
                    tell: bool = True) -> None:
    """The reminder still waiting is withdrawn; the worker is told unless `tell` is false (a
    reschedule, whose new booking sends its own message)."""
    await cancel_pending(conn, f"review:{review.id}:")
    if tell:
        worker = await people.get_worker(conn, review.worker_id)
        name = messages.first_name(worker.name) if worker else ""
        await _send(conn, worker, "review.cancelled",
                    messages.cancelled(name, review.starts_at, reason),
                    f"review:{review.id}:cancelled")


async def no_show(conn: asyncpg.Connection, worker: Worker, review: Review) -> None:
    await cancel_pending(conn, f"review:{review.id}:")
    await _send(conn, worker, "review.no_show",
                messages.no_show(messages.first_name(worker.name), review.starts_at),
                f"review:{review.id}:no_show")


async def done(conn: asyncpg.Connection, review: Review) -> None:
    """An outcome is recorded: nothing more to remind of."""
    await cancel_pending(conn, f"review:{review.id}:")


async def offered(conn: asyncpg.Connection, worker_id: UUID, entry_id: UUID, slot_id: UUID,
                  starts_at: datetime, offered_at: datetime, expires_at: datetime) -> None:
    """One message per offer made (an entry may be offered the same slot again after a rep's
    out-of-order offer took it back)."""
    worker = await people.get_worker(conn, worker_id)
    name = messages.first_name(worker.name) if worker else ""
    await _send(conn, worker, "review.offered", messages.offered(name, starts_at, expires_at),
                f"waitlist:{entry_id}:offer:{slot_id}:{offered_at.isoformat()}")
