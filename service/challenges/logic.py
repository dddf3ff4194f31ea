"""Challenges to automated decisions: the rules, free of I/O."""

from datetime import datetime, timedelta

# An open challenge older than this is flagged `overdue` (docs/challenges.md).
ANSWER_WITHIN = timedelta(days=14)


def due_by(created_at: datetime) -> datetime:
    return created_at + ANSWER_WITHIN


def overdue(status: str, created_at: datetime, now: datetime) -> bool:
    return status == "open" and now > due_by(created_at)


def who(role: str, name: str) -> str:
    """How a person appears on a challenge: their role and name."""
    return f"{role}: {name}"
