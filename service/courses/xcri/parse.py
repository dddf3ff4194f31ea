"""Import XCRI-CAP 1.2 feeds, the UK standard for course adverts, into the native catalogue.

Feeds come from outside, so the XML is read by `safe_xml` (no DTD, no entity declaration, no
external reference). Whatever cannot be mapped is left empty and explained in `warnings`, so the
college sees it in the sync report instead of Ladder guessing. This module maps the catalogue's
structure; `text`, `vocabularies` and `values` read what is inside its elements.
"""

import re
from xml.etree.ElementTree import Element

import msgspec

from service.courses.schemas import ESCO_SKILL_PREFIX, CatalogueIn, CourseIn, PresentationIn
from service.courses.xcri.elements import (
    MLO,
    XCRI,
    Notes,
    children,
    dc,
    first,
    local,
    raw_text,
    tag,
    xsi_type,
)
from service.courses.xcri.safe_xml import FeedError, parse_xml
from service.courses.xcri.text import plain_text, rich_text
from service.courses.xcri.values import (
    cost_in,
    date_in,
    places_in,
    postcode_in,
    venue_postcode,
    web_url_in,
)
from service.courses.xcri.vocabularies import (
    DELIVERY,
    PATTERNS,
    STUDY_MODES,
    rqf_level,
    vocabulary,
)


class ParsedFeed(msgspec.Struct):
    """The feed as a native catalogue, plus what could not be mapped, for the sync report."""

    catalogue: CatalogueIn
    provider_ukprn: str | None
    provider_name: str | None
    warnings: list[str]


def parse_xcri(data: bytes) -> ParsedFeed:
    """Read the first provider of an XCRI-CAP 1.2 feed; raise FeedError if it is not one."""
    root = parse_xml(data)
    if root.tag != tag(XCRI, "catalog"):
        raise FeedError(
            f"the root element is <{local(root.tag)}>, not an XCRI-CAP 1.2 <catalog> in the "
            f"namespace {XCRI}"
        )
    warnings: list[str] = []
    providers = children(root, tag(XCRI, "provider"))
    if not providers:
        warnings.append("the feed lists no provider, so it has no courses")
        return ParsedFeed(CatalogueIn(courses=[]), None, None, warnings)
    provider = providers[0]
    name = plain_text(first(provider, *dc("title"))) or None
    if len(providers) > 1:
        warnings.append(
            f"the feed lists {len(providers)} providers; only the first ({name}) was read"
        )
    postcode = postcode_in(provider.find(f"{tag(MLO, 'location')}/{tag(MLO, 'postcode')}"))
    courses = [
        _course(element, index, postcode, warnings)
        for index, element in enumerate(children(provider, tag(XCRI, "course")))
    ]
    return ParsedFeed(CatalogueIn(courses, provider_name=name), _ukprn(provider), name, warnings)


# --- provider -----------------------------------------------------------------------------------

_UKPRN = re.compile(r"1\d{7}")


def _ukprn(provider: Element) -> str | None:
    identifiers = children(provider, *dc("identifier"))
    typed = [i for i in identifiers if xsi_type(i) == "ukprn"]
    for identifier in (*typed, *identifiers):
        text = raw_text(identifier)
        if _UKPRN.fullmatch(text):
            return text
    return None


def _identifier(element: Element) -> str:
    """The college's own id (courseDataProgramme internalID) first, else the plain dc:identifier."""
    identifiers = children(element, *dc("identifier"))
    internal = [i for i in identifiers if xsi_type(i) == "internalid"]
    untyped = [i for i in identifiers if not xsi_type(i)]
    for identifier in (*internal, *untyped, *identifiers):
        if text := raw_text(identifier):
            return text
    return ""


def _record_name(kind: str, ref: str, index: int) -> str:
    return f"{kind} {ref!r}" if ref else f"{kind} #{index}"


# --- course -------------------------------------------------------------------------------------

_KEPT_DESCRIPTION_TYPES = frozenset({"structure", "topic", "specialfeature"})


