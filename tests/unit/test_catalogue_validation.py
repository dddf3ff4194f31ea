"""Catalogue validation: every rejection rule, duplicates, normalisation, and a property test."""

from datetime import date

import msgspec
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from service.courses.logic import (
    band_for_level,
    band_for_search,
    content_hash,
    validate_catalogue,
)
from service.courses.schemas import CatalogueIn, CourseIn, PresentationIn, RejectedRecord

SKILL = "http://data.europa.eu/esco/skill/ccd0a1d9-afda-43d9-b901-96344886e14d"


def presentation(**changes: object) -> PresentationIn:
    fields: dict[str, object] = {
        "ref": "16PSEP2MECH",
        "starts_on": date(2026, 9, 7),
        "ends_on": date(2027, 6, 25),
        "study_mode": "part_time",
        "attendance_pattern": "evening",
        "delivery": "classroom",
        "cost_pence": 45_000,
        "places": 12,
        "venue_postcode": "PL6 7FH",
        "apply_url": "https://college.example/apply/16PSEP2MECH",
    }
    return PresentationIn(**{**fields, **changes})


def course(**changes: object) -> CourseIn:
    fields: dict[str, object] = {
        "ref": "211418",
        "title": "Engineering Technology Diploma Level 2",
        "description": "Hands-on engineering.\n\nSix units.",
        "subjects": ["engineering"],
        "rqf_level": "2",
        "qualification": "EMTA Diploma Level 2",
        "skill_uris": [SKILL],
        "learning_outcomes": "Progress to level 3.",
        "url": "https://college.example/course/211418",
        "presentations": [presentation()],
    }
    return CourseIn(**{**fields, **changes})


def reasons_for(candidate: CourseIn) -> list[str]:
    valid, rejected = validate_catalogue(CatalogueIn(courses=[candidate]))
    assert len(valid) + len(rejected) == 1
    return rejected[0].reasons if rejected else []


def test_a_valid_catalogue_passes_unchanged() -> None:
    catalogue = CatalogueIn(
        courses=[
            course(),
            course(ref="104236", rqf_level="E2", presentations=[]),
            course(ref="9", rqf_level=None, skill_uris=[], url=None, qualification=None),
        ],
        provider_name="Cornwall College",
    )
    valid, rejected = validate_catalogue(catalogue)
    assert valid == catalogue.courses
    assert rejected == []


@pytest.mark.parametrize(
    ("candidate", "reason"),
    [
        (course(title=""), "title: must not be empty"),
        (course(title="   \n"), "title: must not be empty"),
        (course(title="x" * 501), "title: must be at most 500 characters (is 501)"),
        (course(ref=""), "ref: must not be empty"),
        (course(ref="r" * 201), "ref: must be at most 200 characters (is 201)"),
        (course(rqf_level="9"), "rqf_level: '9' is not an RQF level (E1, E2, E3 or 1 to 8)"),
        (course(rqf_level="Level 3"), "rqf_level: 'Level 3' is not an RQF level"),
        (course(rqf_level="E4"), "rqf_level: 'E4' is not an RQF level"),
        (
            course(presentations=[presentation(cost_pence=-1)]),
            "presentations[0].cost_pence: must not be negative",
        ),
        (
            course(presentations=[presentation(places=-3)]),
            "presentations[0].places: must not be negative",
        ),
        (
            course(presentations=[presentation(cost_pence=2**63)]),
            "presentations[0].cost_pence: must be at most 100000000",
        ),
        (
            course(presentations=[presentation(places=10**6)]),
            "presentations[0].places: must be at most 100000",
        ),
        (
            course(
                presentations=[presentation(starts_on=date(2026, 9, 7), ends_on=date(2026, 9, 6))]
            ),
            "presentations[0].ends_on: 2026-09-06 is before starts_on 2026-09-07",
        ),
        (
            course(presentations=[presentation(), presentation(ref="B"), presentation()]),
            "presentations[2].ref: duplicate of presentations[0]",
        ),
        (
            course(presentations=[presentation(ref="")]),
            "presentations[0].ref: must not be empty",
        ),
        (
            course(presentations=[presentation(venue_postcode="PL6")]),
            "presentations[0].venue_postcode: 'PL6' is not a UK postcode",
        ),
        (
            course(presentations=[presentation(venue_postcode="12345")]),
            "presentations[0].venue_postcode: '12345' is not a UK postcode",
        ),
        (
            course(skill_uris=[SKILL, "http://data.europa.eu/esco/occupation/123"]),
            "skill_uris[1]: must start with http://data.europa.eu/esco/skill/",
        ),
        (course(skill_uris=["weld"]), "skill_uris[0]: must start with http://data.europa.eu/esco/"),
        (course(url="javascript:alert(1)"), "url: must be an http or https URL"),
        (
            course(presentations=[presentation(apply_url="ftp://college.example/")]),
            "presentations[0].apply_url: must be an http or https URL",
        ),
        (
            course(presentations=[presentation(study_mode="sometimes")]),
            "presentations[0].study_mode: 'sometimes' is not one of full_time, part_time, flexible",
        ),
        (course(description="nul \x00 byte"), "description: must not contain NUL characters"),
    ],
)
def test_each_rule_rejects_the_course_naming_the_field(candidate: CourseIn, reason: str) -> None:
    reasons = reasons_for(candidate)
    assert any(r.startswith(reason) for r in reasons), reasons


