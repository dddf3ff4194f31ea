from datetime import date, datetime
from typing import Annotated, Literal
from uuid import UUID

import msgspec
from msgspec import Meta

Name = Annotated[str, Meta(min_length=1, max_length=300)]
Employer = Annotated[str, Meta(min_length=1, max_length=200,
                               description="As in the workers' `employer` field, exactly")]
OccupationRef = Annotated[str, Meta(min_length=1, max_length=300,
                                    description="ESCO occupation id, code or URI")]
Occupations = Annotated[list[OccupationRef], Meta(min_length=1, max_length=200)]
Reason = Annotated[str, Meta(min_length=1, max_length=2000)]
DestinationType = Literal["new_job_permanent", "new_job_fixed_term", "same_employer_new_role",
                          "self_employed", "study", "still_looking", "retired", "other"]
PayCompared = Literal["higher", "same", "lower", "unknown"]
MemberSource = Literal["matched", "added", "imported"]


class ProgrammeIn(msgspec.Struct, forbid_unknown_fields=True):
    name: Name
    employer: Employer
    occupations: Occupations
    announced_on: date
    last_day: date
    reason: Reason


class Programme(msgspec.Struct):
    id: UUID
    name: str
    employer: str
    occupations: list[str]
    announced_on: date
    last_day: date
    reason: str
    workers: int  # current members
    created_by: str
    created_at: datetime
    updated_at: datetime


class ProgrammePage(msgspec.Struct):
    items: list[Programme]
    next_cursor: str | None


class ProgrammeChange(msgspec.Struct):
    """What creating or widening a programme did: the workers it marked and linked."""

    programme: Programme
    workers_added: int
    newly_facing_redundancy: int  # of those, the ones whose record did not say so before
    priority_changed: int
    note: str | None  # e.g. that no worker matched (allowed)


class WidenIn(msgspec.Struct, forbid_unknown_fields=True):
    occupations: Occupations
    reason: Reason


class MemberIn(msgspec.Struct, forbid_unknown_fields=True):
    worker_id: UUID
    reason: Reason


class RemoveIn(msgspec.Struct, forbid_unknown_fields=True):
    reason: Reason


class Member(msgspec.Struct):
    programme_id: UUID
    worker_id: UUID
    source: MemberSource
    added_at: datetime
    added_by: str
    added_reason: str
    removed_at: datetime | None
    removed_by: str | None
    removed_reason: str | None


class MemberPage(msgspec.Struct):
    items: list[Member]
    next_cursor: str | None


class DestinationIn(msgspec.Struct, forbid_unknown_fields=True):
    recorded_on: date
    type: DestinationType
    pay_compared: PayCompared
    occupation: OccupationRef | None = None


class Destination(msgspec.Struct):
    id: UUID
    worker_id: UUID
    programme_id: UUID
    recorded_on: date
    type: DestinationType
    occupation: str | None
    pay_compared: PayCompared
    recorded_by: str
    created_at: datetime


class DestinationPage(msgspec.Struct):
    items: list[Destination]
    next_cursor: str | None


class Outcomes(msgspec.Struct):
    """Where members went: the destination that counts for each (the latest recorded within
    twelve months of the last day)."""

    workers: int
    with_destination: int
    by_type: dict[str, int]
    in_work_or_study: int
    share_in_work_or_study: float | None  # of all current members
    median_days_to_destination: float | None  # last day to destination, those in work or study


class GroupRow(msgspec.Struct):
    """One group of a breakdown; counts under 5 (and what they could be worked out from) are
    null, with `suppressed` true."""

    group: str
    workers: int | None
    in_work_or_study: int | None
    share_in_work_or_study: float | None
    median_days_to_destination: float | None
    suppressed: bool


class ReferenceFigure(msgspec.Struct):
    """A Job Security Council's published result, quoted beside Ladder's as issue 14 gives it."""

    organisation: Annotated[str, Meta(description="The council that published the figure")]
    website: Annotated[str, Meta(description="Where the council publishes its results (not "
                                             "visited when the figure was quoted)")]
    figures: Annotated[dict[str, float], Meta(description="Shares of participants, 0-1")]
    described: Annotated[str, Meta(description="The figure in words, as issue 14 words it")]
    publication: Annotated[str, Meta(description=(
        "The report the figure is from; `as cited in Ladder issue 14` where no report is "
        "named"))]
    year: Annotated[int | None, Meta(description=(
        "The year the figure is for; null where the citation gives none"))]
    checked: Annotated[bool, Meta(description=(
        "Whether the figure was checked against the organisation's own report; false: "
        "quoted as cited"))]
    note: Annotated[str, Meta(description="What `publication`, `year` and `checked` mean for "
                                          "this figure, in words")]


class ProgrammeReport(msgspec.Struct):
    programme_id: UUID
    name: str
    employer: str
    announced_on: date
    last_day: date
    window_ends_on: date
    workers: int
    reviewed: int
    pathway_chosen: int
    enrolled: int
    started: int
    completed: int
    credit_spent_pence: int
    destinations: Outcomes
    by_age_band: list[GroupRow]
    by_contract_type: list[GroupRow]
    by_part_time: list[GroupRow]
    reference: list[ReferenceFigure]
    notes: list[str]
