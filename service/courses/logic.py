"""Validation of a catalogue sync, record by record, without touching the database.

Structs built in Python (the XCRI importer) skip msgspec's decode-time constraints, so every rule
those constraints express is checked again here: this is the one gate before the store.
"""

import hashlib
import re
from typing import get_args

import msgspec

from service.courses.schemas import (
    ESCO_SKILL_PREFIX,
    RQF_LEVELS,
    AttendancePattern,
    Band,
    CatalogueIn,
    CourseIn,
    Delivery,
    PresentationIn,
    RejectedRecord,
    StudyMode,
)
from service.errors import Invalid
from service.vocabulary import MAX_PENCE

MAX_REF_LENGTH = 200
MAX_TITLE_LENGTH = 500
# Texts feed the full-text vectors (title, subjects, description), which PostgreSQL caps at 1 MB;
# these limits keep the worst case (4-byte characters, no repeats) well under it, so that one
# over-long record is rejected instead of failing the whole sync. Real courses are far shorter.
MAX_DESCRIPTION_LENGTH = 100_000  # also learning_outcomes
MAX_SUBJECTS = 200
MAX_SUBJECT_LENGTH = 200
MAX_QUALIFICATION_LENGTH = 500
MAX_URL_LENGTH = 2000  # url and apply_url
# Far above any real class size (fees: vocabulary.MAX_PENCE); they keep nonsense out of the
# bigint columns and reports.
MAX_PLACES = 100_000

_BANDS: dict[str, Band] = {
    **dict.fromkeys(("E1", "E2", "E3", "1", "2"), "introductory"),
    **dict.fromkeys(("3", "4"), "intermediate"),
    **dict.fromkeys(("5", "6", "7", "8"), "advanced"),
}

_POSTCODE = re.compile(r"([A-Z]{1,2}[0-9][A-Z0-9]?) ?([0-9][A-Z]{2})")
_WEB_URL = re.compile(r"https?://\S+", re.IGNORECASE)

_CHOICES = {
    "study_mode": get_args(StudyMode),
    "attendance_pattern": get_args(AttendancePattern),
    "delivery": get_args(Delivery),
}


MAX_FEED_URL_BYTES = 2000


def check_feed_url(url: str) -> None:
    """Feed URLs are unique per college through a btree index, whose entries PostgreSQL caps
    at about 2,700 bytes: 2,000 characters of 3-byte text would not fit, so bytes count too."""
    size = len(url.encode())
    if size > MAX_FEED_URL_BYTES:
        raise Invalid.on_field("url", f"must be at most {MAX_FEED_URL_BYTES} bytes in UTF-8 "
                               f"(is {size}); percent-encode it or use a shorter URL")


def band_for_level(rqf_level: str | None) -> Band | None:
    """The published band of an RQF level: Entry to 2, 3 to 4, 5 to 8 (DESIGN section 6)."""
    return _BANDS.get(rqf_level) if rqf_level is not None else None


def band_for_search(level: str | None, band: Band | None) -> tuple[Band | None, bool]:
    """The band a search filters on besides the level, and whether any course can match: a
    level implies its band, so with both given the band adds nothing, or excludes everything."""
    if level is None or band is None:
        return band, True
    return None, band_for_level(level) == band


def is_web_url(value: str) -> bool:
    """Only web links: a `javascript:` or `data:` URL shown as a link would run in a browser."""
    return _WEB_URL.fullmatch(value) is not None


def normalise_postcode(value: str) -> str | None:
    """`"pl6 7fh"` -> `"PL6 7FH"`; None when it is not shaped like a UK postcode."""
    match = _POSTCODE.fullmatch(" ".join(value.upper().split()))
    return f"{match[1]} {match[2]}" if match else None


