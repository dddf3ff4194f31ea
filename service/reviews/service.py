"""Reviews' use cases: publishing and cancelling slots, booking, cancelling and rescheduling,
recording outcomes. Every worker's data is reached through people's `visible_worker`; skills,
top-ups, ESCO ids and the policy through their owners' services."""

from datetime import UTC, date, datetime
from uuid import UUID

import asyncpg
import msgspec

from service import clock
from service.accounts.service import grant_midlife_topup
from service.actor import Actor
from service.auth.logic import Principal
from service.errors import Conflict, Forbidden, Invalid, NotFound
from service.oversight import service as audit
from service.pagination import decode_cursor, page
from service.people import service as people
from service.people.schemas import Worker
from service.policy.service import policy_on
from service.reference import service as reference
from service.reviews import logic, notify, store, waitlist
from service.reviews.schemas import (
    OutcomeIn,
    Review,
    ReviewPage,
    Slot,
    SlotIn,
    SlotPage,
)
from service.skills.service import record_skill


def utcnow() -> datetime:
    return datetime.now(UTC)


def who(actor: Actor) -> str:
    return logic.booked_by(actor.role, actor.name)


async def create_slot(conn: asyncpg.Connection, principal: Principal, rep_id: UUID,
                      data: SlotIn, now: datetime, hours: float) -> Slot:
    """The rep themself or an admin; the slot is offered to the branch's waiting list."""
    if principal.role == "rep" and principal.rep_id != rep_id:
        raise Forbidden.on_field("rep_id", "a rep publishes only their own slots")
    rep = await people.get_rep(conn, rep_id)
    if rep is None:
        raise NotFound(f"no rep with id {rep_id}")
    logic.check_slot(data.starts_at, data.ends_at, now)
    slot_id = await store.insert_slot(conn, rep_id, rep.branch, data.starts_at, data.ends_at,
                                      data.mode, data.location)
    await waitlist.offer_slot(conn, slot_id, now, hours)
    return (await store.get_slot(conn, slot_id))[0]


async def list_slots(conn: asyncpg.Connection, principal: Principal, *, branch: str | None,
                     from_at: datetime | None, to_at: datetime | None, mode: str | None,
                     available: bool | None, cursor: str | None, limit: int,
                     now: datetime) -> SlotPage:
    """Workers see their branch's open slots (none offered to someone else); reps their
    branch's; admins any."""
    for name, value in (("from", from_at), ("to", to_at)):
        if value is not None and value.tzinfo is None:
            raise Invalid.on_field(name, "needs a UTC offset (RFC 3339)")
    after = decode_cursor(cursor, datetime, UUID)
    viewer = None
    if principal.role == "worker":
        me = await people.visible_worker(conn, principal, principal.worker_id, "reviews.slots")
        if branch is not None and branch != me.branch:
            raise Forbidden.on_field("branch", "a worker sees only their own branch's slots")
        branch, available, viewer = me.branch, True, me.id
    elif principal.role == "rep":
        principal.require_branch(branch or principal.branch or "")
        branch = principal.branch
    rows = await store.list_slots(conn, branch=branch, rep_id=None, from_at=from_at, to_at=to_at,
                                  mode=mode, available=available, viewer_worker=viewer, now=now,
                                  after=after, limit=limit + 1)
    return SlotPage(*page(rows, limit, lambda s: (s.starts_at, s.id)))


async def cancel_slot(conn: asyncpg.Connection, principal: Principal, slot_id: UUID,
                      reason: str, now: datetime, hours: float) -> Slot:
    """Frees a booking on it (recorded on the review, with the reason) and takes back an
    offer of it (that entry waits again, in its place, and the branch's free slots are
    offered again)."""
    if not await store.lock_slot(conn, slot_id):
        raise NotFound(f"no slot with id {slot_id}")
    slot, _ = await store.get_slot(conn, slot_id)
    if principal.role == "rep" and slot.rep_id != principal.rep_id:
        raise Forbidden.on_field("slot_id", "a rep cancels only their own slots")
    if slot.status != "open":
        raise Conflict.on_field("slot_id", "the slot is already cancelled")
    if slot.starts_at <= now:
        raise Conflict.on_field("slot_id", "the slot has already started")
    actor = Actor.of(principal)
    active = await store.active_review_on_slot(conn, slot_id)
    if active is not None:
        await store.lock_review(conn, active["id"])
        why = f"the slot was cancelled: {reason}"
        await store.cancel_review(conn, active["id"], why, who(actor), False, now)
        await notify.cancelled(conn, await store.get_review(conn, active["id"]), why)
        await audit.record(conn, actor, "reviews.slot_cancelled", [active["worker_id"]],
                           {"review_id": str(active["id"]), "reason": reason})
    offer = await store.offer_on_slot(conn, slot_id)
    if offer is not None:
        await store.set_entry_status(conn, offer["id"], "waiting", now)
    await store.cancel_slot(conn, slot_id, reason, now)
    if offer is not None:
        await waitlist.offer_free_slots(conn, slot.branch, now, hours)
    return (await store.get_slot(conn, slot_id))[0]


