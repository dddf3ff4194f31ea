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


class SkillSummary(msgspec.Struct):
    id: UUID
    uri: str
    label: str
    skill_type: str | None
    reuse_level: str | None
    matched_label: str | None = None


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


class OccupationSkill(msgspec.Struct):
    id: UUID
    uri: str
    label: str
    skill_type: str | None
    reuse_level: str | None


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
    """Rows inserted, updated or deleted per table by one load; all zero when nothing changed."""

    changed: dict[str, int]
    totals: dict[str, int]
    seconds: float
