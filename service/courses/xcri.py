"""Import XCRI-CAP 1.2 feeds, the UK standard for course adverts, into the native catalogue.

Feeds come from outside, so the XML is parsed with defusedxml: no DTD, no entity declaration, no
external reference. Whatever cannot be mapped is left empty and explained in `warnings`, so the
college sees it in the sync report instead of Ladder guessing.
"""

import re
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from html.parser import HTMLParser
from typing import TypeVar
from xml.etree.ElementTree import Element, ParseError

import defusedxml.ElementTree as safe_xml
import msgspec
from defusedxml import DefusedXmlException

from service.courses.logic import is_web_url, normalise_postcode
from service.courses.schemas import (
    ESCO_SKILL_PREFIX,
    AttendancePattern,
    CatalogueIn,
    CourseIn,
    Delivery,
    PresentationIn,
    StudyMode,
)

XCRI = "http://xcri.org/profiles/1.2/catalog"
MLO = "http://purl.org/net/mlo"
DC = "http://purl.org/dc/elements/1.1/"
DCTERMS = "http://purl.org/dc/terms/"
CREDIT = "http://purl.org/net/cm"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
COSTS_EXTENSION = "http://xcri.co.uk/CostsExtension"

T = TypeVar("T")


class FeedError(ValueError):
    """The bytes are not a readable XCRI-CAP 1.2 feed; the message is written for the college."""


class ParsedFeed(msgspec.Struct):
    """The feed as a native catalogue, plus what could not be mapped, for the sync report."""

    catalogue: CatalogueIn
    provider_ukprn: str | None
    provider_name: str | None
    warnings: list[str]


def parse_xcri(data: bytes) -> ParsedFeed:
    """Read the first provider of an XCRI-CAP 1.2 feed; raise FeedError if it is not one."""
    root = _parse_xml(data)
    if root.tag != _tag(XCRI, "catalog"):
        raise FeedError(
            f"the root element is <{_local(root.tag)}>, not an XCRI-CAP 1.2 <catalog> in the "
            f"namespace {XCRI}"
        )
    warnings: list[str] = []
    providers = _children(root, _tag(XCRI, "provider"))
    if not providers:
        warnings.append("the feed lists no provider, so it has no courses")
        return ParsedFeed(CatalogueIn(courses=[]), None, None, warnings)
    provider = providers[0]
    name = _plain_text(_first(provider, *_dc("title"))) or None
    if len(providers) > 1:
        warnings.append(
            f"the feed lists {len(providers)} providers; only the first ({name}) was read"
        )
    postcode = _postcode(provider.find(f"{_tag(MLO, 'location')}/{_tag(MLO, 'postcode')}"))
    courses = [
        _course(element, index, postcode, warnings)
        for index, element in enumerate(_children(provider, _tag(XCRI, "course")))
    ]
    return ParsedFeed(CatalogueIn(courses, provider_name=name), _ukprn(provider), name, warnings)


# --- safe parsing -------------------------------------------------------------------------------

_HTML_START = re.compile(
    rb"\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html)[\s>]", re.I | re.S
)
_LATIN1_DECLARATION = re.compile(
    rb"""(\s*<\?xml[^>]*?encoding\s*=\s*["'])(?:iso[-_]?8859-1|latin-?1|l1)(["'])""", re.I
)


def _parse_xml(data: bytes) -> Element:
    if not data.strip():
        raise FeedError("the feed is empty")
    if _HTML_START.match(data[:4096].removeprefix(b"\xef\xbb\xbf")):
        raise FeedError("this is an HTML page, not an XCRI-CAP feed; check the feed URL")
    try:
        return safe_xml.fromstring(
            _latin1_as_windows1252(data),
            forbid_dtd=True,
            forbid_entities=True,
            forbid_external=True,
        )
    except DefusedXmlException:
        raise FeedError(
            "the feed has a DTD or entity declaration; these are not allowed, because they can "
            "expand without limit or read other files"
        ) from None
    except ParseError as error:
        raise FeedError(f"the feed is not well-formed XML: {error}") from None
    except LookupError as error:
        raise FeedError(f"the feed declares an encoding that cannot be read: {error}") from None


