"""Single values read from a feed: dates, costs in pence, places, postcodes and web links. What
cannot be read is left empty with a warning; a wrong cost or date would mislead a worker."""

import re
from datetime import date, datetime, timedelta
from xml.etree.ElementTree import Element

from service.courses.logic import is_web_url, normalise_postcode
from service.courses.xcri.elements import COSTS_EXTENSION, MLO, Notes, first, raw_text, tag
from service.courses.xcri.text import plain_text

_UNKNOWN_POSTCODE = re.compile(r"ZZ99\s*[0-9][A-Z]{2}", re.I)


def venue_postcode(
    venue: Element | None, provider_postcode: str | None, delivery: str | None, notes: Notes
) -> str | None:
    """A malformed postcode costs the course only its location, not its place in the sync."""
    postcode = postcode_in(venue) or (provider_postcode if delivery != "online" else None)
    if postcode is None or normalise_postcode(postcode) is not None:
        return postcode
    notes.add(f"venue postcode {postcode!r} is not a UK postcode; left empty")
    return None


def postcode_in(element: Element | None) -> str | None:
    """ZZ99 codes are the UK's "postcode not known" placeholders, not places."""
    text = raw_text(element)
    return None if not text or _UNKNOWN_POSTCODE.fullmatch(text) else text


def web_url_in(element: Element | None, field: str, notes: Notes) -> str | None:
    text = raw_text(element)
    if not text:
        return None
    if is_web_url(text):
        return text
    notes.add(f"{field} {text!r} is not an http(s) link; left empty")
    return None


_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?=$|[TZ+ -])")


def date_in(element: Element | None, field: str, notes: Notes) -> date | None:
    """The machine-readable `dtf` wins over the element text, as XCRI-CAP 1.2 specifies."""
    if element is None:
        return None
    dtf, text = element.get("dtf", "").strip(), raw_text(element)
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


def cost_in(presentation: Element, notes: Notes) -> int | None:
    """mlo:cost, else the Course Data Programme costs extension (`CE:cost amount="8000"`)."""
    cost = first(presentation, tag(MLO, "cost"))
    if cost is not None:
        text = plain_text(cost)
        return _read_cost(text, "cost", notes) if text else None
    extension = list(presentation.iter(tag(COSTS_EXTENSION, "cost")))
    full_fees = [c for c in extension if c.get("type", "").lower() == "fullfee"]
    for element in full_fees or extension:
        amount = element.get("amount", "").strip()
        if amount.lower() not in _NOT_YET_KNOWN:
            return _read_cost(amount, "cost amount", notes)
    return None


def _read_cost(text: str, field: str, notes: Notes) -> int | None:
    if text.lower() in _NOT_YET_KNOWN:
        return None
    pence = cost_in_pence(text)
    if pence is None:
        notes.add(f"{field} {text!r} is not a single amount in pounds; left empty")
    return pence


def places_in(element: Element | None, notes: Notes) -> int | None:
    text = raw_text(element)
    if not text:
        return None
    match = re.fullmatch(r"(\d+)(?:\s+places?)?", text, re.I)
    if match is None:
        notes.add(f"places {text[:100]!r} is not a number; left empty")
        return None
    return bounded_int(match[1])
