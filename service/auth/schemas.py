from datetime import datetime
from typing import Annotated
from uuid import UUID

import msgspec

from service.auth.logic import Role


class TokenIn(msgspec.Struct, forbid_unknown_fields=True):
    role: Role
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    subject_id: UUID | None = None
    expires_at: datetime | None = None


class TokenCreated(msgspec.Struct):
    """The token itself is shown here once and never again."""

    id: UUID
    token: str
    role: Role
    name: str
    expires_at: datetime | None


class TokenRevoked(msgspec.Struct):
    id: UUID
    revoked_at: datetime