def _course(
    element: Element, index: int, provider_postcode: str | None, sink: list[str]
) -> CourseIn:
    ref = _identifier(element)
    notes = Notes(_record_name("course", ref, index), sink)
    qualification = first(element, tag(MLO, "qualification"))
    subjects = children(element, *dc("subject"))
    presentations = children(element, tag(XCRI, "presentation"))
    return CourseIn(
        ref=ref,
        title=plain_text(first(element, *dc("title"))),
        description=_description(element),
        subjects=_subjects(subjects),
        rqf_level=rqf_level(element, notes),
        qualification=plain_text(first(qualification, *dc("title"))) or None,
        skill_uris=_skill_uris(subjects),
        learning_outcomes=rich_text(children(element, tag(XCRI, "learningOutcome"))),
        url=web_url_in(first(element, tag(MLO, "url")), "url", notes),
        presentations=[
            _presentation(p, i, provider_postcode, notes) for i, p in enumerate(presentations)
        ],
    )


def _description(course: Element) -> str:
    """The main description (or the abstract), then aims and course structure, as paragraphs.

    Other refinements (teaching strategy, leads-to, support, keywords) say how or what next,
    not what is taught, so they would mislead skill inference.
    """
    descriptions = children(course, *dc("description"))
    main = [d for d in descriptions if not xsi_type(d)]
    content = [d for d in descriptions if xsi_type(d) in _KEPT_DESCRIPTION_TYPES]
    return rich_text(
        [
            *(main or children(course, tag(XCRI, "abstract"))),
            *children(course, tag(MLO, "objective")),
            *content,
        ]
    )


def _subjects(elements: list[Element]) -> list[str]:
    """Typed subjects are labels; untyped ones are often comma-separated keyword lists."""
    subjects: dict[str, None] = {}
    for element in elements:
        text = plain_text(element)
        if text.startswith(ESCO_SKILL_PREFIX):
            continue
        parts = text.split(",") if not xsi_type(element) else [text]
        subjects.update(dict.fromkeys(p.strip() for p in parts if p.strip()))
    return list(subjects)


def _skill_uris(subjects: list[Element]) -> list[str]:
    candidates = (v for s in subjects for v in (s.get("identifier", ""), raw_text(s)))
    return list(dict.fromkeys(v.strip() for v in candidates if v.startswith(ESCO_SKILL_PREFIX)))


# --- presentation -------------------------------------------------------------------------------


def _presentation(
    element: Element, index: int, provider_postcode: str | None, course_notes: Notes
) -> PresentationIn:
    ref = _identifier(element)
    notes = course_notes.within(_record_name("presentation", ref, index))
    delivery = vocabulary(
        first(element, tag(XCRI, "attendanceMode")), DELIVERY, "attendanceMode", notes
    )
    venue = element.find(
        f"{tag(XCRI, 'venue')}/{tag(XCRI, 'provider')}/{tag(MLO, 'location')}/"
        f"{tag(MLO, 'postcode')}"
    )
    return PresentationIn(
        ref=ref,
        starts_on=date_in(first(element, tag(MLO, "start")), "start", notes),
        ends_on=date_in(first(element, tag(XCRI, "end"), tag(MLO, "end")), "end", notes),
        study_mode=vocabulary(
            first(element, tag(XCRI, "studyMode")), STUDY_MODES, "studyMode", notes
        ),
        attendance_pattern=vocabulary(
            first(element, tag(XCRI, "attendancePattern")), PATTERNS, "attendancePattern", notes
        ),
        delivery=delivery,
        cost_pence=cost_in(element, notes),
        places=places_in(first(element, tag(MLO, "places")), notes),
        # XCRI-CAP: without a venue, the provider's own address applies (unless it is online).
        venue_postcode=venue_postcode(venue, provider_postcode, delivery, notes),
        apply_url=web_url_in(first(element, tag(XCRI, "applyTo")), "applyTo", notes),
    )