async def require_eligible(conn: asyncpg.Connection, worker: Worker, now: datetime) -> list[str]:
    day = clock.day_of(now)
    policy = await policy_on(conn, day)
    facts = logic.EligibilityFacts(worker.birth_date, worker.contract_type,
                                   worker.facing_redundancy,
                                   await people.occupation_risk_category(conn, worker.occupation))
    rules = logic.eligible_rules(facts, day, policy.rules.midlife_min_age)
    if not rules:
        raise logic.refuse_not_eligible(policy.rules.midlife_min_age)
    return rules


async def _book(conn: asyncpg.Connection, actor: Actor, worker: Worker, slot_id: UUID,
                now: datetime, hours: float, *, check_eligible: bool) -> UUID:
    """Under the slot's row lock: a slot offered to someone else is theirs until the offer
    lapses; otherwise the worker must be directly eligible (or be rescheduling). The unique
    indexes hold the rules whatever happens concurrently."""
    if not await store.lock_slot(conn, slot_id):
        raise NotFound(f"no slot with id {slot_id}")
    await waitlist.settle_lapsed(conn, slot_id, now, hours)
    slot, offered_to = await store.get_slot(conn, slot_id)
    if slot.branch != worker.branch:
        raise Forbidden.on_field("slot_id", f"the slot is for branch {slot.branch!r}, not the "
                                 "worker's")
    logic.check_bookable(slot.status, slot.starts_at, slot.booked, now)
    if offered_to is not None and offered_to != worker.id:
        raise Conflict.on_field("slot_id", "the slot is offered to someone on the waiting list "
                                "for now; choose another slot")
    if offered_to is None and check_eligible:
        await require_eligible(conn, worker, now)
    review_id = await store.insert_review(conn, slot_id, worker.id, worker.branch, who(actor))
    await waitlist.booked(conn, worker.id, review_id, slot_id, now, hours)
    await notify.booked(conn, worker, await store.get_review(conn, review_id), now)
    return review_id


async def book(conn: asyncpg.Connection, principal: Principal, worker_id: UUID, slot_id: UUID,
               now: datetime, hours: float) -> Review:
    # The worker's row lock orders a booking against a waiting-list join for the same worker
    # (see `waitlist.join`), so neither misses the other's row.
    worker = await people.visible_worker(conn, principal, worker_id, "reviews.book",
                                         for_update=True)
    review_id = await _book(conn, Actor.of(principal), worker, slot_id, now, hours,
                            check_eligible=True)
    return shown(principal, await store.get_review(conn, review_id))


async def _review_for(conn: asyncpg.Connection, principal: Principal, review_id: UUID,
                      action: str) -> tuple[Review, Worker]:
    """The review, with its slot and then its row locked, if the caller may act for its
    worker (404, 403 as `visible_worker`)."""
    review = await store.get_review(conn, review_id)
    if review is None:
        raise NotFound(f"no review with id {review_id}")
    worker = await people.visible_worker(conn, principal, review.worker_id, action)
    await store.lock_slot(conn, review.slot_id)
    await store.lock_review(conn, review_id)
    return await store.get_review(conn, review_id), worker


async def _cancel(conn: asyncpg.Connection, actor: Actor, review: Review, reason: str,
                  now: datetime, *, tell: bool = True) -> None:
    if review.status != "booked":
        raise Conflict.on_field("review_id", f"the review is {review.status}")
    if review.starts_at <= now:
        raise Conflict.on_field("review_id", "the review has started; record its outcome")
    await store.cancel_review(conn, review.id, reason, who(actor),
                              logic.is_late(review.starts_at, now), now)
    await notify.cancelled(conn, review, reason, tell=tell)


async def cancel(conn: asyncpg.Connection, principal: Principal, review_id: UUID, reason: str,
                 now: datetime, hours: float) -> Review:
    """Less than 24 hours before the start is recorded as late; the slot opens to the waiting
    list."""
    review, _ = await _review_for(conn, principal, review_id, "reviews.cancel")
    await _cancel(conn, Actor.of(principal), review, reason, now)
    await waitlist.offer_slot(conn, review.slot_id, now, hours)
    return shown(principal, await store.get_review(conn, review_id))


async def reschedule(conn: asyncpg.Connection, principal: Principal, review_id: UUID,
                     slot_id: UUID, now: datetime, hours: float) -> Review:
    """Cancel and book in one transaction: if the new slot cannot be booked, the old booking
    stands. Eligibility was checked at the first booking; offers to others still hold."""
    review, worker = await _review_for(conn, principal, review_id, "reviews.reschedule")
    if slot_id == review.slot_id:
        raise Conflict.on_field("slot_id", "the review is already in this slot")
    actor = Actor.of(principal)
    await _cancel(conn, actor, review, f"rescheduled to slot {slot_id}", now, tell=False)
    new_id = await _book(conn, actor, worker, slot_id, now, hours, check_eligible=False)
    await waitlist.offer_slot(conn, review.slot_id, now, hours)
    return shown(principal, await store.get_review(conn, new_id))