def _latin1_as_windows1252(data: bytes) -> bytes:
    """Feeds that declare Latin-1 are usually Windows-1252 (curly quotes, dashes), as browsers
    assume; reading them as Latin-1 would turn those characters into control codes."""
    match = _LATIN1_DECLARATION.match(data)
    if match is None:
        return data
    try:
        data.decode("windows-1252")
    except UnicodeDecodeError:
        return data
    return match.expand(rb"\1windows-1252\2") + data[match.end() :]


# --- elements -----------------------------------------------------------------------------------


def _tag(namespace: str, name: str) -> str:
    return f"{{{namespace}}}{name}"


def _dc(name: str) -> tuple[str, str]:
    """Feeds use dc: and dcterms: for the same properties; accept both."""
    return _tag(DC, name), _tag(DCTERMS, name)


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _children(element: Element | None, *tags: str) -> list[Element]:
    return [] if element is None else [child for child in element if child.tag in tags]


def _first(element: Element | None, *tags: str) -> Element | None:
    return next(iter(_children(element, *tags)), None)


def _xsi_type(element: Element) -> str:
    """The local part of xsi:type: prefixes differ between feeds (and are sometimes empty)."""
    return element.get(_tag(XSI, "type"), "").rsplit(":", 1)[-1].lower()


def _raw_text(element: Element | None) -> str:
    return "".join(element.itertext()).strip() if element is not None else ""


# --- text from XHTML or escaped HTML ------------------------------------------------------------

_BLOCK_TAGS = frozenset(
    "address article aside blockquote br dd div dl dt figcaption figure footer h1 h2 h3 h4 h5 h6 "
    "header hr li main nav ol p pre section table tbody td tfoot th thead tr ul".split()
)
_HIDDEN_TAGS = frozenset({"script", "style", "template"})


class _Paragraphs:
    """Text gathered in document order, split into paragraphs of single-spaced words."""

    def __init__(self) -> None:
        self._paragraphs: list[str] = []
        self._pending: list[str] = []

    def add_text(self, text: str) -> None:
        self._pending.append(text)

    def add_markup(self, text: str) -> None:
        """Text may itself be escaped HTML (CDATA `<p>...</p>`, `&amp;nbsp;`)."""
        if "<" in text or "&" in text:
            reader = _HtmlText(self)
            reader.feed(text)
            reader.close()
        else:
            self.add_text(text)

    def end_paragraph(self) -> None:
        paragraph = " ".join("".join(self._pending).split())
        self._pending.clear()
        if paragraph:
            self._paragraphs.append(paragraph)

    def result(self) -> list[str]:
        self.end_paragraph()
        return self._paragraphs


class _HtmlText(HTMLParser):
    def __init__(self, sink: _Paragraphs) -> None:
        super().__init__(convert_charrefs=True)
        self._sink = sink
        self._hidden_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._on_tag(tag, opening=True)

    def handle_endtag(self, tag: str) -> None:
        self._on_tag(tag, opening=False)

    def handle_data(self, data: str) -> None:
        if not self._hidden_depth:
            self._sink.add_text(data)

    def _on_tag(self, tag: str, opening: bool) -> None:
        name = tag.rsplit(":", 1)[-1]
        if name in _HIDDEN_TAGS:
            self._hidden_depth = max(0, self._hidden_depth + (1 if opening else -1))
        elif name in _BLOCK_TAGS:
            self._sink.end_paragraph()


def _paragraphs(element: Element | None) -> list[str]:
    """Walk the element without recursion, so deeply nested markup cannot exhaust the stack."""
    sink = _Paragraphs()
    if element is None:
        return []
    pending: list[tuple[Element, bool]] = [(element, True)]
    while pending:
        node, opening = pending.pop()
        name = _local(node.tag).lower()
        if opening:
            if name in _HIDDEN_TAGS:
                pending.append((node, False))
                continue
            if node is not element and name in _BLOCK_TAGS:
                sink.end_paragraph()
            sink.add_markup(node.text or "")
            pending.append((node, False))
            pending.extend((child, True) for child in reversed(node))
        elif node is not element:
            if name in _BLOCK_TAGS:
                sink.end_paragraph()
            sink.add_markup(node.tail or "")
    return sink.result()


