"""Pathways, free of I/O: which presentations suit a worker, the greedy weighted set cover that
chooses few, cheap courses covering the most gaps, and the order they are taken in
(docs/matching.md, "Gaps and pathways")."""

import heapq
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from uuid import UUID

# RQF levels from Entry 1 up; a worker with no qualification ("none") is below all of them.
LEVELS = ("E1", "E2", "E3", "1", "2", "3", "4", "5", "6", "7", "8")
LEVEL_RANK = {level: rank for rank, level in enumerate(LEVELS)} | {"none": -1}
# For workers who cannot count on daytime hours (part-time, zero-hours): these come first.
FLEXIBLE_PATTERNS = frozenset({"evening", "weekend", "self_paced"})
FLEXIBLE_DELIVERY = frozenset({"online", "blended"})
# What each chosen course costs on top of its price, in the cover's weighting: it makes fewer
# courses win over more courses at the same total price (a course is time as well as money).
COURSE_OVERHEAD_PENCE = 5_000
DIGITAL_TAGS = frozenset({"digital", "digcomp"})


@dataclass(frozen=True, slots=True)
class Gap:
    skill_id: UUID
    uri: str
    label: str
    tags: tuple[str, ...] = ()

    @property
    def digital(self) -> bool:
        return bool(DIGITAL_TAGS & set(self.tags))


@dataclass(frozen=True, slots=True)
class Offer:
    """One presentation of a course that the worker can reach, start and find a place on, with
    the gap skills (of any target) the course teaches."""

    course_id: UUID
    title: str
    level: str | None
    band: str | None
    presentation_id: UUID
    starts_on: date | None
    ends_on: date | None
    study_mode: str | None
    attendance: str | None
    delivery: str | None
    venue_postcode: str | None
    places_left: int | None
    cost_pence: int | None
    provider_name: str
    teaches: frozenset[UUID]


@dataclass(frozen=True, slots=True)
class Needs:
    """What decides which presentations suit the worker, and where their pathway starts."""

    flexible_hours: bool  # part-time or zero-hours: evening, weekend, self-paced, online first
    level_rank: int  # the worker's highest qualification, as LEVEL_RANK
    focus_digital: bool = False


@dataclass(frozen=True, slots=True)
class Choice:
    offer: Offer
    covers: tuple[Gap, ...]
    daytime_fallback: bool  # chosen although its hours may not suit: nothing else covered these
    below_level: bool  # below the worker's level: nothing at or above it covered these


@dataclass(slots=True)
class Cover:
    choices: list[Choice] = field(default_factory=list)
    uncovered: list[Gap] = field(default_factory=list)

    @property
    def total_cost_pence(self) -> int:
        return sum(c.offer.cost_pence or 0 for c in self.choices)


def needs_flexible_hours(contract_type: str, weekly_hours: float, full_time_hours: float) -> bool:
    return contract_type == "zero_hours" or weekly_hours < full_time_hours


def level_rank(level: str | None, default: int) -> int:
    return LEVEL_RANK.get(level, default) if level is not None else default


def suits_hours(offer: Offer, needs: Needs) -> bool:
    """Any pattern suits a full-time worker; a part-time or zero-hours worker is offered
    evening, weekend or self-paced attendance, or online or blended delivery, first."""
    return (not needs.flexible_hours or offer.attendance in FLEXIBLE_PATTERNS
            or offer.delivery in FLEXIBLE_DELIVERY)


def _tier(offer: Offer, needs: Needs) -> tuple[bool, bool]:
    """Lower is better: hours that suit first, then a level at or above the worker's."""
    return (not suits_hours(offer, needs),
            level_rank(offer.level, needs.level_rank) < needs.level_rank)


def _start(offer: Offer) -> date:
    return offer.starts_on or date.min


def cover(gaps: Sequence[Gap], offers: Sequence[Offer], needs: Needs) -> Cover:
    """Greedy weighted set cover. Each round takes, among the courses that close a gap still
    open, the one in the best tier (hours that suit, then at or above the worker's level) with
    the most gaps closed per pound (gaps / (cost + COURSE_OVERHEAD_PENCE)), ties to the cheaper,
    the lower level, then the course id; until no course closes an open gap. With
    `focus_digital` the digital gaps are closed first, by the same rule counting only them."""
    by_id = {g.skill_id: g for g in gaps}
    open_ = set(by_id)
    result = Cover()
    # what does not change between rounds, worked out once per course
    candidates = [(_tier(o, needs), o.cost_pence or 0, level_rank(o.level, needs.level_rank),
                   str(o.course_id), o) for o in offers if not o.teaches.isdisjoint(open_)]
    phases = [{g.skill_id for g in gaps if g.digital}] if needs.focus_digital else []
    for wanted in [*phases, set(by_id)]:
        for offer, tier in _greedy(candidates, open_, wanted):
            closed = offer.teaches & open_
            open_ -= closed
            covered = tuple(sorted((by_id[s] for s in closed), key=lambda g: g.label))
            result.choices.append(Choice(offer, covered, *tier))
    result.uncovered = [g for g in gaps if g.skill_id in open_]
    result.choices = in_order(result.choices, needs)
    return result


def _greedy(candidates: list[tuple], open_: set[UUID],
            wanted: set[UUID]) -> Iterator[tuple[Offer, tuple[bool, bool]]]:
    """The rounds of the cover, lazily (a course's key only gets worse as gaps close, so a
    course whose key, worked out again, is still the best on the heap is the round's best):
    each round's course, with its tier; the caller closes its gaps before the next round."""
    def key(candidate: tuple) -> tuple | None:
        tier, cost, rank, name, offer = candidate
        closes = len(offer.teaches & open_ & wanted)
        if not closes:
            return None
        return (tier, -closes / (cost + COURSE_OVERHEAD_PENCE), cost, rank, name)

    heap = [(k, i) for i, c in enumerate(candidates) if (k := key(c)) is not None]
    heapq.heapify(heap)
    while heap:
        stale, i = heapq.heappop(heap)
        fresh = key(candidates[i])
        if fresh is None:
            continue
        if fresh != stale and heap and heap[0][0] < fresh:
            heapq.heappush(heap, (fresh, i))
            continue
        yield candidates[i][4], candidates[i][0]


def in_order(choices: list[Choice], needs: Needs) -> list[Choice]:
    """Introductory to advanced: by RQF level (a course with none counts as the worker's), then
    start date. With `focus_digital`, the courses that close digital gaps come first."""
    def key(choice: Choice) -> tuple:
        digital_first = needs.focus_digital and not any(g.digital for g in choice.covers)
        offer = choice.offer
        return (digital_first, level_rank(offer.level, needs.level_rank), _start(offer),
                offer.title, str(offer.course_id))
    return sorted(choices, key=key)


def affordable(total_cost_pence: int, available_pence: int) -> bool:
    return total_cost_pence <= available_pence


def postcode_area(postcode: str | None) -> str | None:
    """"PL6 7FH" -> "PL": the letters a postcode starts with."""
    if not postcode:
        return None
    letters = ""
    for char in postcode.strip().upper():
        if not char.isalpha():
            break
        letters += char
    return letters[:2] or None
