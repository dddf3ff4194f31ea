from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

import msgspec
from msgspec import Meta

Decision = Literal["priority", "eligibility", "matches", "waiting_list_order"]
Outcome = Literal["upheld", "changed"]
Status = Literal["open", "answered"]
StatusFilter = Literal["open", "answered", "overdue"]
Text = Annotated[str, Meta(min_length=1, max_length=4000)]


class ChallengeIn(msgspec.Struct, forbid_unknown_fields=True):
    """Ask a person to look again at an automated decision about the worker."""

    decision: Decision
    reason: Text


class AnswerIn(msgspec.Struct, forbid_unknown_fields=True):
    """`upheld`: the decision stands, and why; `changed`: what was changed."""

    outcome: Outcome
    explanation: Text


class Challenge(msgspec.Struct):
    id: UUID
    worker_id: UUID
    branch: str
    decision: Decision
    reason: str
    raised_by: str
    status: Status
    outcome: Outcome | None
    explanation: str | None
    answered_by: str | None
    answered_at: datetime | None
    created_at: datetime
    due_by: datetime
    overdue: bool


class ChallengePage(msgspec.Struct):
    items: list[Challenge]
    next_cursor: str | None
