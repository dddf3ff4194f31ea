"""Matching: for a worker, the safer occupations close to theirs, the gap skills for each and a
pathway of courses that closes them (`matches`), and the worker's choice of one (`choose`),
which brings an at-risk worker the retraining top-up, earmarked to it, once."""

from datetime import date
from pathlib import Path
from typing import Any
from uuid import UUID

import asyncpg

from service import clock
from service.accounts import service as accounts
from service.actor import Actor
from service.auth.logic import Principal
from service.errors import Invalid
from service.matching import explain, logic, regions, store
from service.matching.schemas import (
    CoveredSkill,
    GapSkill,
    Matches,
    Pathway,
    PathwayChoice,
    PathwayChoiceIn,
    PathwayCourse,
    PresentationFit,
    RetrainingTopup,
    TargetOccupation,
)
from service.people.schemas import Worker
from service.people.service import audited_read, audited_worker
from service.policy.schemas import PriorityPoints
from service.reference.logic import SIMILARITY_THRESHOLD
from service.reference.service import find_occupation

# How many fitting presentations per gap skill the pathway builder looks at (cheapest and best
# suited first): enough for any real choice, and a bound on the work per request.
OFFERS_PER_SKILL = 30
NO_OCCUPATION = ("No occupation is recorded for this worker, so there is nothing to match yet. "
                 "Add their current occupation (an ESCO code or URI: search GET "
                 "/v1/occupations?q=) to their record with PATCH /v1/workers/{id}, or ask "
                 "your union learning rep to.")


class Context:
    """The worker, their occupation and money, as one statement read them."""

    def __init__(self, row: asyncpg.Record, worker: Worker) -> None:
        self.worker = worker
        self.occupation_id: UUID | None = row["occupation_id"]
        self.occupation = None if self.occupation_id is None else TargetOccupation(
            row["occupation_id"], row["occupation_uri"], row["occupation_code"],
            row["occupation_label"], row["occupation_risk"], row["occupation_risk_category"],
            row["occupation_risk_source"])
        self.available: int = row["available_pence"]
        self.earmarked: int = row["earmarked_pence"]
        self.full_time_hours: float = (row["full_time_hours"]
                                       or PriorityPoints().full_time_hours)

    def at_risk_reasons(self) -> list[str]:
        reasons = ["facing_redundancy"] if self.worker.facing_redundancy else []
        if self.occupation and self.occupation.risk_category == "High":
            reasons.append("high_risk_occupation")
        return reasons

    def needs(self, focus_digital: bool) -> logic.Needs:
        w = self.worker
        return logic.Needs(
            logic.needs_flexible_hours(w.contract_type, w.weekly_hours, self.full_time_hours),
            logic.LEVEL_RANK.get(w.highest_qualification, -1), focus_digital)


async def _context(conn: asyncpg.Connection, principal: Principal, worker_id: UUID, today: date,
                   action: str, *, lock: bool = False) -> Context:
    row = await store.worker_context(conn, worker_id, today, audited_read(principal, action),
                                     lock=lock)
    return Context(row, audited_worker(row, worker_id))  # type: ignore[arg-type]


def _gap(g: logic.Gap) -> GapSkill:
    return GapSkill(g.skill_id, g.uri, g.label, list(g.tags))


def _course(choice: logic.Choice, worker_level: str, focus_digital: bool) -> PathwayCourse:
    o = choice.offer
    return PathwayCourse(
        o.course_id, o.title, o.level, o.band,
        PresentationFit(o.presentation_id, o.starts_on, o.ends_on, o.study_mode, o.attendance,
                        o.delivery, o.venue_postcode, o.places_left, o.provider_name),
        o.cost_pence, [CoveredSkill(g.skill_id, g.label) for g in choice.covers],
        explain.course_why(choice, worker_level, focus_digital))


def _pathway(ctx: Context, target: store.Target, offers: list[logic.Offer],
             needs: logic.Needs) -> Pathway:
    result = logic.cover(target.gaps, offers, needs)
    total = result.total_cost_pence
    can_afford = logic.affordable(total, ctx.available)
    occupation = ctx.occupation
    assert occupation is not None
    why = explain.pathway_why(
        occupation.label, occupation.risk or 0.0, target.occupation.label,
        target.occupation.risk or 0.0, target.similarity, target.shared, target.missing,
        target.gaps, result, ctx.available, ctx.earmarked, can_afford)
    return Pathway(target.occupation, target.similarity, target.risk_drop,
                   [_gap(g) for g in target.gaps],
                   [_course(c, ctx.worker.highest_qualification, needs.focus_digital)
                    for c in result.choices],
                   [_gap(g) for g in result.uncovered], total, can_afford, why)


