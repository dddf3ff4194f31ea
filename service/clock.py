"""The scheme's calendar is the UK's: a worker turns 45, a policy takes effect and a review
is "today" by the date in Europe/London, not by the server's clock zone or UTC (which differ
from it by an hour all summer)."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

UK = ZoneInfo("Europe/London")


def today() -> date:
    """Today's date in the UK."""
    return datetime.now(UK).date()


def day_of(moment: datetime) -> date:
    """The UK date of an aware moment."""
    return moment.astimezone(UK).date()


def start_of(day: date) -> datetime:
    """Midnight at the start of a UK day, as an aware moment (reports count from it)."""
    return datetime.combine(day, time(), tzinfo=UK)
