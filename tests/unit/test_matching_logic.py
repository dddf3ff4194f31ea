"""Pathway rules, free of I/O: the greedy weighted set cover, its tiers, the order, reach."""

import uuid
from datetime import date
from pathlib import Path

from service.matching import logic, regions
from service.matching.logic import Gap, Needs, Offer

ROOT = Path(__file__).resolve().parents[2]
FULL_TIME = Needs(flexible_hours=False, level_rank=logic.LEVEL_RANK["2"])
ZERO_HOURS = Needs(flexible_hours=True, level_rank=logic.LEVEL_RANK["2"])


def gap(name: str, *tags: str) -> Gap:
    return Gap(uuid.uuid5(uuid.NAMESPACE_DNS, name), f"uri:{name}", name, tags)


A, B, C = gap("a"), gap("b"), gap("c", "digital")


def offer(name: str, *gaps: Gap, cost: int = 10_000, level: str | None = "2",
          attendance: str = "evening", delivery: str = "classroom",
          starts: date | None = date(2027, 1, 1)) -> Offer:
    course = uuid.uuid5(uuid.NAMESPACE_DNS, "course/" + name)
    return Offer(course, name, level, None, uuid.uuid5(course, attendance + delivery), starts,
                 None, None, attendance, delivery, None, 5, cost, "College",
                 frozenset(g.skill_id for g in gaps))


def titles(result: logic.Cover) -> list[str]:
    return [c.offer.title for c in result.choices]


def test_one_course_closing_two_gaps_beats_two_closing_one():
    result = logic.cover([A, B], [offer("a", A), offer("b", B), offer("ab", A, B)], FULL_TIME)
    assert titles(result) == ["ab"] and result.uncovered == []
    assert result.total_cost_pence == 10_000


def test_cheaper_courses_win_when_they_cost_less_per_gap():
    # two at £10 (plus the per-course weight of £50 each) beat one at £200
    result = logic.cover([A, B], [offer("a", A, cost=1_000), offer("b", B, cost=1_000),
                                  offer("ab", A, B, cost=20_000)], FULL_TIME)
    assert sorted(titles(result)) == ["a", "b"]


def test_hours_that_suit_come_before_price_for_flexible_workers():
    courses = [offer("day", A, cost=100, attendance="daytime"), offer("eve", A, cost=50_000)]
    assert titles(logic.cover([A], courses, ZERO_HOURS)) == ["eve"]
    assert titles(logic.cover([A], courses, FULL_TIME)) == ["day"]
    online_day = offer("online", A, attendance="daytime", delivery="online", cost=60_000)
    assert titles(logic.cover([A], [courses[0], online_day], ZERO_HOURS)) == ["online"]
    [only] = logic.cover([A], [courses[0]], ZERO_HOURS).choices
    assert only.daytime_fallback and not only.below_level


def test_order_is_introductory_to_advanced_and_digital_first_under_focus():
    courses = [offer("adv", C, level="5"), offer("intro", A, level="1"),
               offer("none", B, level=None, starts=None)]
    needs = Needs(False, logic.LEVEL_RANK["none"])
    # no level counts as the worker's (none, below Entry 1)
    assert titles(logic.cover([A, B, C], courses, needs)) == ["none", "intro", "adv"]
    assert titles(logic.cover([A, B, C], courses, Needs(False, -1, True)))[0] == "adv"


def test_a_course_without_level_counts_as_the_workers_level():
    courses = [offer("three", A, level="3"), offer("unlevelled", B, level=None),
               offer("one", C, level="1")]
    needs = Needs(False, logic.LEVEL_RANK["2"])
    assert titles(logic.cover([A, B, C], courses, needs)) == ["one", "unlevelled", "three"]


def test_part_time_and_zero_hours_need_flexible_hours():
    assert logic.needs_flexible_hours("zero_hours", 40, 37)
    assert logic.needs_flexible_hours("permanent", 36.5, 37)
    assert not logic.needs_flexible_hours("permanent", 37, 37)


def test_postcode_areas_and_regions():
    assert logic.postcode_area("pl6 7fh") == "PL"
    assert logic.postcode_area("M1 1AA") == "M"
    assert logic.postcode_area(None) is None
    catalogue = ROOT / "catalogue"
    yorkshire = regions.areas_in("E12000003", catalogue)
    assert {"LS", "BD", "HU", "YO", "S", "DN"} <= set(yorkshire)
    assert "PL" not in yorkshire and "PL" in regions.areas_in("E12000009", catalogue)
    assert "CH" in regions.areas_in("W92000004", catalogue)  # Flintshire's CH5-CH8
    assert regions.areas_in("E99999999", catalogue) == []
    every = {a for r in ("E12000001", "E12000002", "E12000003", "E12000004", "E12000005",
                         "E12000006", "E12000007", "E12000008", "E12000009", "W92000004",
                         "S92000003", "N92000002") for a in regions.areas_in(r, catalogue)}
    assert len(every) == 121  # the UK's postcode areas, without the Crown Dependencies
