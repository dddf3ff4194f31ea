"""The rules of reviews, free of I/O: what a slot may be, who may book directly, when a
cancellation is late, what an outcome must say."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from service.errors import Conflict, Forbidden, Invalid
from service.people.logic import INSECURE_CONTRACTS, age_on

MAX_SLOT = timedelta(hours=3)
LATE_WITHIN = timedelta(hours=24)
WAITLIST_HINT = ("join the waiting list instead (POST /v1/reviews/waitlist): slots are offered "
                 "there in priority order")


class NotEligible(Forbidden):
    """Not directly eligible to book; the waiting list is open to them."""

    slug = "not-eligible"


def check_slot(starts_at: datetime, ends_at: datetime, now: datetime) -> None:
    if starts_at <= now:
        raise Invalid.on_field("starts_at", "must be in the future")
    if ends_at <= starts_at:
        raise Invalid.on_field("ends_at", "must be after starts_at")
    if ends_at - starts_at > MAX_SLOT:
        raise Invalid.on_field("ends_at", "a slot is at most 3 hours long")


@dataclass(frozen=True, slots=True)
class EligibilityFacts:
    birth_date: date
    contract_type: str
    facing_redundancy: bool
    risk_category: str | None


def eligible_rules(facts: EligibilityFacts, today: date, min_age: int) -> list[str]:
    """The rules by which a worker may book directly (none: the waiting list)."""
    rules = []
    if age_on(facts.birth_date, today) >= min_age:
        rules.append(f"aged_{min_age}_plus")
    if facts.risk_category == "High":
        rules.append("high_risk_occupation")
    if facts.facing_redundancy:
        rules.append("facing_redundancy")
    if facts.contract_type in INSECURE_CONTRACTS:
        rules.append("insecure_contract")
    return rules


def refuse_not_eligible(min_age: int) -> NotEligible:
    return NotEligible.on_field(
        "worker_id", f"not directly eligible for a review (rule: aged {min_age}+, an "
        "occupation at high automation risk, facing redundancy, or an insecure contract); "
        + WAITLIST_HINT)


def is_late(starts_at: datetime, now: datetime) -> bool:
    """Cancelling less than 24 hours before the start is a late cancellation."""
    return starts_at - now < LATE_WITHIN


def check_bookable(status: str, starts_at: datetime, booked: bool, now: datetime) -> None:
    if status != "open":
        raise Conflict.on_field("slot_id", "the slot was cancelled")
    if starts_at <= now:
        raise Conflict.on_field("slot_id", "the slot has already started")
    if booked:
        raise Conflict.on_field("slot_id", "the slot is already booked (rule: one booking "
                                "per slot)")


def check_outcome(outcome: str, action_plan: str | None, skills: int, occupations: int,
                  starts_at: datetime, status: str, now: datetime) -> None:
    if status != "booked":
        raise Conflict.on_field("outcome", f"the review is {status}; an outcome is recorded "
                                "once, for a booked review")
    if now < starts_at:
        raise Conflict.on_field("outcome", "the review has not started yet")
    if outcome == "attended" and not (action_plan or "").strip():
        raise Invalid.on_field("action_plan", "an attended review needs an action plan")
    if outcome == "no_show" and (action_plan or skills or occupations):
        raise Invalid.on_field("outcome", "a no-show has no action plan, skills or occupations")


def offer_expiry(now: datetime, hours: float) -> datetime:
    return now + timedelta(hours=hours)


def booked_by(role: str, name: str) -> str:
    return f"{role}: {name}"
