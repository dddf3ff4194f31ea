from datetime import datetime
from typing import Any, Literal
from uuid import UUID

import msgspec

RequestStatus = Literal["requested", "erased", "declined"]


class Export(msgspec.Struct):
    """Everything Ladder holds about one worker: `sections` by domain, each holding the rows of
    its tables under the table's name (docs/datarights.md lists them)."""

    worker_id: UUID
    exported_at: datetime
    exported_for: str
    sections: dict[str, dict[str, Any]]


class Erased(msgspec.Struct):
    """What an erasure changed: rows per table (a table with nothing to clear shows 0);
    `erasure_requests` is 1 when it answered the worker's own request."""

    worker_id: UUID
    erased_at: datetime
    changed: dict[str, int]


class ErasureRequest(msgspec.Struct):
    id: UUID
    worker_id: UUID
    status: RequestStatus
    requested_at: datetime
    decided_at: datetime | None
    decided_by: str | None


class ErasureRequestPage(msgspec.Struct):
    items: list[ErasureRequest]
    next_cursor: str | None


class AccessEntry(msgspec.Struct):
    """One read or change of the worker's data: who (their role, and a rep's or college's name
    as Ladder knows them, an admin's as their token was issued), what, when."""

    id: int
    at: datetime
    role: str
    name: str
    action: str
    kind: Literal["read", "change"]
    what: str


class AccessLog(msgspec.Struct):
    items: list[AccessEntry]
    next_cursor: str | None