def test_every_reason_is_reported_at_once() -> None:
    candidate = course(
        title="",
        rqf_level="0",
        skill_uris=["nope"],
        presentations=[
            presentation(cost_pence=-100, places=-1, venue_postcode="nowhere"),
            presentation(ref="16PSEP2MECH", ends_on=date(2020, 1, 1)),
        ],
    )
    assert reasons_for(candidate) == [
        "title: must not be empty",
        "rqf_level: '0' is not an RQF level (E1, E2, E3 or 1 to 8)",
        "skill_uris[0]: must start with http://data.europa.eu/esco/skill/",
        "presentations[0].cost_pence: must not be negative",
        "presentations[0].places: must not be negative",
        "presentations[0].venue_postcode: 'nowhere' is not a UK postcode",
        "presentations[1].ends_on: 2020-01-01 is before starts_on 2026-09-07",
        "presentations[1].ref: duplicate of presentations[0]",
    ]


def test_duplicate_course_refs_keep_only_the_first() -> None:
    catalogue = CatalogueIn(
        courses=[
            course(ref="A", title="First"),
            course(ref="B"),
            course(ref="A", title="Second"),
            course(ref=" A ", title="Third"),
        ]
    )
    valid, rejected = validate_catalogue(catalogue)
    assert [(c.ref, c.title) for c in valid] == [("A", "First"), ("B", catalogue.courses[1].title)]
    assert rejected == [
        RejectedRecord(ref="A", index=2, reasons=["ref: duplicate of the course at index 0"]),
        RejectedRecord(ref="A", index=3, reasons=["ref: duplicate of the course at index 0"]),
    ]


def test_a_duplicate_of_an_invalid_first_course_is_still_a_duplicate() -> None:
    valid, rejected = validate_catalogue(
        CatalogueIn(courses=[course(ref="A", title=""), course(ref="A")])
    )
    assert valid == []
    assert [(r.index, r.reasons) for r in rejected] == [
        (0, ["title: must not be empty"]),
        (1, ["ref: duplicate of the course at index 0"]),
    ]


def test_an_empty_ref_is_rejected_with_ref_none() -> None:
    _, rejected = validate_catalogue(CatalogueIn(courses=[course(ref="  ")]))
    assert rejected == [RejectedRecord(ref=None, index=0, reasons=["ref: must not be empty"])]


def test_valid_records_come_back_normalised() -> None:
    submitted = course(
        ref=" 211418 ",
        title="  Engineering  ",
        description="\n Text \n",
        subjects=[" engineering ", "", "engineering", "maths"],
        rqf_level=" e2 ",
        qualification="  ",
        skill_uris=[f" {SKILL} "],
        url="",
        presentations=[presentation(ref=" P1 ", venue_postcode=" pl6   7fh ", apply_url=" ")],
    )
    (normalised,), rejected = validate_catalogue(CatalogueIn(courses=[submitted]))
    assert rejected == []
    assert normalised.ref == "211418"
    assert normalised.title == "Engineering"
    assert normalised.description == "Text"
    assert normalised.subjects == ["engineering", "maths"]
    assert normalised.rqf_level == "E2"
    assert normalised.qualification is None
    assert normalised.skill_uris == [SKILL]
    assert normalised.url is None
    assert normalised.presentations[0].ref == "P1"
    assert normalised.presentations[0].venue_postcode == "PL6 7FH"
    assert normalised.presentations[0].apply_url is None


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [
        ("PL67FH", "PL6 7FH"),
        ("sw1a 1aa", "SW1A 1AA"),
        ("M1 1AE", "M1 1AE"),
        ("EC1A1BB", "EC1A 1BB"),
    ],
)
def test_postcodes_are_normalised(raw: str, normalised: str) -> None:
    (valid,), _ = validate_catalogue(
        CatalogueIn(courses=[course(presentations=[presentation(venue_postcode=raw)])])
    )
    assert valid.presentations[0].venue_postcode == normalised


def test_zero_cost_and_places_and_open_ended_dates_are_valid() -> None:
    free = presentation(cost_pence=0, places=0, starts_on=None, ends_on=date(2020, 1, 1))
    same_day = presentation(ref="B", starts_on=date(2026, 1, 1), ends_on=date(2026, 1, 1))
    assert reasons_for(course(presentations=[free, same_day])) == []


@pytest.mark.parametrize(
    ("level", "band"),
    [
        ("E1", "introductory"),
        ("E3", "introductory"),
        ("1", "introductory"),
        ("2", "introductory"),
        ("3", "intermediate"),
        ("4", "intermediate"),
        ("5", "advanced"),
        ("8", "advanced"),
        (None, None),
        ("9", None),
    ],
)
def test_band_for_level(level: str | None, band: str | None) -> None:
    assert band_for_level(level) == band