def no_transitions(label: str | None) -> str:
    """Why a worker with an occupation gets no pathways: it has no transitions."""
    return (f"No pathways: no occupation with a lower automation risk shares enough skills "
            f"with {label or 'this occupation'} (skills similarity "
            f"{SIMILARITY_THRESHOLD:.2f} or more) to be a transition from it, so no "
            "retraining pathway can be built; courses can still be searched (GET /v1/courses).")


async def matches(conn: asyncpg.Connection, principal: Principal, worker_id: UUID, *,
                  focus: str | None, limit: int, catalogue_dir: Path,
                  today: date | None = None) -> Matches:
    """The worker's occupation and risk and the pathways to their best `limit` safer targets;
    audited as `matching.read`."""
    today = today or clock.today()
    ctx = await _context(conn, principal, worker_id, today, "matching.read")
    reasons = ctx.at_risk_reasons()
    answer = Matches(worker_id, ctx.occupation, bool(reasons), reasons, focus,  # type: ignore[arg-type]
                     ctx.available, ctx.earmarked, [])
    if ctx.occupation_id is None:
        answer.message = NO_OCCUPATION
        return answer
    needs = ctx.needs(focus == "digital")
    targets, offers = await store.targets_with_gaps(
        conn, worker_id, ctx.occupation_id, limit, today=today,
        areas=regions.areas_in(ctx.worker.region, catalogue_dir),
        flexible_hours=needs.flexible_hours, per_skill=OFFERS_PER_SKILL)
    if not targets:
        answer.message = no_transitions(ctx.occupation.label if ctx.occupation else None)
        return answer
    answer.pathways = [_pathway(ctx, t, offers, needs) for t in targets]
    return answer


async def _target_id(conn: asyncpg.Connection, ref: str) -> UUID:
    occupation = await find_occupation(conn, ref)
    if occupation is None:
        raise Invalid.on_field("target_occupation", f"{ref!r} is not a known ESCO occupation "
                               "(give its id, code or URI)")
    return occupation.id


async def choose(conn: asyncpg.Connection, principal: Principal, worker_id: UUID,
                 data: PathwayChoiceIn, *, today: date | None = None) -> PathwayChoice:
    """Record the worker's choice of one of their transitions. An at-risk worker gets the
    retraining top-up earmarked to this pathway, once ever: a later choice, or one racing this
    one on another instance, grants nothing (the worker's row lock orders them and the
    ledger's unique index holds)."""
    today = today or clock.today()
    ctx = await _context(conn, principal, worker_id, today, "matching.pathway.choose",
                         lock=True)
    target_id = await _target_id(conn, data.target_occupation)
    if ctx.occupation_id is None:
        raise Invalid.on_field("target_occupation", NO_OCCUPATION)
    found, _ = await store.targets_with_gaps(conn, worker_id, ctx.occupation_id, 1, target_id)
    if not found:
        raise Invalid.on_field("target_occupation", "not one of the worker's transitions: "
                               "choose a target from GET /v1/workers/{id}/matches")
    target = found[0]
    actor = Actor.of(principal)
    reasons = ctx.at_risk_reasons()
    entry = None
    if reasons:
        entry = await accounts.grant_retraining_topup(
            conn, worker_id, reasons[0], pathway_target=str(target_id),  # type: ignore[arg-type]
            actor=actor, today=today)
    row = await store.insert_choice(conn, actor, worker_id, target, entry.id if entry else None)
    topup = None if entry is None else RetrainingTopup(entry.id, entry.amount_pence,
                                                       f"pathway:{target_id}")
    return PathwayChoice(row["id"], worker_id, target.occupation, target.similarity,
                         target.risk_drop, row["chosen_at"], topup,
                         _choice_why(target, reasons, entry))


def _choice_why(target: store.Target, reasons: list[str], entry: Any) -> str:
    said = f"Pathway to {target.occupation.label} chosen."
    if entry is not None:
        why = " and ".join(r.replace("_", " ") for r in reasons)
        return (f"{said} As an at-risk worker ({why}) you get the one-off retraining top-up of "
                f"{explain.money(entry.amount_pence)}, earmarked for this pathway's courses.")
    if reasons:
        return f"{said} The one-off retraining top-up was granted before; it is not given again."
    return f"{said} The retraining top-up is for workers facing redundancy or in a high-risk " \
        "occupation, so none is granted."


async def chose_since(conn: asyncpg.Connection, worker_ids: list[UUID], day: date) -> int:
    """How many of the workers chose a pathway on or after the UK day (a programme's report
    counts its members' choices since its announcement)."""
    return await store.chose_since(conn, worker_ids, clock.start_of(day))
