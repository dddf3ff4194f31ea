from datetime import date, datetime
from typing import Annotated, Literal
from uuid import UUID

import msgspec
from msgspec import Meta

from service.vocabulary import MAX_ENTRY_PENCE

EntryKind = Literal["annual_credit", "midlife_topup", "retraining_topup", "contribution", "hold",
                    "release", "settlement", "adjustment"]
Source = Literal["employer", "union", "other"]
HoldStatus = Literal["open", "released", "settled"]
Amount = Annotated[int, Meta(gt=0, le=MAX_ENTRY_PENCE,
                             description="Integer pence (GBP), more than zero")]
SignedAmount = Annotated[int, Meta(ge=-MAX_ENTRY_PENCE, le=MAX_ENTRY_PENCE,
                                   description="Integer pence (GBP), not zero; negative removes")]
Reference = Annotated[str, Meta(min_length=1, max_length=200)]
Reason = Annotated[str, Meta(min_length=1, max_length=500)]
Period = Annotated[str, Meta(pattern=r"^[0-9]{4}$", description="A calendar year, e.g. 2026")]


class CourseEarmark(msgspec.Struct, tag="course", tag_field="kind", forbid_unknown_fields=True):
    """For one course."""

    id: UUID


class PathwayEarmark(msgspec.Struct, tag="pathway", tag_field="kind",
                     forbid_unknown_fields=True):
    """For courses on the pathway to `target` (an ESCO occupation), or with no target on any of
    the worker's matched pathways."""

    target: Annotated[str, Meta(min_length=1, max_length=300)] | None = None


Earmark = CourseEarmark | PathwayEarmark


class ContributionIn(msgspec.Struct, forbid_unknown_fields=True):
    amount_pence: Amount
    source: Source
    reference: Reference
    earmark: Earmark | None = None


class AdjustmentIn(msgspec.Struct, forbid_unknown_fields=True):
    amount_pence: SignedAmount
    reason: Reason


class Entry(msgspec.Struct):
    id: UUID
    kind: EntryKind
    amount_pence: int
    earmark: Earmark | None
    source: Source | None
    reference: str | None
    reason: str | None
    rule: str | None
    policy_version: int | None
    period: str | None
    hold_id: UUID | None
    created_by: str
    created_at: datetime


class EntryPage(msgspec.Struct):
    items: list[Entry]
    next_cursor: str | None


class StatementLine(msgspec.Struct):
    """One line of the statement: an entry and the running totals after it."""

    day: date
    description: str
    kind: str
    reference: str | None
    amount_pence: int
    balance_change_pence: int
    held_change_pence: int
    balance_pence: int
    held_pence: int
    available_pence: int


class EarmarkedMoney(msgspec.Struct):
    earmark: Earmark
    available_pence: int


class NextAccrual(msgspec.Struct):
    period: str
    estimated_pence: int


class Account(msgspec.Struct):
    """`balance` is the money in the account (credited less paid out); `held` is promised to
    courses not yet started; `available` is what can still be spent."""

    worker_id: UUID
    currency: Literal["GBP"]
    balance_pence: int
    available_pence: int
    held_pence: int
    lifetime_credited_pence: int
    ceiling_pence: int
    annual_credit_pence: int
    rate: Literal["standard", "enhanced"]
    policy_version: int
    earmarked: list[EarmarkedMoney]
    next_accrual: NextAccrual


class AccrualIn(msgspec.Struct, forbid_unknown_fields=True):
    period: Period


class AccrualResult(msgspec.Struct):
    """`*_now` counts what this call did; the totals cover every run for the period."""

    period: str
    policy_version: int
    workers_credited_now: int
    credited_now_pence: int
    workers_total: int
    workers_at_ceiling_total: int
    credited_total_pence: int


class Hold(msgspec.Struct):
    id: UUID
    worker_id: UUID
    amount_pence: int
    status: HoldStatus
    course_id: UUID | None
    pathway_target: str | None
    reference: str
    provider_id: UUID | None
    reason: str | None
    created_at: datetime
    closed_at: datetime | None


class HoldPage(msgspec.Struct):
    items: list[Hold]
    next_cursor: str | None
