"""Reading XML from outside safely: defusedxml, with no DTD, no entity declaration and no external
reference, and a college-readable FeedError for whatever is not well-formed XML."""

import re
from xml.etree.ElementTree import Element, ParseError

import defusedxml.ElementTree as safe_xml
from defusedxml import DefusedXmlException


class FeedError(ValueError):
    """The bytes are not a readable XCRI-CAP 1.2 feed; the message is written for the college."""


_HTML_START = re.compile(
    rb"\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html)[\s>]", re.I | re.S
)
_LATIN1_DECLARATION = re.compile(
    rb"""(\s*<\?xml[^>]*?encoding\s*=\s*["'])(?:iso[-_]?8859-1|latin-?1|l1)(["'])""", re.I
)


def parse_xml(data: bytes) -> Element:
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
