"""Ledger arithmetic, free of I/O: what each entry does to the totals, how much an accrual
credits, which pots a hold draws from, and how amounts read in a statement."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from uuid import UUID

from service.accounts.schemas import CourseEarmark, Earmark, PathwayEarmark
from service.errors import Conflict, Invalid
from service.policy.schemas import PolicyRules

CREDIT_KINDS = frozenset({"annual_credit", "midlife_topup", "retraining_topup", "contribution"})
GENERAL = "general"
ANY_PATHWAY = "pathway:*"
FIRST_PERIOD = 2000
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_SOURCES = {"employer": "the employer", "union": "the union"}


class InsufficientFunds(Conflict):
    title, slug = "Insufficient funds", "insufficient-funds"
    shortfall_pence: int | None = None  # how much more a refused hold needed, where known


@dataclass(frozen=True, slots=True)
class Totals:
    """What the account's cached row holds; `available` is derived, never stored."""

    balance: int = 0
    held: int = 0
    credited: int = 0

    @property
    def available(self) -> int:
        return self.balance - self.held

    def __add__(self, other: "Totals") -> "Totals":
        return Totals(self.balance + other.balance, self.held + other.held,
                      self.credited + other.credited)


@dataclass(frozen=True, slots=True)
class HoldPurpose:
    """What a hold pays for: earmarked money for this course or pathway is used first."""

    course_id: UUID | None = None
    pathway_target: str | None = None


def effect(kind: str, amount: int) -> Totals:
    """An entry's effect: holds set money aside, settlements pay it out of the balance."""
    if kind in CREDIT_KINDS:
        return Totals(amount, 0, amount)
    if kind == "adjustment":
        return Totals(amount, 0, 0)
    if kind == "hold":
        return Totals(0, amount, 0)
    if kind == "release":
        return Totals(0, -amount, 0)
    if kind == "settlement":
        return Totals(-amount, -amount, 0)
    raise ValueError(f"unknown entry kind {kind!r}")


def fold(entries: Iterable[tuple[str, int]]) -> Totals:
    total = Totals()
    for kind, amount in entries:
        total = total + effect(kind, amount)
    return total


def is_enhanced(highest_qualification: str, contract_type: str, rules: PolicyRules) -> bool:
    return (highest_qualification in rules.enhanced_qualifications
            or contract_type in rules.enhanced_contracts)


def credit_terms(enhanced: bool, rules: PolicyRules) -> tuple[str, int, int]:
    """(rule name, yearly credit, ceiling) for a worker's rate."""
    if enhanced:
        return "enhanced_annual_credit", rules.enhanced_credit_pence, rules.enhanced_ceiling_pence
    return "annual_credit", rules.annual_credit_pence, rules.annual_ceiling_pence


def annual_credit(balance: int, credit: int, ceiling: int) -> int:
    """The yearly credit, cut so that the balance reaches at most the ceiling."""
    return max(0, min(credit, ceiling - balance))


def check_period(period: str, today: date) -> date:
    """A period is a calendar year, up to this one; credits are worked out as on the returned
    day (today, or 31 December of a past year)."""
    if not (len(period) == 4 and period.isascii() and period.isdigit()):
        raise Invalid.on_field("period", "a calendar year, e.g. 2026")
    year = int(period)
    if year < FIRST_PERIOD:
        raise Invalid.on_field("period", f"the scheme's periods start in {FIRST_PERIOD}")
    if year > today.year:
        raise Invalid.on_field("period", f"{period} has not started yet")
    return today if year == today.year else date(year, 12, 31)


def pot_of(earmark: Earmark | None) -> str:
    if earmark is None:
        return GENERAL
    if isinstance(earmark, CourseEarmark):
        return f"course:{earmark.id}"
    return f"pathway:{earmark.target}" if earmark.target else ANY_PATHWAY


def earmark_of(pot: str) -> Earmark | None:
    if pot == GENERAL:
        return None
    kind, _, value = pot.partition(":")
    if kind == "course":
        return CourseEarmark(UUID(value))
    return PathwayEarmark(None if value == "*" else value)


def draw_order(purpose: HoldPurpose, pots: Iterable[str]) -> list[str]:
    """Money earmarked for this course, then for its pathway, then general money, then money
    earmarked for something else (earmarks set an order, not a wall)."""
    first = []
    if purpose.course_id is not None:
        first.append(f"course:{purpose.course_id}")
    if purpose.pathway_target is not None:
        first += [f"pathway:{purpose.pathway_target}", ANY_PATHWAY]
    first.append(GENERAL)
    return first + sorted(set(pots) - set(first))


def allocate(amount: int, available: dict[str, int], purpose: HoldPurpose) -> list[tuple[str, int]]:
    """Split a hold over the pots in draw order; refuses if the pots cannot cover it."""
    if amount <= 0:
        raise Invalid.on_field("amount_pence", "must be more than zero")
    total = sum(max(0, v) for v in available.values())
    if total < amount:
        error = InsufficientFunds.on_field(
            "amount_pence", f"{pounds(amount)} asked, {pounds(total)} available")
        error.shortfall_pence = amount - total
        raise error
    portions, left = [], amount
    for pot in draw_order(purpose, available):
        take = min(left, max(0, available.get(pot, 0)))
        if take:
            portions.append((pot, take))
            left -= take
        if not left:
            break
    return portions


def pounds(pence: int) -> str:
    """12.50 for 1250: how people read money in a spreadsheet."""
    sign = "-" if pence < 0 else ""
    whole, part = divmod(abs(pence), 100)
    return f"{sign}{whole}.{part:02d}"


def spreadsheet_text(text: str | None) -> str:
    """Text a spreadsheet will not run as a formula (CSV injection)."""
    if not text:
        return ""
    return "'" + text if text.startswith(_FORMULA_START) else text


def describe(kind: str, period: str | None, source: str | None, rule: str | None,
             reason: str | None) -> str:
    if kind == "annual_credit":
        rate = "enhanced rate" if rule == "enhanced_annual_credit" else "standard rate"
        return f"Annual credit {period} ({rate})"
    words = {
        "midlife_topup": "Mid-life review top-up",
        "retraining_topup": "Retraining top-up",
        "contribution": f"Contribution from {_SOURCES.get(source or '', 'another source')}",
        "hold": "Held for a course",
        "release": "Hold released",
        "settlement": "Paid to the course provider",
        "adjustment": "Adjustment",
    }[kind]
    return f"{words}: {reason}" if reason else words
