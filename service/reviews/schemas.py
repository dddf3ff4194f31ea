from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

import msgspec
from msgspec import Meta

from service.skills.schemas import Level

# A time without an offset is refused by the decoder (422 naming the field).
Timestamp = Annotated[datetime, Meta(tz=True, description="RFC 3339 with an offset")]
Mode = Literal["in_person", "video", "phone"]
SlotStatus = Literal["open", "cancelled"]
ReviewStatus = Literal["booked", "cancelled", "attended", "no_show"]
WaitStatus = Literal["waiting", "offered", "booked", "expired", "withdrawn"]
Location = Annotated[str, Meta(min_length=1, max_length=300,
                               description="Where, or how to join (a room, a link, a number)")]
Reason = Annotated[str, Meta(min_length=1, max_length=1000)]  # room for the prefixes kept with it
ActionPlan = Annotated[str, Meta(min_length=1, max_length=20000)]


class SlotIn(msgspec.Struct, forbid_unknown_fields=True):
    starts_at: Timestamp
    ends_at: Timestamp
    mode: Mode
    location: Location | None = None


class Slot(msgspec.Struct):
    id: UUID
    rep_id: UUID
    branch: str
    starts_at: datetime
    ends_at: datetime
    mode: Mode
    location: str | None
    status: SlotStatus
    booked: bool
    offered: bool
    cancel_reason: str | None
    created_at: datetime


class SlotPage(msgspec.Struct):
    items: list[Slot]
    next_cursor: str | None


class CancelIn(msgspec.Struct, forbid_unknown_fields=True):
    reason: Reason


class BookingIn(msgspec.Struct, forbid_unknown_fields=True):
    worker_id: UUID
    slot_id: UUID


class RescheduleIn(msgspec.Struct, forbid_unknown_fields=True):
    slot_id: UUID


class AssessedSkill(msgspec.Struct, forbid_unknown_fields=True):
    skill_id: UUID
    level: Level


class OutcomeIn(msgspec.Struct, forbid_unknown_fields=True):
    """`attended` needs an action plan; `no_show` takes nothing more."""

    outcome: Literal["attended", "no_show"]
    action_plan: ActionPlan | None = None
    assessed_skills: Annotated[list[AssessedSkill], Meta(max_length=100)] = []
    target_occupations: Annotated[list[UUID], Meta(max_length=20)] = []


class Review(msgspec.Struct):
    """`action_plan` is the worker's: shown to them and the reps of their branch only (null for
    anyone else)."""

    id: UUID
    slot_id: UUID
    worker_id: UUID
    rep_id: UUID
    branch: str
    starts_at: datetime
    ends_at: datetime
    mode: Mode
    location: str | None
    status: ReviewStatus
    booked_by: str
    cancel_reason: str | None
    cancelled_by: str | None
    cancelled_at: datetime | None
    late_cancellation: bool
    action_plan: str | None
    assessed_skills: list[AssessedSkill]
    target_occupations: list[UUID]
    outcome_by: str | None
    outcome_at: datetime | None
    sequence: int
    created_at: datetime
    updated_at: datetime


class ReviewPage(msgspec.Struct):
    items: list[Review]
    next_cursor: str | None


class WaitlistIn(msgspec.Struct, forbid_unknown_fields=True):
    worker_id: UUID


class OfferIn(msgspec.Struct, forbid_unknown_fields=True):
    """An offer out of priority order: the reason is required and audited."""

    slot_id: UUID
    reason: Reason


class WaitReason(msgspec.Struct):
    rule: str
    points: int
    reason: str


class WaitlistEntry(msgspec.Struct):
    id: UUID
    worker_id: UUID
    branch: str
    position: int | None
    priority_score: int
    reasons: list[WaitReason]
    asked_at: datetime
    status: WaitStatus
    offered_slot_id: UUID | None
    offered_at: datetime | None
    offer_expires_at: datetime | None
    offer_reason: str | None
    review_id: UUID | None
    updated_at: datetime


class WaitlistPage(msgspec.Struct):
    items: list[WaitlistEntry]
    next_cursor: str | None


class CalendarToken(msgspec.Struct):
    """Shown once: the feed's address holds the token, so keep it as secret as a password."""

    token: str
    url: str