def _plain_text(element: Element | None) -> str:
    return " ".join(_paragraphs(element))


def _rich_text(elements: Iterable[Element]) -> str:
    distinct = dict.fromkeys(p for element in elements for p in _paragraphs(element))
    return "\n\n".join(distinct)


# --- provider -----------------------------------------------------------------------------------

_UKPRN = re.compile(r"1\d{7}")


def _ukprn(provider: Element) -> str | None:
    identifiers = _children(provider, *_dc("identifier"))
    typed = [i for i in identifiers if _xsi_type(i) == "ukprn"]
    for identifier in (*typed, *identifiers):
        text = _raw_text(identifier)
        if _UKPRN.fullmatch(text):
            return text
    return None


def _identifier(element: Element) -> str:
    """The college's own id (courseDataProgramme internalID) first, else the plain dc:identifier."""
    identifiers = _children(element, *_dc("identifier"))
    internal = [i for i in identifiers if _xsi_type(i) == "internalid"]
    untyped = [i for i in identifiers if not _xsi_type(i)]
    for identifier in (*internal, *untyped, *identifiers):
        if text := _raw_text(identifier):
            return text
    return ""


# --- warnings -----------------------------------------------------------------------------------


class _Notes:
    """Warnings prefixed with the record they are about."""

    def __init__(self, where: str, sink: list[str]) -> None:
        self.where = where
        self.sink = sink

    def add(self, message: str) -> None:
        self.sink.append(f"{self.where}: {message}")

    def within(self, where: str) -> "_Notes":
        return _Notes(f"{self.where}, {where}", self.sink)


def _record_name(kind: str, ref: str, index: int) -> str:
    return f"{kind} {ref!r}" if ref else f"{kind} #{index}"


# --- course -------------------------------------------------------------------------------------

_KEPT_DESCRIPTION_TYPES = frozenset({"structure", "topic", "specialfeature"})


def _course(
    element: Element, index: int, provider_postcode: str | None, sink: list[str]
) -> CourseIn:
    ref = _identifier(element)
    notes = _Notes(_record_name("course", ref, index), sink)
    qualification = _first(element, _tag(MLO, "qualification"))
    subjects = _children(element, *_dc("subject"))
    presentations = _children(element, _tag(XCRI, "presentation"))
    return CourseIn(
        ref=ref,
        title=_plain_text(_first(element, *_dc("title"))),
        description=_description(element),
        subjects=_subjects(subjects),
        rqf_level=_rqf_level(element, notes),
        qualification=_plain_text(_first(qualification, *_dc("title"))) or None,
        skill_uris=_skill_uris(subjects),
        learning_outcomes=_rich_text(_children(element, _tag(XCRI, "learningOutcome"))),
        url=_web_url(_first(element, _tag(MLO, "url")), "url", notes),
        presentations=[
            _presentation(p, i, provider_postcode, notes) for i, p in enumerate(presentations)
        ],
    )


def _description(course: Element) -> str:
    """The main description (or the abstract), then aims and course structure, as paragraphs.

    Other refinements (teaching strategy, leads-to, support, keywords) say how or what next,
    not what is taught, so they would mislead skill inference.
    """
    descriptions = _children(course, *_dc("description"))
    main = [d for d in descriptions if not _xsi_type(d)]
    content = [d for d in descriptions if _xsi_type(d) in _KEPT_DESCRIPTION_TYPES]
    return _rich_text(
        [
            *(main or _children(course, _tag(XCRI, "abstract"))),
            *_children(course, _tag(MLO, "objective")),
            *content,
        ]
    )