async def record_outcome(conn: asyncpg.Connection, principal: Principal, review_id: UUID,
                         data: OutcomeIn, now: datetime) -> Review:
    """By a rep of the worker's branch (or an admin), once, after the start. Assessed skills
    go to the profile with source `review`; a first attended review of a worker aged 45+ (the
    policy's age) gets the mid-life top-up, which the ledger allows once."""
    review, worker = await _review_for(conn, principal, review_id, "reviews.outcome")
    logic.check_outcome(data.outcome, data.action_plan, len(data.assessed_skills),
                        len(data.target_occupations), review.starts_at, review.status, now)
    await _check_esco(conn, data)
    actor = Actor.of(principal)
    skills = msgspec.to_builtins(data.assessed_skills)
    await store.set_outcome(conn, review_id, data.outcome, data.action_plan, skills,
                            data.target_occupations, who(actor), now)
    for skill in data.assessed_skills:
        await record_skill(conn, actor, worker.id, skill.skill_id, skill.level, "review",
                           f"mid-life career review {review_id}")
    if data.outcome == "no_show":
        await notify.no_show(conn, worker, review)
    else:
        await notify.done(conn, review)
    if data.outcome == "attended" and not await store.attended_before(conn, worker.id,
                                                                      review_id):
        day = clock.day_of(now)
        policy = await policy_on(conn, day)
        if logic.age_on(worker.birth_date, day) >= policy.rules.midlife_min_age:
            await grant_midlife_topup(conn, worker.id, review_id, actor=actor, today=day)
    return shown(principal, await store.get_review(conn, review_id))


async def _check_esco(conn: asyncpg.Connection, data: OutcomeIn) -> None:
    seen: set[UUID] = set()
    for i, skill in enumerate(data.assessed_skills):
        if skill.skill_id in seen:
            raise Invalid.on_field(f"assessed_skills[{i}].skill_id", "given twice")
        seen.add(skill.skill_id)
        try:
            await reference.skill(conn, skill.skill_id)
        except NotFound:
            raise Invalid.on_field(f"assessed_skills[{i}].skill_id",
                                   "not a known ESCO skill id") from None
    for i, occupation in enumerate(data.target_occupations):
        if await reference.find_occupation(conn, str(occupation)) is None:
            raise Invalid.on_field(f"target_occupations[{i}]", "not a known ESCO occupation id")


async def read(conn: asyncpg.Connection, principal: Principal, review_id: UUID) -> Review:
    review = await store.get_review(conn, review_id)
    if review is None:
        raise NotFound(f"no review with id {review_id}")
    await people.visible_worker(conn, principal, review.worker_id, "reviews.read")
    return shown(principal, review)


async def list_reviews(conn: asyncpg.Connection, principal: Principal, *,
                       worker_id: UUID | None, rep_id: UUID | None, status: str | None,
                       cursor: str | None, limit: int) -> ReviewPage:
    """By scope: a worker their own, a rep their branch's, an admin any."""
    after = decode_cursor(cursor, datetime, UUID)
    branch = principal.branch if principal.role == "rep" else None
    if principal.role == "worker":
        if worker_id is not None and worker_id != principal.worker_id:
            raise Forbidden.on_field("worker", "a worker sees only their own reviews")
        worker_id = principal.worker_id
    if worker_id is not None:
        await people.visible_worker(conn, principal, worker_id, "reviews.list")
    rows = await store.list_reviews(conn, worker_id=worker_id, rep_id=rep_id, branch=branch,
                                    status=status, after=after, limit=limit + 1)
    items, following = page(rows, limit, lambda r: (r.starts_at, r.id),
                            lambda r: shown(principal, r))
    if worker_id is None:
        await audit.record(conn, Actor.of(principal), "reviews.list",
                           list(dict.fromkeys(r.worker_id for r in items)))
    return ReviewPage(items, following)


def shown(principal: Principal, review: Review) -> Review:
    """The action plan is the worker's: shown to them and their branch's reps (whom the
    scope already limits to the branch), to nobody else, admins included."""
    if principal.role not in ("worker", "rep"):
        return msgspec.structs.replace(review, action_plan=None)
    return review


async def reviewed_since(conn: asyncpg.Connection, worker_ids: list[UUID], day: date) -> int:
    """How many of the workers had a review attended that started on or after the UK day (a
    programme's report counts its members reviewed since its announcement)."""
    since = clock.start_of(day)
    return await store.reviewed_since(conn, worker_ids, since)
