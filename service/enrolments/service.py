"""Enrolments' use cases. Every change takes the presentation's row lock first (courses'
`courses_lock_presentation`), then the enrolment's, then (through accounts) the account's: one
lock order, so places are never oversold across instances and nothing deadlocks. Money moves
only through accounts' `place_hold`, `release_hold` and `settle_hold`, in the request's
transaction: a refusal leaves no hold behind."""

from datetime import UTC, date, datetime
from uuid import UUID

import asyncpg

from service import clock
from service.accounts.logic import HoldPurpose, InsufficientFunds
from service.accounts.service import place_hold, release_hold, settle_hold
from service.actor import Actor
from service.auth.logic import Principal
from service.consents import service as consents
from service.courses.service import course_detail, provider_for
from service.enrolments import logic, places, store
from service.enrolments.schemas import (
    Enrolment,
    EnrolmentIn,
    EnrolmentPage,
    ProviderEnrolmentPage,
)
from service.errors import NotFound
from service.oversight import service as audit
from service.pagination import page, time_id_cursor
from service.people.service import visible_worker
from service.skills.service import record_skill

COURSE_LEVEL = 2  # a completed course's skills enter the profile as "practised"


def utcnow() -> datetime:
    return datetime.now(UTC)


async def _presentation(conn: asyncpg.Connection, presentation_id: UUID) -> asyncpg.Record:
    found = await store.lock_presentation(conn, presentation_id)
    if found is None:
        raise NotFound.on_field("presentation_id", f"no presentation with id {presentation_id}")
    return found


async def _hold(conn: asyncpg.Connection, actor: Actor, worker_id: UUID,
                presentation: asyncpg.Record, reference: str) -> UUID | None:
    """The hold for the course's cost (earmarked money for the course first); none for a free
    course. Too little credit is a 422 saying how much is missing."""
    cost = presentation["cost_pence"]
    if not cost:
        return None
    try:
        hold = await place_hold(conn, worker_id, cost,
                                HoldPurpose(course_id=presentation["course_id"]), reference,
                                actor=actor)
    except InsufficientFunds as exc:
        raise logic.short_of_credit(cost, exc.shortfall_pence or cost) from None
    return hold.id


async def enrol(conn: asyncpg.Connection, principal: Principal, data: EnrolmentIn,
                now: datetime, hours: float) -> Enrolment:
    """The worker (or a rep of their branch) asks for a place, consenting to share their name
    and email with the college. A free place is booked with a hold for the cost; on a full
    presentation the worker joins its waiting list."""
    logic.check_consent(data.consent_to_share)
    worker = await visible_worker(conn, principal, data.worker_id, "enrolments.enrol")
    presentation = await _presentation(conn, data.presentation_id)
    logic.check_enrollable(presentation["withdrawn"], presentation["starts_on"],
                           presentation["cost_pence"], clock.day_of(now))
    if await store.active_of(conn, worker.id, presentation["id"]) is not None:
        raise store.already_enrolled()
    await places.fill(conn, presentation, now, hours)  # those already waiting come first
    taken, waiting = await store.counts(conn, presentation["id"])
    booked = waiting == 0 and logic.free_places(presentation["places"], taken, waiting) > 0
    actor = Actor.of(principal)
    consent_id = await consents.give(
        conn, actor, worker.id, "share_with_provider", presentation["provider_id"], now,
        f"name and email for enrolment on {presentation['title'][:400]}")
    hold_id = None
    if booked:
        hold_id = await _hold(conn, actor, worker.id, presentation,
                              f"enrolment on presentation {presentation['id']}")
    enrolment_id = await store.insert_enrolment(
        conn, worker_id=worker.id, presentation_id=presentation["id"],
        course_id=presentation["course_id"], provider_id=presentation["provider_id"],
        consent_id=consent_id, status="booked" if booked else "waiting",
        priority_score=worker.priority_score, now=now, requested_by=consents.who(actor),
        cost_pence=presentation["cost_pence"], hold_id=hold_id)
    await audit.record(conn, actor, "enrolments.book" if booked else "enrolments.wait",
                       [worker.id], {"enrolment_id": str(enrolment_id),
                                     "presentation_id": str(presentation["id"])})
    return await _shown(conn, enrolment_id)