def validate_catalogue(cat: CatalogueIn) -> tuple[list[CourseIn], list[RejectedRecord]]:
    """Split a sync into normalised valid courses and rejected ones, each with every reason.

    A repeated course ref keeps its first occurrence; later ones are rejected, because applying
    both would let the last silently overwrite the first.
    """
    valid: list[CourseIn] = []
    rejected: list[RejectedRecord] = []
    first_index_of_ref: dict[str, int] = {}
    for index, submitted in enumerate(cat.courses):
        course = normalise_course(submitted)
        reasons = course_problems(course)
        if course.ref in first_index_of_ref:
            reasons.insert(
                0, f"ref: duplicate of the course at index {first_index_of_ref[course.ref]}"
            )
        elif course.ref:
            first_index_of_ref[course.ref] = index
        if reasons:
            rejected.append(RejectedRecord(ref=course.ref or None, index=index, reasons=reasons))
        else:
            valid.append(course)
    return valid, rejected


def content_hash(course: CourseIn) -> str:
    """A stable digest of everything a college sent for a course, to skip unchanged records."""
    return hashlib.sha256(msgspec.json.encode(course, order="sorted")).hexdigest()


def normalise_course(course: CourseIn) -> CourseIn:
    return msgspec.structs.replace(
        course,
        ref=course.ref.strip(),
        title=course.title.strip(),
        description=course.description.strip(),
        subjects=_distinct_non_empty(course.subjects),
        rqf_level=_normalise_level(course.rqf_level),
        qualification=_optional(course.qualification),
        skill_uris=_distinct_non_empty(course.skill_uris),
        learning_outcomes=course.learning_outcomes.strip(),
        url=_optional(course.url),
        presentations=[normalise_presentation(p) for p in course.presentations],
    )


def normalise_presentation(presentation: PresentationIn) -> PresentationIn:
    postcode = _optional(presentation.venue_postcode)
    return msgspec.structs.replace(
        presentation,
        ref=presentation.ref.strip(),
        venue_postcode=(normalise_postcode(postcode) or postcode) if postcode else None,
        apply_url=_optional(presentation.apply_url),
    )


def course_problems(course: CourseIn) -> list[str]:
    """Every rule a normalised course breaks, as "field: what is wrong"."""
    problems = _text_problems("ref", course.ref, MAX_REF_LENGTH)
    problems += _text_problems("title", course.title, MAX_TITLE_LENGTH)
    problems += _length_problems("description", course.description, MAX_DESCRIPTION_LENGTH)
    problems += _length_problems("learning_outcomes", course.learning_outcomes,
                                 MAX_DESCRIPTION_LENGTH)
    problems += _length_problems("qualification", course.qualification,
                                 MAX_QUALIFICATION_LENGTH)
    if len(course.subjects) > MAX_SUBJECTS:
        problems.append(f"subjects: at most {MAX_SUBJECTS} (are {len(course.subjects)})")
    for i, subject in enumerate(course.subjects):
        problems += _length_problems(f"subjects[{i}]", subject, MAX_SUBJECT_LENGTH)
    if course.rqf_level is not None and course.rqf_level not in RQF_LEVELS:
        problems.append(
            f"rqf_level: {course.rqf_level!r} is not an RQF level (E1, E2, E3 or 1 to 8)"
        )
    problems += [
        f"skill_uris[{i}]: must start with {ESCO_SKILL_PREFIX}"
        for i, uri in enumerate(course.skill_uris)
        if not uri.startswith(ESCO_SKILL_PREFIX)
    ]
    problems += _url_problems("url", course.url)
    problems += _nul_problems(course)
    first_index_of_ref: dict[str, int] = {}
    for i, presentation in enumerate(course.presentations):
        problems += presentation_problems(f"presentations[{i}]", presentation)
        if presentation.ref in first_index_of_ref:
            first = first_index_of_ref[presentation.ref]
            problems.append(f"presentations[{i}].ref: duplicate of presentations[{first}]")
        elif presentation.ref:
            first_index_of_ref[presentation.ref] = i
    return problems


