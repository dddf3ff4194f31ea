"""The native catalogue format a college sends to `PUT /v1/providers/{ukprn}/catalogue`.

XCRI-CAP feeds are converted into the same structs, so one validator serves both. Decoding checks
only shape and lengths; rules that must reject a single record rather than the whole sync (negative
costs, bad postcodes, unknown RQF levels, ...) live in `service.courses.logic`.
"""

from datetime import date, datetime
from typing import Annotated, Literal
from uuid import UUID

import msgspec

RefText = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
TitleText = Annotated[str, msgspec.Meta(min_length=1, max_length=500)]

StudyMode = Literal["full_time", "part_time", "flexible"]
AttendancePattern = Literal["daytime", "evening", "weekend", "day_release", "self_paced"]
Delivery = Literal["classroom", "online", "blended", "work_based"]
Band = Literal["introductory", "intermediate", "advanced"]

RQF_LEVELS = ("E1", "E2", "E3", "1", "2", "3", "4", "5", "6", "7", "8")
ESCO_SKILL_PREFIX = "http://data.europa.eu/esco/skill/"


class PresentationIn(msgspec.Struct, forbid_unknown_fields=True):
    """One run of a course, identified by the college's own `ref`."""

    ref: RefText
    starts_on: date | None = None
    ends_on: date | None = None
    study_mode: StudyMode | None = None
    attendance_pattern: AttendancePattern | None = None
    delivery: Delivery | None = None
    cost_pence: int | None = None
    places: int | None = None
    min_places: int | None = None  # the minimum class size the presentation needs to run
    venue_postcode: str | None = None
    apply_url: str | None = None


class CourseIn(msgspec.Struct, forbid_unknown_fields=True):
    """A course as the college describes it; `ref` is the college's own course id."""

    ref: RefText
    title: TitleText
    description: str = ""
    subjects: list[str] = []
    rqf_level: str | None = None
    qualification: str | None = None
    skill_uris: list[str] = []
    learning_outcomes: str = ""
    url: str | None = None
    presentations: list[PresentationIn] = []


class CatalogueIn(msgspec.Struct, forbid_unknown_fields=True):
    """A college's whole catalogue: courses missing from it are withdrawn by the sync."""

    courses: list[CourseIn]
    provider_name: str | None = None


class RejectedRecord(msgspec.Struct):
    """A course left out of a sync, with every reason, so the college can fix all at once."""

    ref: str | None
    index: int
    reasons: list[str]


# --- what Ladder answers ------------------------------------------------------------------------

SyncMode = Literal["full", "delta"]
SyncFormat = Literal["json", "xcri"]
# running: under way (its lease holds); applied or failed: finished; abandoned: stopped without
# finishing (the process died; its lease ran out), the catalogue left as it was.
SyncStatus = Literal["running", "applied", "failed", "abandoned"]


class SyncReport(msgspec.Struct):
    """What a sync did: counts of courses, every rejected record with its reasons, and warnings
    about fields an XCRI-CAP feed gave that could not be mapped. A `running` sync has no
    `finished_at` yet, and holds its lease until `lease_until`; an `abandoned` one keeps the
    lease that ran out (and `finished_at` is when it did)."""

    id: UUID
    ukprn: str
    mode: SyncMode
    format: SyncFormat
    status: SyncStatus
    error: str | None
    received: int
    created: int
    updated: int
    unchanged: int
    restored: int
    withdrawn: int
    rejected: int
    rejected_records: list[RejectedRecord]
    warnings: list[str]
    feed_id: UUID | None
    actor_role: str
    actor_name: str
    started_at: datetime
    finished_at: datetime | None
    lease_until: datetime | None


class SyncPage(msgspec.Struct):
    items: list[SyncReport]
    next_cursor: str | None


FeedUrl = Annotated[str, msgspec.Meta(min_length=8, max_length=2000,
                                      pattern=r"^[hH][tT][tT][pP][sS]?://\S+$",
                                      description="An http or https URL of an XCRI-CAP feed")]


class FeedIn(msgspec.Struct, forbid_unknown_fields=True):
    url: FeedUrl
    interval_minutes: Annotated[int, msgspec.Meta(ge=5, le=43200)] = 1440


class Feed(msgspec.Struct):
    id: UUID
    ukprn: str
    url: str
    interval_minutes: int
    next_pull_at: datetime
    etag: str | None
    last_modified: str | None
    last_pulled_at: datetime | None
    last_outcome: Literal["synced", "not_modified", "failed"] | None
    last_error: str | None
    consecutive_failures: int
    created_at: datetime


class FeedPage(msgspec.Struct):
    items: list[Feed]
    next_cursor: str | None


class PullResult(msgspec.Struct):
    """`synced` (see `sync`), `not_modified` (HTTP 304), `failed` (see `error`) or `busy` (the
    college's catalogue was being synced: nothing stored, pulled again at the next round)."""

    feed_id: UUID
    outcome: Literal["synced", "not_modified", "failed", "busy"]
    error: str | None
    sync: SyncReport | None


class Presentation(msgspec.Struct):
    id: UUID
    ref: str
    starts_on: date | None
    ends_on: date | None
    study_mode: StudyMode | None
    attendance_pattern: AttendancePattern | None
    delivery: Delivery | None
    cost_pence: int | None
    places: int | None
    min_places: int | None
    venue_postcode: str | None
    apply_url: str | None


class CourseSkill(msgspec.Struct):
    """A skill the course teaches, and why Ladder thinks so."""

    skill_id: UUID
    uri: str
    label: str
    source: Literal["college", "inferred"]
    confidence: float
    matched_label: str | None
    matched_words: list[str]
    matched_in: Literal["title", "subjects", "description"] | None
    why: str


class Course(msgspec.Struct):
    """A course with its presentations and skills. `skills_pending` is true while the skills of
    a new or changed course are still being inferred (a job that follows the sync, usually
    within seconds); `skills` is then empty, or the previous ones while `ladder catalogue
    infer-skills` redoes every course."""

    id: UUID
    ukprn: str
    provider_name: str
    ref: str
    title: str
    description: str
    subjects: list[str]
    rqf_level: str | None
    band: Band | None
    qualification: str | None
    learning_outcomes: str
    url: str | None
    created_at: datetime
    updated_at: datetime
    withdrawn_at: datetime | None
    skills_pending: bool
    presentations: list[Presentation]
    skills: list[CourseSkill]


class CourseSummary(msgspec.Struct):
    """A search hit. Hits come by `rank` (how well the words match the title and subjects; 0
    for a course matching only in its description, and without `q`), then by
    `first_starts_on` (the course's earliest presentation). `next_starts_on`,
    `lowest_cost_pence` and `presentations` are over the presentations matching the filters."""

    id: UUID
    ukprn: str
    provider_name: str
    ref: str
    title: str
    subjects: list[str]
    rqf_level: str | None
    band: Band | None
    url: str | None
    first_starts_on: date | None
    next_starts_on: date | None
    lowest_cost_pence: int | None
    presentations: int
    rank: float


class CoursePage(msgspec.Struct):
    items: list[CourseSummary]
    next_cursor: str | None