def _subjects(elements: list[Element]) -> list[str]:
    """Typed subjects are labels; untyped ones are often comma-separated keyword lists."""
    subjects: dict[str, None] = {}
    for element in elements:
        text = _plain_text(element)
        if text.startswith(ESCO_SKILL_PREFIX):
            continue
        parts = text.split(",") if not _xsi_type(element) else [text]
        subjects.update(dict.fromkeys(p.strip() for p in parts if p.strip()))
    return list(subjects)


def _skill_uris(subjects: list[Element]) -> list[str]:
    candidates = (v for s in subjects for v in (s.get("identifier", ""), _raw_text(s)))
    return list(dict.fromkeys(v.strip() for v in candidates if v.startswith(ESCO_SKILL_PREFIX)))


def _web_url(element: Element | None, field: str, notes: _Notes) -> str | None:
    text = _raw_text(element)
    if not text:
        return None
    if is_web_url(text):
        return text
    notes.add(f"{field} {text!r} is not an http(s) link; left empty")
    return None


# --- RQF level ----------------------------------------------------------------------------------

_ENTRY_UNSPECIFIED = "entry"
_NOT_APPLICABLE = "n/a"
_UNKNOWN_WORDS = frozenset(
    {"x", "unk", "nk", "na", "n a", "not known", "unknown", "not applicable"}
)

_SAME_AS_RQF = {str(n): str(n) for n in range(1, 9)}
_LEVELS_BY_FRAMEWORK: dict[str, dict[str, str]] = {
    **dict.fromkeys(("", "rqf", "nqf", "qcf", "fheq", "nvq", "ects"), _SAME_AS_RQF),
    # EQF 1 spans Entry 1-3 and EQF 5 spans RQF 4-5, so those two are left unmapped.
    "eqf": {"2": "1", "3": "2", "4": "3", "6": "6", "7": "7", "8": "8"},
    "scqf": dict(zip(map(str, range(1, 13)), "E1 E2 E3 1 2 3 4 5 6 6 7 8".split(), strict=True)),
}
_FRAMEWORKS = "|".join(sorted(filter(None, _LEVELS_BY_FRAMEWORK), key=len, reverse=True))
_CODE_ENTRY = re.compile(r"(?:level\s*)?(?:e|entry|entry\s*level)\s*-?\s*([1-3])")
_CODE_NUMBER = re.compile(rf"(?:({_FRAMEWORKS})\s*)?(?:level\s*|l)?(\d{{1,2}})")
_TEXT_ENTRY = re.compile(r"\bentry\s*(?:level\s*)?([1-3])\b", re.I)
_TEXT_LEVEL = re.compile(rf"\b(?:({_FRAMEWORKS})\s+)?level\s*(\d{{1,2}})\b", re.I)
_TEXT_SHORT_LEVEL = re.compile(r"\bL([1-8])\b")


def level_from_code(value: str) -> str | None:
    """Map a stated level ("3", "L2", "Entry 2", "SCQF 7", "EQF level 4") to RQF.

    Returns an RQF level, `"entry"` for Entry without a sub-level, `"n/a"` for an explicit
    not-applicable/unknown code, or None when the value is not understood.
    """
    key = " ".join(value.replace("_", " ").split()).lower()
    if key in _UNKNOWN_WORDS:
        return _NOT_APPLICABLE
    if key in {"e", "entry", "entry level"}:
        return _ENTRY_UNSPECIFIED
    if key == "postgraduate":
        return "7"
    if match := _CODE_ENTRY.fullmatch(key):
        return f"E{match[1]}"
    if match := _CODE_NUMBER.fullmatch(key):
        return _LEVELS_BY_FRAMEWORK[match[1] or ""].get(match[2])
    return None


def level_from_text(text: str) -> str | None:
    """The one RQF level a title or label names ("Diploma Level 2"), or None if none or several."""
    found = {f"E{match[1]}" for match in _TEXT_ENTRY.finditer(text)}
    rest = _TEXT_ENTRY.sub(" ", text)
    for match in _TEXT_LEVEL.finditer(rest):
        if level := _LEVELS_BY_FRAMEWORK[(match[1] or "").lower()].get(match[2]):
            found.add(level)
    found.update(_TEXT_SHORT_LEVEL.findall(rest))
    return found.pop() if len(found) == 1 else None


