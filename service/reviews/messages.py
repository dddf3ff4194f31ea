"""What Ladder tells a worker about their review: plain, short, and each says how to rebook.
Pure: (subject, body) from the facts; the outbox sends them."""

from datetime import datetime
from typing import NamedTuple

from service.clock import UK

REBOOK = ("To book another time, ask your union learning rep, or choose a free slot in Ladder "
          "(GET /v1/slots, then POST /v1/reviews).")
CHANGE = ("To change it, ask your union learning rep, or move it in Ladder (POST "
          "/v1/reviews/<id>/reschedule).")

MODES = {"in_person": "in person", "video": "by video", "phone": "by phone"}


class Message(NamedTuple):
    subject: str
    body: str


def when(moment: datetime) -> str:
    """`Tuesday 3 March 2026 at 14:30 (GMT)`: one way of writing a time, in words, in UK time
    (the database gives UTC)."""
    local = moment.astimezone(UK)
    return f"{local:%A} {local.day} {local:%B %Y} at {local:%H:%M} ({local.tzname()})"


def _where(mode: str, location: str | None) -> str:
    how = MODES.get(mode, mode)
    return f"{how}, {location}" if location else how


def booked(first_name: str, starts_at: datetime, mode: str, location: str | None) -> Message:
    return Message("Your career review is booked",
                   f"Hello {first_name},\n\nYour mid-life career review is booked for "
                   f"{when(starts_at)}, {_where(mode, location)}.\n\n{CHANGE}\n")


def reminder(first_name: str, starts_at: datetime, mode: str, location: str | None) -> Message:
    return Message("Your career review is tomorrow",
                   f"Hello {first_name},\n\nA reminder: your mid-life career review is on "
                   f"{when(starts_at)}, {_where(mode, location)}.\n\n{CHANGE}\n")


def offered(first_name: str, starts_at: datetime, expires_at: datetime) -> Message:
    return Message("A career review slot is yours if you want it",
                   f"Hello {first_name},\n\nA review slot on {when(starts_at)} is held for "
                   f"you until {when(expires_at)}. To take it, book it in Ladder (POST "
                   "/v1/reviews) or ask your union learning rep. After that it goes to the "
                   f"next person waiting.\n\n{REBOOK}\n")


def cancelled(first_name: str, starts_at: datetime, reason: str) -> Message:
    return Message("Your career review is cancelled",
                   f"Hello {first_name},\n\nYour mid-life career review on {when(starts_at)} "
                   f"is cancelled. Reason: {reason}\n\n{REBOOK}\n")


def no_show(first_name: str, starts_at: datetime) -> Message:
    return Message("We missed you at your career review",
                   f"Hello {first_name},\n\nYou were not at your mid-life career review on "
                   f"{when(starts_at)}. That is all right: you can still have one.\n\n"
                   f"{REBOOK}\n")


def first_name(name: str) -> str:
    return name.split()[0] if name.split() else name
