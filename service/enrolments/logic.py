"""Enrolments' rules, free of I/O: which presentations take enrolments, whether a place is
free, what a cancellation does with the hold, how long an offer holds, and how a shortfall of
credit is said."""

from datetime import date, datetime, time, timedelta
from typing import Any, Literal

from service.clock import UK
from service.errors import Conflict, Forbidden, Invalid

HAS_PLACE = ("offered", "booked", "started", "completed")
CANCELLABLE = ("waiting", "offered", "booked")
FREE_CANCELLATION_DAYS = 7  # cancelling this many days or more before the start costs nothing


class InsufficientCredit(Invalid):
    title, slug = "Not enough credit", "insufficient-credit"


def pounds(pence: int) -> str:
    """£1,234.50 for 123450."""
    whole, part = divmod(pence, 100)
    return f"£{whole:,}.{part:02d}"


def check_enrollable(withdrawn: bool, starts_on: date | None, cost_pence: int | None,
                     today: date) -> None:
    """A presentation takes enrolments while it is listed, has not started, and has a cost."""
    if withdrawn:
        raise Conflict.on_field("presentation_id", "the college has withdrawn this "
                                "presentation (or its course)")
    if starts_on is not None and starts_on <= today:
        raise Conflict.on_field("presentation_id", f"the presentation started on {starts_on}; "
                                "choose one still to come")
    if cost_pence is None:
        raise Conflict.on_field("presentation_id", "the college has not given this "
                                "presentation's cost, so no hold can be placed; ask the college")


def check_consent(consent_to_share: bool) -> None:
    if not consent_to_share:
        raise Invalid.on_field("consent_to_share", "must be true: the college needs the "
                               "worker's name and email to enrol them, and shares them only "
                               "with this consent")


def free_places(places: int | None, taken: int, waiting: int) -> int:
    """How many places can be given now: `places` null is no limit (enough for all waiting)."""
    if places is None:
        return waiting + 1
    return max(0, places - taken)


def needed_to_run(min_places: int | None, taken: int) -> int | None:
    return None if min_places is None else max(0, min_places - taken)


def starts_at(starts_on: date) -> datetime:
    """The start of the presentation's first day, UK time."""
    return datetime.combine(starts_on, time(0), UK)


def offer_expiry(now: datetime, hours: float, starts_on: date | None) -> datetime:
    """An offer holds for `hours`, never past the presentation's start."""
    expires = now + timedelta(hours=hours)
    return expires if starts_on is None else min(expires, starts_at(starts_on))


def hold_outcome(by_college: bool, starts_on: date | None,
                 today: date) -> Literal["released", "settled"]:
    """A college's cancellation releases the hold; anyone else's releases it 7 or more days
    before the start (or with no start date), and settles it to the college after that."""
    if by_college or starts_on is None:
        return "released"
    if (starts_on - today).days >= FREE_CANCELLATION_DAYS:
        return "released"
    return "settled"


def check_cancellable(status: str) -> None:
    if status not in CANCELLABLE:
        raise Conflict.on_field("enrolment_id", f"the enrolment is {status}; only a waiting, "
                                "offered or booked enrolment can be cancelled")


def check_college(role: str, provider_id: Any, own_provider_id: Any) -> None:
    """A college acts only on enrolments on its own courses."""
    if role == "college" and provider_id != own_provider_id:
        raise Forbidden.on_field("enrolment_id", "the enrolment is on another college's course")


def check_startable(status: str, starts_on: date | None, today: date) -> None:
    if status != "booked":
        raise Conflict.on_field("enrolment_id", f"the enrolment is {status}; only a booked "
                                "enrolment can be started")
    if starts_on is not None and starts_on > today:
        raise Conflict.on_field("enrolment_id", f"the presentation starts on {starts_on}; "
                                "confirm the start on or after that day")


def check_completable(status: str) -> None:
    if status != "started":
        raise Conflict.on_field("enrolment_id", f"the enrolment is {status}; only a started "
                                "enrolment can be completed")


def check_acceptable(status: str, expires_at: datetime | None, now: datetime) -> None:
    if status != "offered":
        raise Conflict.on_field("enrolment_id", f"the enrolment is {status}; only an offered "
                                "place can be accepted")
    if expires_at is not None and expires_at <= now:
        raise Conflict.on_field("enrolment_id", "the offer lapsed at "
                                f"{expires_at.isoformat()}; it passes to the next in line")


def short_of_credit(cost_pence: int, shortfall_pence: int) -> InsufficientCredit:
    available = cost_pence - shortfall_pence
    return InsufficientCredit.on_field(
        "presentation_id", f"the course costs {pounds(cost_pence)} and the worker has "
        f"{pounds(available)} available: {pounds(shortfall_pence)} short")
