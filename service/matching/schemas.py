from datetime import date, datetime
from typing import Annotated, Literal
from uuid import UUID

import msgspec

from service.reference.schemas import RiskCategory, RiskSource

Focus = Literal["digital"]
PathwayLimit = Annotated[int, msgspec.Meta(ge=1, le=20)]


class TargetOccupation(msgspec.Struct):
    id: UUID
    uri: str
    code: str
    label: str
    risk: float | None
    risk_category: RiskCategory | None
    risk_source: RiskSource | None


class GapSkill(msgspec.Struct):
    """An essential skill of the target that the worker does not hold at level 2 or above;
    `tags` are its ESCO collections (`digital`, `digcomp`, `green`, `transversal`)."""

    skill_id: UUID
    uri: str
    label: str
    tags: list[str]


class CoveredSkill(msgspec.Struct):
    skill_id: UUID
    label: str


class PresentationFit(msgspec.Struct):
    id: UUID
    starts_on: date | None
    ends_on: date | None
    study_mode: str | None
    attendance: str | None
    delivery: str | None
    venue_postcode: str | None
    places_left: int | None
    provider: str


class PathwayCourse(msgspec.Struct):
    course_id: UUID
    title: str
    level: str | None
    band: str | None
    presentation: PresentationFit
    cost_pence: int | None
    covers: list[CoveredSkill]
    why: str


class Pathway(msgspec.Struct):
    target_occupation: TargetOccupation
    similarity: float
    risk_drop: float | None
    gap_skills: list[GapSkill]
    courses: list[PathwayCourse]
    uncovered_gaps: list[GapSkill]
    total_cost_pence: int
    affordable: bool
    why: str


class Matches(msgspec.Struct):
    """The worker's occupation and its risk, whether they are at risk, and the pathways to the
    safer occupations closest to theirs, best first. With no occupation recorded there are no
    pathways and `message` says what to add."""

    worker_id: UUID
    occupation: TargetOccupation | None
    at_risk: bool
    at_risk_reasons: list[str]
    focus: Focus | None
    available_pence: int
    earmarked_pence: int
    pathways: list[Pathway]
    message: str | None = None


class PathwayChoiceIn(msgspec.Struct, forbid_unknown_fields=True):
    target_occupation: Annotated[str, msgspec.Meta(
        min_length=1, max_length=300,
        description="The target's ESCO id, code or URI: one of the worker's transitions")]


class RetrainingTopup(msgspec.Struct):
    entry_id: UUID
    amount_pence: int
    earmarked_for: str


class PathwayChoice(msgspec.Struct):
    id: UUID
    worker_id: UUID
    target_occupation: TargetOccupation
    similarity: float
    risk_drop: float | None
    chosen_at: datetime
    retraining_topup: RetrainingTopup | None
    why: str