def _rqf_level(course: Element, notes: _Notes) -> str | None:
    """Stated levels first (mlo:level, qualification level, credit level), then titles.

    Titles are consulted only to add the sub-level to a bare "Entry", or when no level is stated.
    """
    entry_only = False
    unread: list[str] = []
    for value in _stated_levels(course):
        level = level_from_code(value)
        if level == _NOT_APPLICABLE:
            return None
        if level == _ENTRY_UNSPECIFIED:
            entry_only = True
        elif level is None:
            unread.append(value)
        elif not entry_only or level.startswith("E"):
            return level
    for text in _level_texts(course):
        level = level_from_text(text)
        if level is not None and (level.startswith("E") or not entry_only):
            return level
    if entry_only:
        notes.add("level: Entry level without a sub-level (E1, E2 or E3); left empty")
    elif unread:
        stated = ", ".join(repr(v) for v in unread)
        notes.add(f"level: could not map {stated} to an RQF level; left empty")
    return None


def _stated_levels(course: Element) -> list[str]:
    qualification = _first(course, _tag(MLO, "qualification"))
    elements = [
        *_children(course, _tag(MLO, "level")),
        *_children(qualification, _tag(DCTERMS, "educationLevel"), _tag(MLO, "level")),
    ]
    values = [_raw_text(e) for e in elements]
    values += [_credit_level(c) for c in _children(course, _tag(MLO, "credit"))]
    return [v for v in values if v]


def _credit_level(credit: Element) -> str:
    """`ECTS#Level 4` under scheme `.../terms/ECTS` -> "ECTS Level 4"; "" if no level given."""
    level = _raw_text(_first(credit, _tag(CREDIT, "level"))).rsplit("#", 1)[-1]
    scheme = re.split(r"[/#]", _raw_text(_first(credit, _tag(CREDIT, "scheme"))).rstrip("/#"))[-1]
    return f"{scheme} {level}".strip() if level else ""


def _level_texts(course: Element) -> list[str]:
    qualification = _first(course, _tag(MLO, "qualification"))
    titles = [_first(course, *_dc("title")), _first(qualification, *_dc("title"))]
    types = _children(course, *_dc("type"))
    return [text for e in (*titles, *types) if (text := _plain_text(e))]


# --- presentation -------------------------------------------------------------------------------


def _presentation(
    element: Element, index: int, provider_postcode: str | None, course_notes: _Notes
) -> PresentationIn:
    ref = _identifier(element)
    notes = course_notes.within(_record_name("presentation", ref, index))
    delivery = _vocabulary(
        _first(element, _tag(XCRI, "attendanceMode")), _DELIVERY, "attendanceMode", notes
    )
    venue = element.find(
        f"{_tag(XCRI, 'venue')}/{_tag(XCRI, 'provider')}/{_tag(MLO, 'location')}/"
        f"{_tag(MLO, 'postcode')}"
    )
    return PresentationIn(
        ref=ref,
        starts_on=_date(_first(element, _tag(MLO, "start")), "start", notes),
        ends_on=_date(_first(element, _tag(XCRI, "end"), _tag(MLO, "end")), "end", notes),
        study_mode=_vocabulary(
            _first(element, _tag(XCRI, "studyMode")), _STUDY_MODES, "studyMode", notes
        ),
        attendance_pattern=_vocabulary(
            _first(element, _tag(XCRI, "attendancePattern")), _PATTERNS, "attendancePattern", notes
        ),
        delivery=delivery,
        cost_pence=_cost(element, notes),
        places=_places(_first(element, _tag(MLO, "places")), notes),
        # XCRI-CAP: without a venue, the provider's own address applies (unless it is online).
        venue_postcode=_venue_postcode(venue, provider_postcode, delivery, notes),
        apply_url=_web_url(_first(element, _tag(XCRI, "applyTo")), "applyTo", notes),
    )


_UNKNOWN_POSTCODE = re.compile(r"ZZ99\s*[0-9][A-Z]{2}", re.I)


