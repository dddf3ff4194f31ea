"""What every domain contributes to data rights, free of I/O: a `Section` per domain, listed in
`service/datarights/registry.py`, saying which of its tables hold a worker's data, how to export
them and how to erase them."""

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg

from service.actor import Actor

# What free text, names of the worker and references become on erasure.
ERASED = "[erased]"


@dataclass(frozen=True, slots=True)
class Erasure:
    """One worker's erasure: who asked for it (an admin, or the system for retention), when,
    and how long a review slot freed by it is offered to the next on the waiting list."""

    worker_id: UUID
    actor: Actor
    now: datetime
    offer_hours: float = 24.0


@dataclass(frozen=True, slots=True)
class Viewer:
    """Who an export is for: the worker themself or an admin (some fields are the worker's
    alone: a review's action plan is not shown to admins)."""

    role: str


# export(conn, worker_id, viewer) -> {table or part: rows}; erase(conn, erasure) -> {table: rows}
Export = Callable[[asyncpg.Connection, UUID, Viewer], Awaitable[Mapping[str, Any]]]
Erase = Callable[[asyncpg.Connection, Erasure], Awaitable[Mapping[str, int]]]


@dataclass(frozen=True, slots=True)
class Section:
    """A domain's part of data rights. `tables` are the domain's tables with a worker column;
    its export answers each of them under the table's name (a list of rows, or one row for a
    table with one row per worker), and may add parts worked out from them (`priority`)."""

    domain: str
    tables: frozenset[str]
    export: Export
    erase: Erase
    # Parts of the export that are not rows of a table (worked out, or kept elsewhere).
    parts: frozenset[str] = field(default_factory=frozenset)


def uncovered(worker_tables: set[str], sections: list[Section]) -> list[str]:
    """The worker tables no section covers, sorted."""
    covered = {table for s in sections for table in s.tables}
    return sorted(worker_tables - covered)


def rows(records: list[asyncpg.Record]) -> list[dict[str, Any]]:
    return [dict(r) for r in records]


# The access log in words: what each audited action did with the worker's data.
ACTIONS = {
    "worker.create": "created your record",
    "worker.read": "read your record",
    "worker.list": "saw your record in a list of workers",
    "worker.update": "changed your record",
    "worker.priority.read": "read your priority score",
    "worker.priority.refresh": "recomputed your priority score",
    "worker.erase": "erased your personal details",
    "account.read": "read your learning account",
    "account.entries.read": "read your account's entries",
    "account.holds.read": "read the money held on your account",
    "account.statement": "downloaded your account statement",
    "account.contribute": "added a contribution to your account",
    "account.adjust": "adjusted your account",
    "account.accrual": "credited your account for the year",
    "account.midlife_topup": "granted your mid-life top-up",
    "account.retraining_topup": "granted your retraining top-up",
    "skills.read": "read your skills profile",
    "skills.history.read": "read the history of your skills",
    "skills.update": "recorded one of your skills",
    "skills.remove": "removed one of your skills",
    "reviews.book": "booked a career review for you",
    "reviews.read": "read one of your career reviews",
    "reviews.list": "saw your career review in a list",
    "reviews.cancel": "cancelled your career review",
    "reviews.reschedule": "rescheduled your career review",
    "reviews.outcome": "recorded the outcome of your career review",
    "reviews.slot_cancelled": "cancelled the slot of your career review",
    "reviews.calendar.read": "saw your career review in a rep's calendar",
    "reviews.slots": "looked at review slots for you",
    "reviews.waitlist.join": "put you on the waiting list for a review",
    "reviews.waitlist.list": "saw you on the waiting list for a review",
    "reviews.waitlist.offer": "offered you a review slot",
    "reviews.waitlist.offer_out_of_order": "offered you a review slot out of turn",
    "reviews.waitlist.withdraw": "took you off the waiting list for a review",
    "matching.read": "read your matches: safer occupations, gaps and course pathways",
    "matching.pathway.choose": "recorded your choice of a pathway",
    "datarights.export": "exported all your data",
    "datarights.access_log": "read this access log",
    "datarights.erasure_request": "asked for your personal details to be erased",
    "datarights.erasure_declined": "declined your request to be erased",
    "worker.import.create": "created your record from your employer's file",
    "worker.import.update": "updated your record from your employer's file",
    "worker.priority.programme": "recomputed your priority score for a redundancy programme",
    "enrolments.enrol": "looked at your record to enrol you on a course",
    "enrolments.book": "booked you a place on a course",
    "enrolments.wait": "put you on the waiting list for a course",
    "enrolments.offer": "offered you a place on a course",
    "enrolments.offer_lapsed": "let a place on a course offered to you lapse",
    "enrolments.accept": "accepted a place on a course for you",
    "enrolments.cancel": "cancelled your place on a course",
    "enrolments.read": "read one of your enrolments",
    "enrolments.provider_list": "saw your enrolment in the college's list",
    "enrolments.confirm": "looked at your enrolment to confirm it",
    "enrolments.start": "confirmed that you started a course",
    "enrolments.complete": "confirmed that you completed a course",
    "consents.give": "recorded your consent to share your name and email with a college",
    "consents.read": "read what you agreed to share",
    "consents.withdraw": "withdrew your consent to share your name and email",
    "equality.read": "read your equality monitoring answers",
    "equality.write": "saved your equality monitoring answers",
    "equality.withdraw": "deleted your equality monitoring answers",
    "challenges.raise": "raised a challenge to a decision",
    "challenges.list": "read your challenges",
    "challenges.answer": "looked at your challenge to answer it",
    "challenges.answered": "answered your challenge",
    "programmes.member.add": "added you to a programme for workers facing redundancy",
    "programmes.member.remove": "took you off a programme for workers facing redundancy",
    "programmes.reminder": "sent you a reminder about your redundancy programme",
    "programmes.destination.read": "read what you went on to do after your programme",
    "programmes.destination.record": "recorded what you went on to do after your programme",
}
READ_VERBS = ("read", "list", "statement", "slots", "export", "access_log", "provider_list")


def action_kind(action: str) -> str:
    """'read' for an action that only looked at the data, 'change' otherwise."""
    last = action.rsplit(".", 1)[-1]
    return "read" if last in READ_VERBS or action.startswith("reviews.calendar") else "change"


def describe(action: str) -> str:
    """The action in words; one this table does not know yet by its name."""
    return ACTIONS.get(action, action.replace(".", " ").replace("_", " "))


def years_before(moment: datetime, years: int) -> datetime:
    """The same moment `years` earlier (29 February becomes the 28th)."""
    try:
        return moment.replace(year=moment.year - years)
    except ValueError:
        return moment.replace(year=moment.year - years, day=28)


def changed(status: str) -> int:
    """The rows an UPDATE or DELETE changed, from its status (`UPDATE 3`)."""
    return int(status.rsplit(" ", 1)[-1])
