from datetime import date, datetime
from typing import Annotated, Literal
from uuid import UUID

import msgspec
from msgspec import Meta

Status = Literal["waiting", "offered", "booked", "started", "completed", "cancelled", "expired"]
Reason = Annotated[str, Meta(min_length=1, max_length=1000)]


class EnrolmentIn(msgspec.Struct, forbid_unknown_fields=True):
    """`consent_to_share` must be true: the worker agrees that the college of the presentation
    sees their name and email for this enrolment (recorded as a consent, withdrawable)."""

    worker_id: UUID
    presentation_id: UUID
    consent_to_share: bool


class CancelIn(msgspec.Struct, forbid_unknown_fields=True):
    reason: Reason | None = None


class Places(msgspec.Struct):
    """The presentation's places: `places` null means the college set no limit;
    `needed_to_run` is how many more enrolments it needs to reach the college's minimum class
    size (`min_places`), null where none is given."""

    title: str
    starts_on: date | None
    ends_on: date | None
    places: int | None
    places_taken: int
    places_left: int | None
    waiting: int
    min_places: int | None
    needed_to_run: int | None


class Enrolment(msgspec.Struct):
    """`position` is the place on the waiting list (1 is offered the next free place) while
    `waiting`; an `offered` place is the worker's until `offer_expires_at` (accept it with
    POST .../accept)."""

    id: UUID
    worker_id: UUID
    presentation_id: UUID
    course_id: UUID
    provider_id: UUID
    consent_id: UUID
    status: Status
    position: int | None
    priority_score: int
    asked_at: datetime
    requested_by: str
    cost_pence: int | None
    hold_id: UUID | None
    offered_at: datetime | None
    offer_expires_at: datetime | None
    booked_at: datetime | None
    started_at: datetime | None
    completed_at: datetime | None
    cancelled_at: datetime | None
    cancelled_by: str | None
    late_cancellation: bool
    hold_outcome: Literal["released", "settled"] | None
    updated_at: datetime
    presentation: Places


class EnrolmentPage(msgspec.Struct):
    items: list[Enrolment]
    next_cursor: str | None


class ProviderEnrolment(msgspec.Struct):
    """What a college sees of an enrolment on its courses: the worker's name, their email only
    while their consent to share it with this college is in force, the course and the status."""

    id: UUID
    status: Status
    worker_name: str
    worker_email: str | None
    course_id: UUID
    course_title: str
    presentation_id: UUID
    starts_on: date | None
    asked_at: datetime
    booked_at: datetime | None
    started_at: datetime | None
    completed_at: datetime | None
    cancelled_at: datetime | None
    presentation: Places


class ProviderEnrolmentPage(msgspec.Struct):
    items: list[ProviderEnrolment]
    next_cursor: str | None
