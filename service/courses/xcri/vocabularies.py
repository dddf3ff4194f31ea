"""XCRI-CAP and free-text vocabularies mapped to native values: RQF levels (from codes of several
frameworks, or named in titles), study modes, delivery and attendance patterns."""

import re
from typing import TypeVar
from xml.etree.ElementTree import Element

from service.courses.schemas import AttendancePattern, Delivery, StudyMode
from service.courses.xcri.elements import (
    CREDIT,
    DCTERMS,
    MLO,
    Notes,
    children,
    dc,
    first,
    raw_text,
    tag,
)
from service.courses.xcri.text import plain_text

T = TypeVar("T")

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


def rqf_level(course: Element, notes: Notes) -> str | None:
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
    qualification = first(course, tag(MLO, "qualification"))
    elements = [
        *children(course, tag(MLO, "level")),
        *children(qualification, tag(DCTERMS, "educationLevel"), tag(MLO, "level")),
    ]
    values = [raw_text(e) for e in elements]
    values += [_credit_level(c) for c in children(course, tag(MLO, "credit"))]
    return [v for v in values if v]


def _credit_level(credit: Element) -> str:
    """`ECTS#Level 4` under scheme `.../terms/ECTS` -> "ECTS Level 4"; "" if no level given."""
    level = raw_text(first(credit, tag(CREDIT, "level"))).rsplit("#", 1)[-1]
    scheme = re.split(r"[/#]", raw_text(first(credit, tag(CREDIT, "scheme"))).rstrip("/#"))[-1]
    return f"{scheme} {level}".strip() if level else ""


def _level_texts(course: Element) -> list[str]:
    qualification = first(course, tag(MLO, "qualification"))
    titles = [first(course, *dc("title")), first(qualification, *dc("title"))]
    types = children(course, *dc("type"))
    return [text for e in (*titles, *types) if (text := plain_text(e))]


# XCRI-CAP 1.2 vocabularies (codes and labels), plus common free-text spellings.
STUDY_MODES: dict[str, StudyMode] = {
    **dict.fromkeys(["ft", "full time", "fulltime"], "full_time"),
    **dict.fromkeys(
        ["pf", "part of a full time programme", "part of a full time program"], "full_time"
    ),
    **dict.fromkeys(["pt", "part time", "parttime"], "part_time"),
    **dict.fromkeys(["fl", "flexible"], "flexible"),
}
DELIVERY: dict[str, Delivery] = {
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
PATTERNS: dict[str, AttendancePattern] = {
    **dict.fromkeys(["dt", "daytime", "day time"], "daytime"),
    **dict.fromkeys(["ev", "evening", "tw", "twilight"], "evening"),
    **dict.fromkeys(["we", "weekend", "weekends"], "weekend"),
    **dict.fromkeys(["dr", "day block release", "day release", "block release"], "day_release"),
    # Customised: "the timetable is agreed with the learner", which fits any worker's hours.
    **dict.fromkeys(["cs", "customised", "customized", "self paced"], "self_paced"),
}


def vocabulary(
    element: Element | None, vocabulary: dict[str, T], field: str, notes: Notes
) -> T | None:
    """Map the `identifier` attribute or the text (a code or a label) to a native value."""
    if element is None:
        return None
    candidates = [element.get("identifier", ""), raw_text(element)]
    keys = [k for k in (_vocabulary_key(c) for c in candidates) if k]
    for key in keys:
        if key in vocabulary:
            return vocabulary[key]
    if keys and not _UNKNOWN_WORDS.intersection(keys):
        shown = raw_text(element) or element.get("identifier", "")
        notes.add(f"{field} {shown!r} is not a known value; left empty")
    return None


def _vocabulary_key(value: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9]+", " ", value.lower()).split())