def _venue_postcode(
    venue: Element | None, provider_postcode: str | None, delivery: str | None, notes: _Notes
) -> str | None:
    """A malformed postcode costs the course only its location, not its place in the sync."""
    postcode = _postcode(venue) or (provider_postcode if delivery != "online" else None)
    if postcode is None or normalise_postcode(postcode) is not None:
        return postcode
    notes.add(f"venue postcode {postcode!r} is not a UK postcode; left empty")
    return None


def _postcode(element: Element | None) -> str | None:
    """ZZ99 codes are the UK's "postcode not known" placeholders, not places."""
    text = _raw_text(element)
    return None if not text or _UNKNOWN_POSTCODE.fullmatch(text) else text


# XCRI-CAP 1.2 vocabularies (codes and labels), plus common free-text spellings.
_STUDY_MODES: dict[str, StudyMode] = {
    **dict.fromkeys(["ft", "full time", "fulltime"], "full_time"),
    **dict.fromkeys(
        ["pf", "part of a full time programme", "part of a full time program"], "full_time"
    ),
    **dict.fromkeys(["pt", "part time", "parttime"], "part_time"),
    **dict.fromkeys(["fl", "flexible"], "flexible"),
}
_DELIVERY: dict[str, Delivery] = {
    **dict.fromkeys(
        [
            "cm",
            "campus",
            "classroom",
            "location campus",
            "nc",
            "face to face non campus",
            "face to face",
        ],
        "classroom",
    ),
    **dict.fromkeys(["wb", "work based", "workplace"], "work_based"),
    **dict.fromkeys(
        ["da", "distance with attendance", "mm", "mixed mode", "blended", "online with attendance"],
        "blended",
    ),
    **dict.fromkeys(
        [
            "ds",
            "distance without attendance",
            "distance learning",
            "on",
            "online",
            "online no attendance",
            "online without attendance",
        ],
        "online",
    ),
}
_PATTERNS: dict[str, AttendancePattern] = {
    **dict.fromkeys(["dt", "daytime", "day time"], "daytime"),
    **dict.fromkeys(["ev", "evening", "tw", "twilight"], "evening"),
    **dict.fromkeys(["we", "weekend", "weekends"], "weekend"),
    **dict.fromkeys(["dr", "day block release", "day release", "block release"], "day_release"),
    # Customised: "the timetable is agreed with the learner", which fits any worker's hours.
    **dict.fromkeys(["cs", "customised", "customized", "self paced"], "self_paced"),
}


def _vocabulary(
    element: Element | None, vocabulary: dict[str, T], field: str, notes: _Notes
) -> T | None:
    """Map the `identifier` attribute or the text (a code or a label) to a native value."""
    if element is None:
        return None
    candidates = [element.get("identifier", ""), _raw_text(element)]
    keys = [k for k in (_vocabulary_key(c) for c in candidates) if k]
    for key in keys:
        if key in vocabulary:
            return vocabulary[key]
    if keys and not _UNKNOWN_WORDS.intersection(keys):
        shown = _raw_text(element) or element.get("identifier", "")
        notes.add(f"{field} {shown!r} is not a known value; left empty")
    return None


def _vocabulary_key(value: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9]+", " ", value.lower()).split())


_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?=$|[TZ+ -])")


def _date(element: Element | None, field: str, notes: _Notes) -> date | None:
    """The machine-readable `dtf` wins over the element text, as XCRI-CAP 1.2 specifies."""
    if element is None:
        return None
    dtf, text = element.get("dtf", "").strip(), _raw_text(element)
    if not (dtf or text):
        return None
    parsed = _iso_date(dtf) if dtf else (_iso_date(text) or _written_date(text))
    if parsed is None:
        notes.add(f"{field} {dtf or text!r} is not a full date (YYYY-MM-DD); left empty")
        return None
    shown = (_iso_date(text) or _written_date(text)) if dtf and text else None
    if shown is None or shown == parsed:
        return parsed
    if shown - parsed == timedelta(days=1):
        # The signature of a generator that turned local midnight into UTC: the text is right.
        notes.add(f"{field}: dtf {parsed} is the day before the text {text!r}; used the text")
        return shown
    notes.add(f"{field}: dtf {parsed} differs from the text {text!r}; used the dtf")
    return parsed


