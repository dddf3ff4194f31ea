"""The native catalogue format a college sends to `PUT /v1/providers/{ukprn}/catalogue`.

XCRI-CAP feeds are converted into the same structs, so one validator serves both. Decoding checks
only shape and lengths; rules that must reject a single record rather than the whole sync (negative
costs, bad postcodes, unknown RQF levels, ...) live in `service.courses.logic`.
"""

from datetime import date
from typing import Annotated, Literal

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
