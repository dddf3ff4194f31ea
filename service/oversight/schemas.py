from datetime import datetime
from typing import Any
from uuid import UUID

import msgspec


class AuditEntry(msgspec.Struct):
    id: int
    at: datetime
    actor_role: str
    actor_id: UUID | None
    actor_name: str
    action: str
    worker_id: UUID | None
    detail: dict[str, Any] | None


class AuditPage(msgspec.Struct):
    items: list[AuditEntry]
    next_cursor: str | None
