"""The rules of programmes, free of I/O: dates, which destination counts, when reps are
reminded."""

import calendar
from datetime import date

from service.errors import Invalid

WINDOW_MONTHS = 12  # a destination counts if recorded within twelve months of the last day
REMINDER_MONTHS = (6, 11)  # reps are reminded of members with no destination then
WORK_OR_STUDY = frozenset({"new_job_permanent", "new_job_fixed_term", "same_employer_new_role",
                           "self_employed", "study"})


def add_months(day: date, months: int) -> date:
    """The same day `months` later, or the month's last day if it has fewer (31 Aug + 6 is
    28/29 Feb), as PostgreSQL's `date + interval 'n months'` does."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


EARLIEST, LATEST = date(2000, 1, 1), date(2099, 12, 31)  # a programme's dates lie between


def check_dates(announced_on: date, last_day: date) -> None:
    for name, day in (("announced_on", announced_on), ("last_day", last_day)):
        if not EARLIEST <= day <= LATEST:
            raise Invalid.on_field(name, f"{day} is not between {EARLIEST} and {LATEST}")
    if last_day < announced_on:
        raise Invalid.on_field("last_day", f"{last_day} is before announced_on "
                               f"({announced_on})")


def check_destination(recorded_on: date, announced_on: date, today: date) -> None:
    """A destination is recorded on a day from the programme's announcement to today."""
    if recorded_on < announced_on:
        raise Invalid.on_field("recorded_on", f"{recorded_on} is before the programme was "
                               f"announced ({announced_on})")
    if recorded_on > today:
        raise Invalid.on_field("recorded_on", f"{recorded_on} is in the future")


def window_end(last_day: date) -> date:
    return add_months(last_day, WINDOW_MONTHS)


def counts(recorded_on: date, announced_on: date, last_day: date) -> bool:
    """Whether a destination recorded that day is within the programme's window."""
    return announced_on <= recorded_on <= window_end(last_day)


def reminder_due(last_day: date, today: date) -> int | None:
    """The reminder month reached by today (11 once past it, else 6), or None before six months
    or once the twelve-month window has closed."""
    if today > window_end(last_day):
        return None
    reached = [m for m in REMINDER_MONTHS if today >= add_months(last_day, m)]
    return reached[-1] if reached else None


def no_match_note(employer: str, added: int) -> str | None:
    if added:
        return None
    return (f"no worker of {employer!r} in these occupations is recorded yet: the programme "
            "is made, with no members; import or add them (POST /v1/workers/import"
            "?programme=, POST /v1/programmes/{id}/members)")