def presentation_problems(path: str, presentation: PresentationIn) -> list[str]:
    problems = _text_problems(f"{path}.ref", presentation.ref, MAX_REF_LENGTH)
    for field, choices in _CHOICES.items():
        value = getattr(presentation, field)
        if value is not None and value not in choices:
            problems.append(f"{path}.{field}: {value!r} is not one of {', '.join(choices)}")
    problems += _count_problems(f"{path}.cost_pence", presentation.cost_pence, MAX_PENCE)
    problems += _count_problems(f"{path}.places", presentation.places, MAX_PLACES)
    problems += _count_problems(f"{path}.min_places", presentation.min_places, MAX_PLACES)
    if (presentation.min_places is not None and presentation.places is not None
            and presentation.min_places > presentation.places):
        problems.append(f"{path}.min_places: {presentation.min_places} is more than places "
                        f"{presentation.places}")
    starts, ends = presentation.starts_on, presentation.ends_on
    if starts is not None and ends is not None and ends < starts:
        problems.append(f"{path}.ends_on: {ends} is before starts_on {starts}")
    postcode = presentation.venue_postcode
    if postcode is not None and normalise_postcode(postcode) != postcode:
        problems.append(f"{path}.venue_postcode: {postcode!r} is not a UK postcode")
    problems += _url_problems(f"{path}.apply_url", presentation.apply_url)
    return problems


def _text_problems(field: str, value: str, max_length: int) -> list[str]:
    if not value:
        return [f"{field}: must not be empty"]
    if len(value) > max_length:
        return [f"{field}: must be at most {max_length} characters (is {len(value)})"]
    return []


def _count_problems(field: str, value: int | None, maximum: int) -> list[str]:
    if value is not None and value < 0:
        return [f"{field}: must not be negative"]
    if value is not None and value > maximum:
        return [f"{field}: must be at most {maximum}"]
    return []


def _length_problems(field: str, value: str | None, max_length: int) -> list[str]:
    if value is not None and len(value) > max_length:
        return [f"{field}: must be at most {max_length} characters (is {len(value)})"]
    return []


def _url_problems(field: str, value: str | None) -> list[str]:
    if value is None:
        return []
    if len(value) > MAX_URL_LENGTH:
        return [f"{field}: must be at most {MAX_URL_LENGTH} characters (is {len(value)})"]
    if is_web_url(value):
        return []
    return [f"{field}: must be an http or https URL"]


def _nul_problems(course: CourseIn) -> list[str]:
    """PostgreSQL text cannot hold U+0000, so such a record could never be stored."""
    return [f"{field}: must not contain NUL characters" for field in _fields_with_nul(course)]


def _fields_with_nul(course: CourseIn) -> list[str]:
    fields = [
        name
        for name in ("ref", "title", "description", "qualification", "learning_outcomes", "url")
        if "\x00" in (getattr(course, name) or "")
    ]
    fields += [f"subjects[{i}]" for i, s in enumerate(course.subjects) if "\x00" in s]
    fields += [f"skill_uris[{i}]" for i, s in enumerate(course.skill_uris) if "\x00" in s]
    for i, presentation in enumerate(course.presentations):
        fields += [
            f"presentations[{i}].{name}"
            for name in ("ref", "venue_postcode", "apply_url")
            if "\x00" in (getattr(presentation, name) or "")
        ]
    return fields


def _normalise_level(value: str | None) -> str | None:
    """Accept "e2" as E2, but keep an unknown level as sent so the rejection quotes it."""
    level = _optional(value)
    return level.upper() if level and level.upper() in RQF_LEVELS else level


def _optional(value: str | None) -> str | None:
    stripped = value.strip() if value is not None else ""
    return stripped or None


def _distinct_non_empty(values: list[str]) -> list[str]:
    return list(dict.fromkeys(v.strip() for v in values if v.strip()))