async def _shown(conn: asyncpg.Connection, enrolment_id: UUID) -> Enrolment:
    enrolment = await store.get_enrolment(conn, enrolment_id)
    assert enrolment is not None  # enrolments are never deleted
    return enrolment


async def _locked(conn: asyncpg.Connection, principal: Principal, enrolment_id: UUID,
                  action: str) -> tuple[asyncpg.Record, asyncpg.Record]:
    """The presentation and then the enrolment, locked, if the caller may act on it: a
    college on its own courses' enrolments, anyone else through `visible_worker` (audited)."""
    parties = await store.enrolment_parties(conn, enrolment_id)
    if parties is None:
        raise NotFound(f"no enrolment with id {enrolment_id}")
    if principal.role == "college":
        logic.check_college(principal.role, parties["provider_id"], principal.provider_id)
    else:
        await visible_worker(conn, principal, parties["worker_id"], action)
    presentation = await _presentation(conn, parties["presentation_id"])
    enrolment = await store.lock_enrolment(conn, enrolment_id)
    return presentation, enrolment


async def accept(conn: asyncpg.Connection, principal: Principal, enrolment_id: UUID,
                 now: datetime) -> Enrolment:
    """The worker (or a rep of their branch) takes an offered place: the hold is placed now."""
    presentation, enrolment = await _locked(conn, principal, enrolment_id, "enrolments.accept")
    logic.check_acceptable(enrolment["status"], enrolment["offer_expires_at"], now)
    logic.check_enrollable(presentation["withdrawn"], presentation["starts_on"],
                           presentation["cost_pence"], clock.day_of(now))
    actor = Actor.of(principal)
    hold_id = await _hold(conn, actor, enrolment["worker_id"], presentation,
                          f"enrolment on presentation {presentation['id']}")
    await store.book(conn, enrolment_id, hold_id, presentation["cost_pence"] or 0, now)
    await audit.record(conn, actor, "enrolments.accept", [enrolment["worker_id"]],
                       {"enrolment_id": str(enrolment_id)})
    return await _shown(conn, enrolment_id)


async def cancel(conn: asyncpg.Connection, principal: Principal, enrolment_id: UUID,
                 reason: str | None, now: datetime, hours: float) -> Enrolment:
    """Leave the waiting list, or give up a place. A hold is released when the college
    cancels or when it is 7 or more days before the start; later it is settled to the college.
    A place given up is offered to the first in line."""
    presentation, enrolment = await _locked(conn, principal, enrolment_id, "enrolments.cancel")
    logic.check_cancellable(enrolment["status"])
    actor = Actor.of(principal)
    by_college = principal.role == "college"
    outcome = None
    if enrolment["hold_id"] is not None:
        outcome = logic.hold_outcome(by_college, presentation["starts_on"], clock.day_of(now))
        why = f"enrolment cancelled by {consents.who(actor)}" + (f": {reason}" if reason else "")
        if outcome == "released":
            await release_hold(conn, enrolment["hold_id"], why[:1000], actor=actor)
        else:
            await settle_hold(conn, enrolment["hold_id"], enrolment["provider_id"], actor=actor)
    await store.cancel(conn, enrolment_id, cancelled_by=consents.who(actor),
                       cancelled_by_role=principal.role, late=outcome == "settled",
                       hold_outcome=outcome, now=now)
    await audit.record(conn, actor, "enrolments.cancel", [enrolment["worker_id"]],
                       {"enrolment_id": str(enrolment_id), "hold": outcome, "reason": reason})
    if enrolment["status"] in ("offered", "booked"):
        await places.fill(conn, presentation, now, hours)
    return await _shown(conn, enrolment_id)


async def _for_college(conn: asyncpg.Connection, principal: Principal,
                       enrolment_id: UUID) -> tuple[asyncpg.Record, asyncpg.Record]:
    """Start and completion are the college's (or an admin's)."""
    return await _locked(conn, principal, enrolment_id, "enrolments.confirm")


