from typing import Literal
from uuid import UUID

import msgspec

RiskCategory = Literal["High", "Low", "Other"]
RiskSource = Literal["nesta", "isco_average"]
Relation = Literal["essential", "optional"]


class OccupationSummary(msgspec.Struct):
    """An occupation in a list; `matched_label` says which of its labels matched the query."""

    id: UUID
    uri: str
    code: str
    isco_group: str
    label: str
    risk: float | None
    risk_category: RiskCategory | None
    risk_source: RiskSource | None
    matched_label: str | None = None


class OccupationPage(msgspec.Struct):
    items: list[OccupationSummary]
    next_cursor: str | None


SkillTag = Literal["digital", "digcomp", "green", "transversal"]


class SkillSummary(msgspec.Struct):
    """A skill in a list; `tags` are the ESCO collections it is in (catalogue/README.md)."""

    id: UUID
    uri: str
    label: str
    skill_type: str | None
    reuse_level: str | None
    matched_label: str | None = None
    tags: list[SkillTag] = []


class SkillPage(msgspec.Struct):
    items: list[SkillSummary]
    next_cursor: str | None


class Skill(msgspec.Struct):
    id: UUID
    uri: str
    label: str
    alt_labels: list[str]
    skill_type: str | None
    reuse_level: str | None
    description: str
    tags: list[SkillTag] = []


class OccupationSkill(msgspec.Struct):
    id: UUID
    uri: str
    label: str
    skill_type: str | None
    reuse_level: str | None
    tags: list[SkillTag] = []


class Occupation(msgspec.Struct):
    """An occupation with its automation risk (`prevalence`: share of tasks that are bottlenecks
    to automation) and the skills it needs."""

    id: UUID
    uri: str
    code: str
    isco_group: str
    label: str
    alt_labels: list[str]
    description: str
    risk: float | None
    prevalence: float | None
    risk_category: RiskCategory | None
    risk_source: RiskSource | None
    essential_skills: list[OccupationSkill] = []
    optional_skills: list[OccupationSkill] = []


class LoadReport(msgspec.Struct):
    """Rows inserted, updated or deleted per table by one load; all zero when nothing changed.
    `transitions_seconds` is the part of `seconds` the transitions build took."""

    changed: dict[str, int]
    totals: dict[str, int]
    seconds: float
    transitions_seconds: float = 0.0


class TransitionsReport(msgspec.Struct):
    """One transitions build: rows changed, targets kept, occupations with any, and its time."""

    changed: int
    transitions: int
    occupations: int
    seconds: float


class TransitionTarget(msgspec.Struct):
    """A target occupation with its automation risk; `risk_estimated` is true when the risk is
    its ISCO group's average (`risk_source` `isco_average`) as Nesta has no score of its own."""

    id: UUID
    uri: str
    label: str
    risk: float
    risk_category: RiskCategory
    risk_source: RiskSource
    risk_estimated: bool


class Transition(msgspec.Struct):
    """A safer occupation close in skills: `similarity` 0-1 (docs/matching.md), `risk_drop` the
    source's risk less the target's, the target's essential skills the source has as essential
    (`shared_essential`) and does not (`missing_essential`), and `why` in words."""

    target: TransitionTarget
    similarity: float
    risk_drop: float
    shared_essential: int
    missing_essential: int
    why: str


class TransitionPage(msgspec.Struct):
    items: list[Transition]
    next_cursor: str | None