def _iso_date(value: str) -> date | None:
    match = _ISO_DATE.match(value.strip())
    try:
        return date(int(match[1]), int(match[2]), int(match[3])) if match else None
    except ValueError:
        return None


def _written_date(value: str) -> date | None:
    """'05 September 2016', '1 Aug 2012', '1st August 2012'."""
    cleaned = re.sub(r"(?<=\d)(st|nd|rd|th)\b", "", " ".join(value.split()), flags=re.I)
    for pattern in ("%d %B %Y", "%d %b %Y"):
        try:
            return datetime.strptime(cleaned, pattern).date()
        except ValueError:
            continue
    return None


# --- cost and places ----------------------------------------------------------------------------

_AMOUNT = r"(?:£|gbp)?\s*(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?"
_PLAIN_AMOUNT = re.compile(rf"{_AMOUNT}(?:\s*gbp)?", re.I)
_HOME_FEE = re.compile(rf"\b(?:uk|home)(?:\s+fees?)?\s*:\s*{_AMOUNT}", re.I)
_FREE_WORDS = frozenset({"free", "free of charge", "no cost", "no charge", "nil"})
_NOT_YET_KNOWN = frozenset({"tbc", "tba", "to be confirmed", "call", "contact us", ""})


def cost_in_pence(text: str) -> int | None:
    """Read "£1,200.00" (120000), "Free" (0) or "UK fee: GBP155.00; Ireland fee: ..." (15500).

    Anything else (several unlabelled amounts, "£50 per session") is None: a wrong cost would
    decide whether a worker can afford a course.
    """
    cleaned = " ".join(text.split())
    if cleaned.lower().rstrip(".!") in _FREE_WORDS:
        return 0
    match = _PLAIN_AMOUNT.fullmatch(cleaned) or _HOME_FEE.search(cleaned)
    if match is None:
        return None
    pounds, pence = bounded_int(match[1].replace(",", "")), (match[2] or "0").ljust(2, "0")
    return pounds * 100 + int(pence)


MAX_DIGITS = 15
_TOO_MANY_DIGITS = 10**MAX_DIGITS


def bounded_int(digits: str) -> int:
    """The number in a string of digits, but 10**15 for anything longer than 15 digits:
    Python refuses int() beyond 4,300 digits, and any such number is far over every maximum,
    so validation rejects the record that holds it with its reason."""
    significant = digits.lstrip("0") or "0"
    return int(significant) if len(significant) <= MAX_DIGITS else _TOO_MANY_DIGITS


def _cost(presentation: Element, notes: _Notes) -> int | None:
    """mlo:cost, else the Course Data Programme costs extension (`CE:cost amount="8000"`)."""
    cost = _first(presentation, _tag(MLO, "cost"))
    if cost is not None:
        text = _plain_text(cost)
        return _read_cost(text, "cost", notes) if text else None
    extension = list(presentation.iter(_tag(COSTS_EXTENSION, "cost")))
    full_fees = [c for c in extension if c.get("type", "").lower() == "fullfee"]
    for element in full_fees or extension:
        amount = element.get("amount", "").strip()
        if amount.lower() not in _NOT_YET_KNOWN:
            return _read_cost(amount, "cost amount", notes)
    return None


def _read_cost(text: str, field: str, notes: _Notes) -> int | None:
    if text.lower() in _NOT_YET_KNOWN:
        return None
    pence = cost_in_pence(text)
    if pence is None:
        notes.add(f"{field} {text!r} is not a single amount in pounds; left empty")
    return pence


def _places(element: Element | None, notes: _Notes) -> int | None:
    text = _raw_text(element)
    if not text:
        return None
    match = re.fullmatch(r"(\d+)(?:\s+places?)?", text, re.I)
    if match is None:
        notes.add(f"places {text[:100]!r} is not a number; left empty")
        return None
    return bounded_int(match[1])