async def start(conn: asyncpg.Connection, principal: Principal, enrolment_id: UUID,
                now: datetime) -> Enrolment:
    """The college confirms the worker started: the hold is settled to the college. Money
    goes to a provider only here (or on a late cancellation)."""
    presentation, enrolment = await _for_college(conn, principal, enrolment_id)
    logic.check_startable(enrolment["status"], presentation["starts_on"], clock.day_of(now))
    actor = Actor.of(principal)
    if enrolment["hold_id"] is not None:
        await settle_hold(conn, enrolment["hold_id"], enrolment["provider_id"], actor=actor)
    await store.set_started(conn, enrolment_id,
                            "settled" if enrolment["hold_id"] is not None else None, now)
    await audit.record(conn, actor, "enrolments.start", [enrolment["worker_id"]],
                       {"enrolment_id": str(enrolment_id)})
    return await _shown(conn, enrolment_id)


async def complete(conn: asyncpg.Connection, principal: Principal, enrolment_id: UUID,
                   now: datetime) -> Enrolment:
    """The college confirms completion: the skills the course teaches enter the worker's
    profile at level 2 with source `course` (never lowering a higher level)."""
    _, enrolment = await _for_college(conn, principal, enrolment_id)
    logic.check_completable(enrolment["status"])
    actor = Actor.of(principal)
    await store.set_completed(conn, enrolment_id, now)
    course = await course_detail(conn, enrolment["course_id"])
    for skill in course.skills:
        await record_skill(conn, actor, enrolment["worker_id"], skill.skill_id, COURSE_LEVEL,
                           "course", f"completed course {course.title[:300]} "
                           f"(enrolment {enrolment_id})", raise_only=True)
    await audit.record(conn, actor, "enrolments.complete", [enrolment["worker_id"]],
                       {"enrolment_id": str(enrolment_id), "skills": len(course.skills)})
    return await _shown(conn, enrolment_id)


async def read(conn: asyncpg.Connection, principal: Principal, enrolment_id: UUID) -> Enrolment:
    enrolment = await store.get_enrolment(conn, enrolment_id)
    if enrolment is None:
        raise NotFound(f"no enrolment with id {enrolment_id}")
    await visible_worker(conn, principal, enrolment.worker_id, "enrolments.read")
    return enrolment


async def for_worker(conn: asyncpg.Connection, principal: Principal, worker_id: UUID,
                     cursor: str | None, limit: int) -> EnrolmentPage:
    """The worker's enrolments, newest first (the worker, a rep of their branch, admin)."""
    after = time_id_cursor(cursor)  # before the audited read: a bad cursor reads nothing
    await visible_worker(conn, principal, worker_id, "enrolments.read")
    rows = await store.list_for_worker(conn, worker_id, after, limit + 1)
    return EnrolmentPage(*page(rows, limit, lambda e: (e.asked_at, e.id)))


async def for_provider(conn: asyncpg.Connection, principal: Principal, ukprn: str,
                       status: str | None, presentation_id: UUID | None, cursor: str | None,
                       limit: int) -> ProviderEnrolmentPage:
    """A college's own enrolments (admins any college's), each read of a worker's name or
    email audited."""
    after = time_id_cursor(cursor)
    provider = await provider_for(conn, principal, ukprn)
    rows = await store.list_for_provider(conn, provider.id, status=status,
                                         presentation_id=presentation_id, after=after,
                                         limit=limit + 1)
    items, following = page(rows, limit, lambda r: (r[1].asked_at, r[1].id), lambda r: r[1])
    shown = list(dict.fromkeys(worker_id for worker_id, _ in rows[:limit]))
    await audit.record(conn, Actor.of(principal), "enrolments.provider_list", shown,
                       {"ukprn": ukprn})
    return ProviderEnrolmentPage(items, following)


async def progress_since(conn: asyncpg.Connection, worker_ids: list[UUID],
                         day: date) -> dict[str, int]:
    """How many of the workers had a place booked (`enrolled`), `started` and `completed` a
    course on or after the UK day (a programme's report)."""
    return await store.progress_since(conn, worker_ids, clock.start_of(day))