@pytest.mark.parametrize(
    ("level", "band", "expected"),
    [
        (None, None, (None, True)),
        (None, "advanced", ("advanced", True)),
        ("3", None, (None, True)),
        ("3", "intermediate", (None, True)),  # implied by the level
        ("3", "advanced", (None, False)),  # no course has both
    ],
)
def test_band_for_search(level: str | None, band: str | None, expected: tuple) -> None:
    assert band_for_search(level, band) == expected


def test_json_decoding_checks_shape_but_leaves_record_rules_to_validation() -> None:
    body = b"""{"courses": [{"ref": "A", "title": "T",
                 "presentations": [{"ref": "P", "cost_pence": -5, "starts_on": "2026-09-07"}]}]}"""
    catalogue = msgspec.json.decode(body, type=CatalogueIn)
    assert catalogue.courses[0].presentations[0].starts_on == date(2026, 9, 7)
    assert reasons_for(catalogue.courses[0]) == [
        "presentations[0].cost_pence: must not be negative"
    ]
    with pytest.raises(msgspec.ValidationError, match="unknown field `colour`"):
        msgspec.json.decode(
            b'{"courses": [{"ref": "A", "title": "T", "colour": 1}]}', type=CatalogueIn
        )
    with pytest.raises(msgspec.ValidationError, match="length >= 1"):
        msgspec.json.decode(b'{"courses": [{"ref": "", "title": "T"}]}', type=CatalogueIn)
    with pytest.raises(msgspec.ValidationError, match="Expected `str` of length <= 500"):
        msgspec.json.decode(
            b'{"courses": [{"ref": "A", "title": "' + b"x" * 501 + b'"}]}', type=CatalogueIn
        )
    with pytest.raises(msgspec.ValidationError, match="delivery"):
        msgspec.json.decode(
            b'{"courses": [{"ref": "A", "title": "T", "presentations": '
            b'[{"ref": "P", "delivery": "by pigeon"}]}]}',
            type=CatalogueIn,
        )


def test_content_hash_is_stable_and_sensitive_to_every_field() -> None:
    digest = content_hash(course())
    assert digest == content_hash(course())
    assert len(digest) == 64 and int(digest, 16) >= 0
    assert content_hash(course(title="Other")) != digest
    assert content_hash(course(presentations=[presentation(places=13)])) != digest
    assert content_hash(course(subjects=["engineering", "maths"])) != digest


def test_content_hash_does_not_depend_on_how_the_course_was_built() -> None:
    decoded = msgspec.json.decode(msgspec.json.encode(course()), type=CourseIn)
    assert content_hash(decoded) == content_hash(course())


# --- property ----------------------------------------------------------------------------------

refs = st.sampled_from(["A", "B", " A ", "", "  ", "r" * 201]) | st.text(max_size=8)
maybe_text = st.none() | st.sampled_from(["", " x ", "https://ok.example/", "javascript:x"])
postcodes = (
    st.none() | st.sampled_from(["PL6 7FH", "pl67fh", "", "XX", "SW1A 1AA "]) | st.text(max_size=9)
)
small_ints = st.none() | st.integers(min_value=-3, max_value=3) | st.integers()
dates = st.none() | st.dates(min_value=date(2020, 1, 1), max_value=date(2020, 1, 10))

presentations = st.builds(
    PresentationIn,
    ref=refs,
    starts_on=dates,
    ends_on=dates,
    study_mode=st.none() | st.sampled_from(["full_time", "part_time", "flexible", "bogus"]),
    attendance_pattern=st.none() | st.sampled_from(["daytime", "evening", "weekend", "?"]),
    delivery=st.none() | st.sampled_from(["classroom", "online", "blended", "work_based", "?"]),
    cost_pence=small_ints,
    places=small_ints,
    venue_postcode=postcodes,
    apply_url=maybe_text,
)

courses = st.builds(
    CourseIn,
    ref=refs,
    title=st.sampled_from(["", " ", "Title", "t" * 501]) | st.text(max_size=12),
    description=st.text(max_size=12),
    subjects=st.lists(st.text(max_size=5), max_size=3),
    rqf_level=st.none() | st.sampled_from(["E1", "e3", "3", " 8 ", "9", "", "Level 2"]),
    qualification=maybe_text,
    skill_uris=st.lists(st.sampled_from([SKILL, f" {SKILL}", "", "http://x/"]), max_size=3),
    learning_outcomes=st.text(max_size=5),
    url=maybe_text,
    presentations=st.lists(presentations, max_size=4),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(courses, max_size=6))
def test_every_course_is_either_valid_or_rejected_exactly_once(generated: list[CourseIn]) -> None:
    valid, rejected = validate_catalogue(CatalogueIn(courses=generated))
    assert len(valid) + len(rejected) == len(generated)
    rejected_indexes = [r.index for r in rejected]
    assert len(set(rejected_indexes)) == len(rejected_indexes)
    assert all(0 <= i < len(generated) for i in rejected_indexes)
    assert all(r.reasons for r in rejected)
    assert len({c.ref for c in valid}) == len(valid)
    assert validate_catalogue(CatalogueIn(courses=valid)) == (valid, [])
