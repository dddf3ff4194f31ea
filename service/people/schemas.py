from datetime import date, datetime
from typing import Annotated
from uuid import UUID

import msgspec
from msgspec import UNSET, Meta, UnsetType

from service.errors import FieldError
from service.vocabulary import ContractType, Qualification

Name = Annotated[str, Meta(min_length=1, max_length=300)]
Text = Annotated[str, Meta(min_length=1, max_length=200)]
Email = Annotated[str, Meta(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$", max_length=320,
                            description="An email address")]
Region = Annotated[str, Meta(pattern=r"^[EWSN][0-9]{8}$",
                             description="ONS region code, e.g. E12000001 (North East)")]
WeeklyHours = Annotated[float, Meta(ge=0, le=100, description="Contracted hours a week, at most "
                                   "2 decimal places (more is 422)")]
Ukprn = Annotated[str, Meta(pattern=r"^1[0-9]{7}$",
                            description="UK Provider Reference Number: 8 digits starting with 1")]
Occupation = Annotated[str, Meta(min_length=1, max_length=300,
                                 description="ESCO occupation URI or code")]


class WorkerIn(msgspec.Struct, forbid_unknown_fields=True):
    external_ref: Text
    name: Name
    birth_date: date
    branch: Text
    employer: Text
    region: Region
    contract_type: ContractType
    weekly_hours: WeeklyHours
    highest_qualification: Qualification
    email: Email | None = None
    occupation: Occupation | None = None
    facing_redundancy: bool = False


class WorkerPatch(msgspec.Struct, forbid_unknown_fields=True, omit_defaults=True):
    """Only the fields sent are changed; `null` clears an optional field."""

    external_ref: Text | UnsetType = UNSET
    name: Name | UnsetType = UNSET
    birth_date: date | UnsetType = UNSET
    branch: Text | UnsetType = UNSET
    employer: Text | UnsetType = UNSET
    region: Region | UnsetType = UNSET
    contract_type: ContractType | UnsetType = UNSET
    weekly_hours: WeeklyHours | UnsetType = UNSET
    highest_qualification: Qualification | UnsetType = UNSET
    email: Email | None | UnsetType = UNSET
    occupation: Occupation | None | UnsetType = UNSET
    facing_redundancy: bool | UnsetType = UNSET


class Worker(msgspec.Struct):
    id: UUID
    external_ref: str
    name: str
    email: str | None
    birth_date: date
    branch: str
    employer: str
    region: str
    occupation: str | None
    contract_type: ContractType
    weekly_hours: float
    highest_qualification: Qualification
    facing_redundancy: bool
    priority_score: int
    created_at: datetime
    updated_at: datetime


class WorkerPage(msgspec.Struct):
    items: list[Worker]
    next_cursor: str | None


class PriorityReason(msgspec.Struct):
    rule: str
    points: int
    reason: str


class Priority(msgspec.Struct):
    worker_id: UUID
    score: int
    reasons: list[PriorityReason]


class RepIn(msgspec.Struct, forbid_unknown_fields=True):
    name: Name
    email: Email
    branch: Text


class Rep(msgspec.Struct):
    id: UUID
    name: str
    email: str
    branch: str
    created_at: datetime


class ProviderIn(msgspec.Struct, forbid_unknown_fields=True):
    ukprn: Ukprn
    name: Name


class Provider(msgspec.Struct):
    id: UUID
    ukprn: str
    name: str
    created_at: datetime


class Me(msgspec.Struct):
    """The caller: their token's role and the record it stands for."""

    role: str
    name: str
    token_id: UUID
    worker: Worker | None = None
    rep: Rep | None = None
    provider: Provider | None = None


class RejectedRow(msgspec.Struct):
    line: int  # in the file, the header being line 1
    external_ref: str | None
    errors: list[FieldError]


class ImportReport(msgspec.Struct):
    """What an import did. The valid rows were applied in one transaction; the rejected ones
    were not, and say why."""

    rows: int  # data rows read (blank lines not counted)
    created: int
    updated: int
    unchanged: int
    rejected: list[RejectedRow]
    programme_id: UUID | None
    added_to_programme: int
