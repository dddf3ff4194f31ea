from datetime import datetime
from typing import Literal
from uuid import UUID

import msgspec

from service.equality.logic import ALLOWED

Sex = Literal[ALLOWED["sex"]]  # type: ignore[valid-type]
Ethnicity = Literal[ALLOWED["ethnicity"]]  # type: ignore[valid-type]
Disability = Literal[ALLOWED["disability"]]  # type: ignore[valid-type]


class EqualityIn(msgspec.Struct, forbid_unknown_fields=True):
    """The worker's answers (ONS 2021 census categories, each also "prefer_not_to_say") and
    their consent to equality monitoring, which must be `true`: the answers are used only in
    aggregate, in the equality report, and never in a decision about the worker."""

    sex: Sex
    ethnicity: Ethnicity
    disability: Disability
    consent: bool


class Equality(msgspec.Struct):
    worker_id: UUID
    sex: str
    ethnicity: str
    ethnicity_group: str
    disability: str
    consented_at: datetime
    created_at: datetime
    updated_at: datetime
