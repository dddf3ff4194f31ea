from datetime import datetime
from typing import Literal
from uuid import UUID

import msgspec

Purpose = Literal["share_with_provider", "equality_monitoring"]


class Consent(msgspec.Struct):
    """`provider_id`, `ukprn` and `provider_name` name the college for `share_with_provider`;
    `in_force` is false once withdrawn."""

    id: UUID
    worker_id: UUID
    purpose: Purpose
    provider_id: UUID | None
    ukprn: str | None
    provider_name: str | None
    detail: str | None
    given_at: datetime
    given_by: str
    withdrawn_at: datetime | None
    withdrawn_by: str | None
    in_force: bool


class ConsentPage(msgspec.Struct):
    items: list[Consent]
    next_cursor: str | None
