from datetime import date, datetime
from typing import Annotated

import msgspec
from msgspec import Meta

from service.vocabulary import MAX_PENCE, ContractType, Qualification

Pence = Annotated[int, Meta(ge=0, le=MAX_PENCE, description="Integer pence (GBP)")]
Points = Annotated[int, Meta(ge=0, le=100)]


class PriorityPoints(msgspec.Struct, forbid_unknown_fields=True):
    """Points per condition of the priority score (docs/design.md, Priority)."""

    age_50_plus: Points = 3
    age_45_to_49: Points = 2
    part_time: Points = 2
    insecure_contract: Points = 3
    high_risk_occupation: Points = 3
    facing_redundancy: Points = 3
    low_qualification: Points = 1
    full_time_hours: Annotated[float, Meta(gt=0, le=100)] = 37.0


class PolicyRules(msgspec.Struct, forbid_unknown_fields=True):
    """The scheme's rules; the defaults are the scheme's (docs/design.md). Part-time workers are
    never pro-rated and credit never expires: those are fixed, not settings."""

    annual_credit_pence: Pence = 50_000
    annual_ceiling_pence: Pence = 500_000
    enhanced_credit_pence: Pence = 80_000
    enhanced_ceiling_pence: Pence = 800_000
    enhanced_qualifications: list[Qualification] = msgspec.field(
        default_factory=lambda: ["none", "E1", "E2", "E3", "1", "2"])
    enhanced_contracts: list[ContractType] = msgspec.field(
        default_factory=lambda: ["fixed_term", "zero_hours", "agency", "outsourced"])
    midlife_topup_pence: Pence = 100_000
    midlife_min_age: Annotated[int, Meta(ge=14, le=100)] = 45
    retraining_topup_pence: Pence = 150_000
    priority: PriorityPoints = msgspec.field(default_factory=PriorityPoints)


class PolicyIn(msgspec.Struct, forbid_unknown_fields=True):
    effective_from: date
    rules: PolicyRules
    note: Annotated[str, Meta(max_length=2000)] = ""


class PolicyWords(msgspec.Struct, frozen=True):
    """The rules in plain sentences, with this version's figures. Immutable: one is shared by
    every read of policies with the same rules (policy/store.py)."""

    priority: tuple[str, ...]
    credits: tuple[str, ...]
    eligibility: tuple[str, ...]
    matching: tuple[str, ...]


class Policy(msgspec.Struct):
    version: int
    effective_from: date
    rules: PolicyRules
    note: str
    created_by: str
    created_at: datetime
    # Worked out from `rules` by the store for every policy it reads (never null in answers).
    in_words: PolicyWords | None = None


class PolicyPage(msgspec.Struct):
    items: list[Policy]
    next_cursor: str | None
