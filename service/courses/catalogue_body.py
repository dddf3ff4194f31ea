"""A catalogue body read into `CatalogueIn`: JSON strictly, as request bodies are
(`service.bodies`), or an XCRI-CAP 1.2 feed for the college it is synced for.

Whatever makes a body unreadable is one `DomainError` naming where, so the API, a pulled feed
and `ladder catalogue import` refuse the same bodies with the same words
(`service.read_catalogue` stores each refusal as a failed sync).
"""

import msgspec

from service.bodies import refuse_repeated_keys
from service.courses.schemas import CatalogueIn
from service.courses.xcri.parse import parse_xcri
from service.courses.xcri.safe_xml import FeedError
from service.errors import DomainError, FieldError, Invalid, msgspec_error_at


class CatalogueNotReadable(DomainError):
    """A JSON body that is not a catalogue: 400 if it is not even JSON, else 422."""

    status, title, slug = 422, "Catalogue not readable", "catalogue-not-readable"

    def __init__(self, message: str, field: str, *, malformed: bool) -> None:
        super().__init__(message, [FieldError(field, message)])
        if malformed:
            self.status = 400


class FeedNotReadable(DomainError):
    """XML that is not a readable XCRI-CAP 1.2 feed (`FeedError`)."""

    status, title, slug = 422, "Feed not readable", "feed-not-readable"

    def __init__(self, message: str) -> None:
        super().__init__(message, [FieldError("body", message)])


def read_body(body: bytes, fmt: str, ukprn: str) -> tuple[CatalogueIn, list[str]]:
    """The catalogue in `body` (`fmt` "json" or "xcri") and the warnings about what could not be
    mapped; raises a DomainError if the body cannot be synced for the college `ukprn`."""
    if fmt == "json":
        return decode_catalogue_json(body), []
    try:
        parsed = parse_xcri(body)
    except FeedError as error:
        raise FeedNotReadable(str(error)) from None
    check_feed_provider(ukprn, parsed.provider_ukprn)
    return parsed.catalogue, parsed.warnings


def decode_catalogue_json(body: bytes) -> CatalogueIn:
    """A key repeated in one object is refused rather than the last one silently winning."""
    try:
        catalogue = msgspec.json.decode(body, type=CatalogueIn)
        refuse_repeated_keys(body)
        return catalogue
    except DomainError as error:
        raise CatalogueNotReadable(error.detail, error.errors[0].field, malformed=True) from None
    except RecursionError:
        raise CatalogueNotReadable("the JSON is nested too deeply to read", "body",
                                   malformed=True) from None
    except msgspec.ValidationError as error:
        message = str(error)
        at = msgspec_error_at(message)
        raise CatalogueNotReadable(message, at[0] if at else "body", malformed=False) from None
    except msgspec.DecodeError as error:
        raise CatalogueNotReadable(f"the body is not JSON: {error}", "body",
                                   malformed=True) from None


def check_feed_provider(ukprn: str, feed_ukprn: str | None) -> None:
    """An XCRI-CAP feed naming another college's UKPRN is not this college's catalogue."""
    if feed_ukprn is not None and feed_ukprn != ukprn:
        raise Invalid.on_field("provider.ukprn", f"the feed is for UKPRN {feed_ukprn}, not "
                               f"{ukprn}")
