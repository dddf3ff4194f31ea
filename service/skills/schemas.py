from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

import msgspec

from service.reference.schemas import OccupationSummary

Level = Annotated[int, msgspec.Meta(ge=1, le=4, description="1 aware, 2 practised, 3 skilled, "
                                    "4 expert")]
Source = Literal["occupation", "self", "review", "course"]
EntrySource = Literal["self", "review", "course"]
Evidence = Annotated[str, msgspec.Meta(max_length=2000, description="What shows the level, "
                                       "e.g. a certificate or the review it came from")]


class SkillLevelIn(msgspec.Struct, forbid_unknown_fields=True):
    level: Level
    source: EntrySource = "self"
    evidence: Evidence | None = None


class WorkerSkill(msgspec.Struct):
    """One skill in a profile. An assumed skill (`source` occupation, `assumed` true) is an
    essential skill of the worker's occupation with no entry of its own; it has no level.
    `tags` are the ESCO collections the skill is in (docs/matching.md#skill-tags)."""

    skill_id: UUID
    uri: str
    label: str
    level: int | None
    level_name: str | None
    source: Source
    assumed: bool
    evidence: str | None
    updated_at: datetime | None
    tags: list[str] = []  # ESCO collections: digital, digcomp, green, transversal


class SkillsProfile(msgspec.Struct):
    worker_id: UUID
    occupation: OccupationSummary | None
    items: list[WorkerSkill]
    next_cursor: str | None


class SkillChange(msgspec.Struct):
    id: int
    skill_id: UUID
    skill_label: str
    change: Literal["set", "removed"]
    old_level: int | None
    new_level: int | None
    old_source: str | None
    new_source: str | None
    evidence: str | None
    actor_role: str
    actor_name: str
    at: datetime


class SkillHistoryPage(msgspec.Struct):
    items: list[SkillChange]
    next_cursor: str | None
