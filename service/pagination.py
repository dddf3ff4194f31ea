"""Cursor pagination: `?limit=&cursor=`; lists answer `{"items": [...], "next_cursor": ...}`.

A cursor is the sort key of the last item sent, opaque to clients (URL-safe base64 of JSON)."""

import base64
import binascii
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Annotated, Any, TypeVar
from uuid import UUID

import msgspec
from litestar.params import Parameter

from service.errors import Invalid

Limit = Annotated[int, Parameter(ge=1, le=200, description="Items per page (1-200).")]
Cursor = Annotated[str | None, Parameter(max_length=500, description="`next_cursor` of the "
                                         "previous page.")]
DEFAULT_LIMIT = 50
_INT64 = (-(2**63), 2**63 - 1)
# A cursor key kept in an `integer` column (a plain int key is checked against bigint).
Int4Key = Annotated[int, msgspec.Meta(ge=-(2**31), le=2**31 - 1)]
R = TypeVar("R")


def encode_cursor(*key: Any) -> str:
    return base64.urlsafe_b64encode(msgspec.json.encode(key)).decode().rstrip("=")


def decode_cursor(cursor: str | None, *types: type) -> tuple[Any, ...] | None:
    """The sort key in a cursor, typed; a cursor we did not make is a 422 naming the field,
    not a 500."""
    if cursor is None:
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        key = msgspec.json.decode(raw, type=tuple[*types])
    except (binascii.Error, ValueError, msgspec.DecodeError):
        raise Invalid.on_field("cursor", "not a cursor from this list") from None
    if any(isinstance(v, int) and not _INT64[0] <= v <= _INT64[1] for v in key):
        # Sort keys are bigint columns: a bigger number is no cursor of ours (and PostgreSQL
        # would refuse it with an error naming no field).
        raise Invalid.on_field("cursor", "not a cursor from this list")
    return key


def time_id_cursor(cursor: str | None) -> tuple[datetime | None, UUID | None]:
    """The common (created_at, id) key of lists sorted newest first."""
    key = decode_cursor(cursor, datetime, UUID)
    return (key[0], key[1]) if key else (None, None)


def page(rows: Sequence[R], limit: int, key: Callable[[R], tuple[Any, ...]],
         item: Callable[[R], Any] | None = None) -> tuple[list[Any], str | None]:
    """The one way a list is cut into pages: `(items, next_cursor)` from the limit + 1 rows a
    store fetched. The first `limit` rows are sent (each through `item`, if given, e.g. to drop
    the sort key a row carries); a row beyond them means there is a next page, whose cursor is
    `key` of the last row sent."""
    sent = rows[:limit]
    items = list(sent) if item is None else [item(row) for row in sent]
    return items, encode_cursor(*key(rows[limit - 1])) if len(rows) > limit else None
