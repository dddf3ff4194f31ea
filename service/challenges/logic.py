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


DECISIONS = {"priority": "your priority score", "eligibility": "whether you may book a career "
             "review directly", "matches": "the occupations and courses suggested to you",
             "waiting_list_order": "your place on a waiting list"}


def answer_message(first_name: str, decision: str, outcome: str,
                   explanation: str) -> tuple[str, str]:
    """The subject and plain-text body telling the worker how their challenge was answered."""
    verdict = ("The decision has been changed." if outcome == "changed"
               else "The decision stands.")
    body = (f"Dear {first_name},\n\nYou asked for a person to look again at "
            f"{DECISIONS[decision]}. {verdict}\n\n{explanation}\n\nIf you still disagree, "
            "talk to your union learning rep.\n")
    return "Your challenge has been answered", body
