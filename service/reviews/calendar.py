"""Reps' calendar feeds (RFC 5545, made with `icalendar`) at a secret URL: one event per
booking with a stable UID, SEQUENCE raised on every change, cancellations kept for a while as
STATUS:CANCELLED, and workers named by first name and initial only."""

import hashlib
import secrets
from collections.abc import Mapping
from datetime import datetime
from uuid import UUID

import asyncpg
from icalendar import Calendar, Event

from service.actor import Actor
from service.auth.logic import Principal, hash_token
from service.errors import Forbidden, NotFound
from service.oversight import service as audit
from service.people import service as people
from service.reviews import store
from service.reviews.messages import MODES
from service.reviews.schemas import Review

KEEP_CANCELLED_DAYS = 30
MAX_EVENTS = 1000
PRODID = "-//Ladder//mid-life career reviews//EN"


def short_name(name: str) -> str:
    """`Maureen Walsh` -> `Maureen W.`: enough for the rep, little for anyone else."""
    parts = name.split()
    if not parts:
        return "a worker"
    return parts[0] if len(parts) == 1 else f"{parts[0]} {parts[-1][0]}."


def ics(reviews: list[Review], names: Mapping[UUID, str], stamp: datetime) -> bytes:
    """The feed's text; the same reviews give the same bytes (so the ETag is stable)."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "Ladder career reviews")
    for review in reviews:
        event = Event()
        event.add("uid", f"review-{review.id}@ladder")
        event.add("sequence", review.sequence)
        event.add("dtstamp", review.updated_at or stamp)
        event.add("dtstart", review.starts_at)
        event.add("dtend", review.ends_at)
        event.add("summary", f"Career review: {short_name(names.get(review.worker_id, ''))}")
        event.add("status", "CANCELLED" if review.status == "cancelled" else "CONFIRMED")
        if review.location:
            event.add("location", review.location)
        event.add("description", f"Mid-life career review, {MODES.get(review.mode, review.mode)}"
                  f" ({review.status.replace('_', ' ')}).")
        calendar.add_component(event)
    return calendar.to_ical()


def etag(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


async def issue_token(conn: asyncpg.Connection, principal: Principal, rep_id: UUID,
                      now: datetime) -> str:
    """A new feed token for the rep (shown once; the old one stops working)."""
    if principal.role == "rep" and principal.rep_id != rep_id:
        raise Forbidden.on_field("rep_id", "a rep issues only their own calendar token")
    if await people.get_rep(conn, rep_id) is None:
        raise NotFound(f"no rep with id {rep_id}")
    token = secrets.token_urlsafe(32)
    await store.put_calendar_token(conn, rep_id, hash_token(token), now)
    return token


async def feed(conn: asyncpg.Connection, filename: str, now: datetime) -> bytes:
    """The feed behind `/calendar/<token>.ics`; 404 for a token that is wrong or replaced."""
    token = filename.removesuffix(".ics")
    if not filename.endswith(".ics") or not token or len(token) > 200:
        raise NotFound("no such calendar")
    rep_id = await store.calendar_rep(conn, hash_token(token))
    if rep_id is None:
        raise NotFound("no such calendar")
    reviews = await store.calendar_reviews(conn, rep_id, now, KEEP_CANCELLED_DAYS, MAX_EVENTS)
    names: dict[UUID, str] = {}
    for worker_id in dict.fromkeys(r.worker_id for r in reviews):
        worker = await people.get_worker(conn, worker_id)
        names[worker_id] = worker.name if worker else ""
    rep = await people.get_rep(conn, rep_id)
    await audit.record(conn, Actor("rep", rep.name if rep else "rep", rep_id),
                       "reviews.calendar.read", list(names))
    return ics(reviews, names, now)
