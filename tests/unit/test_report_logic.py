"""The equality report's suppression and ratios (service/reports/logic.py)."""

import pytest

from service.reports import logic
from service.reports.logic import Cell


def row(**fields):
    """One combination's sums: by default one full-time permanent worker, 40, no answers."""
    base = {"age": 40, "contract_type": "permanent", "part_time": False, "region": "E12000003",
            "sex": None, "ethnicity": None, "disability": None}
    sums = {m: 0 for m in logic.MEASURES} | {p: 0 for p in logic.MEASURES.values()}
    sums |= {"workers": 1, "enrolments": None, "courses_started": None}
    return base | sums | fields


def cells(**counts):
    return {g: Cell(values={"n": n}, people={"n": n}) for g, n in counts.items()}


@pytest.mark.parametrize("age,band", [(16, "under_25"), (24, "under_25"), (25, "25-34"),
                                      (34, "25-34"), (35, "35-44"), (44, "35-44"),
                                      (45, "45-49"), (49, "45-49"), (50, "50-64"),
                                      (64, "50-64"), (65, "65+"), (90, "65+"),
                                      (None, "not_stated")])
def test_age_bands(age, band):
    assert logic.age_band(age) == band


def test_a_cell_of_3_is_suppressed_with_the_smallest_other_cell():
    table = cells(a=3, b=8, c=20)
    total = Cell(values={"n": 31}, people={"n": 31})
    assert logic.suppressed(table, "n", total) == {"a", "b"}


def test_two_suppressed_cells_need_no_complement():
    table = cells(a=3, b=2, c=20, d=9)
    total = Cell(values={"n": 34}, people={"n": 34})
    assert logic.suppressed(table, "n", total) == {"a", "b"}


def test_nothing_is_suppressed_when_every_cell_has_5_or_more():
    table = cells(a=5, b=8)
    assert logic.suppressed(table, "n", Cell(values={"n": 13}, people={"n": 13})) == set()


def test_a_total_under_5_suppresses_everything():
    table = cells(a=1, b=3)
    assert logic.suppressed(table, "n", Cell(values={"n": 4}, people={"n": 4})) == {"a", "b"}


def test_money_is_suppressed_by_the_workers_behind_it():
    table = {"a": Cell(values={"m": 90_000}, people={"m": 2}),
             "b": Cell(values={"m": 500_000}, people={"m": 10}),
             "c": Cell(values={"m": 700_000}, people={"m": 12})}
    total = Cell(values={"m": 1_290_000}, people={"m": 24})
    assert logic.suppressed(table, "m", total) == {"a", "b"}


def test_the_published_table_withholds_ratios_resting_on_a_suppressed_cell():
    rows = [row(part_time=True) for _ in range(3)] + [row() for _ in range(8)]
    for r in rows[:2] + rows[3:8]:
        r |= {"reviews_held": 1, "reviews_held_people": 1}
    total, tables = logic.tabulate(rows)
    published = {r["group"]: r for r in logic.published(tables["part_time"], total)}
    assert published["part_time"]["workers"] is None  # 3
    assert published["full_time"]["workers"] is None  # its complement, else 11 - 8 = 3
    assert published["full_time"]["representation"]["reviews_held"] is None
    age = {r["group"]: r for r in logic.published(tables["age_band"], total)}
    assert age["35-44"]["workers"] == 11 and age["35-44"]["reviews_held"] == 7
    assert age["35-44"]["representation"]["reviews_held"] == 1.0
    assert age["50-64"]["workers"] is None  # 0 workers: under 5 too
    assert logic.published_total(total)["workers"] == 11


def test_representation_ratio_is_share_of_measure_over_share_of_workers():
    rows = [row(contract_type="zero_hours") for _ in range(10)] + [row() for _ in range(30)]
    for r in rows[:5]:
        r |= {"reviews_held": 1, "reviews_held_people": 1}
    for r in rows[10:30]:
        r |= {"reviews_held": 1, "reviews_held_people": 1}
    total, tables = logic.tabulate(rows)
    by = {r["group"]: r for r in logic.published(tables["contract_type"], total)}
    # zero-hours: 5 of 25 reviews (0.2) from 10 of 40 workers (0.25)
    assert by["zero_hours"]["representation"]["reviews_held"] == 0.8
    assert by["permanent"]["representation"]["reviews_held"] == pytest.approx(1.07)
    assert by["zero_hours"]["enrolments"] is None
    assert by["zero_hours"]["representation"]["enrolments"] is None


def test_equality_groups_include_not_stated_and_map_detailed_answers():
    rows = [row(sex="female", ethnicity="black_african", disability="disabled_limited_a_lot"),
            row()]
    _, tables = logic.tabulate(rows)
    assert tables["ethnicity"]["black"].values["workers"] == 1
    assert tables["ethnicity"]["not_stated"].values["workers"] == 1
    assert tables["disability"]["disabled"].values["workers"] == 1
    assert list(tables["sex"]) == ["female", "male", "prefer_not_to_say", "not_stated"]


def test_challenge_counts_are_suppressed_as_cells():
    assert logic.published_counts({"open": 3, "upheld": 9, "changed": 12}) == {
        "open": None, "upheld": None, "changed": 12, "total": 24}
    assert logic.published_counts({"open": 0, "upheld": 0, "changed": 0}) == {
        "open": None, "upheld": None, "changed": None, "total": None}


# The one small-number rule (`withheld`) that the equality report and the programme report share.

def test_withheld_hides_cells_under_5_and_the_smallest_other_with_a_lone_one():
    assert logic.withheld({"a": 3, "b": 8, "c": 20}) == {"a", "b"}
    assert logic.withheld({"a": 3, "b": 2, "c": 20}) == {"a", "b"}  # two: no complement
    assert logic.withheld({"a": 5, "b": 8}) == set()
    assert logic.withheld({"a": 4}) == {"a"}  # nothing else to hide with it
    assert logic.withheld({}) == set()


def test_withheld_picks_the_complement_by_published_value_then_order():
    people = {"a": 2, "b": 10, "c": 12}
    assert logic.withheld(people, {"a": 90_000, "b": 700_000, "c": 500_000}) == {"a", "c"}
    assert logic.withheld({"a": 3, "b": 8, "c": 8}) == {"a", "b"}  # the first of equals
    assert logic.withheld({"c": 3, "b": 8, "a": 8}) == {"c", "b"}  # the given order, not names


def test_withheld_takes_cells_hidden_for_another_reason_and_a_small_total():
    assert logic.withheld({"a": 9, "b": 9, "c": 7}, also={"b"}) == {"b", "c"}
    assert logic.withheld({"a": 9, "b": 9}, also={"a", "b"}) == {"a", "b"}
    assert logic.withheld({"a": 0, "b": 9}, total_people=4) == {"a", "b"}
    assert logic.withheld({"a": 9, "b": 9}, total_people=18) == set()


def test_the_rule_is_written_once_and_both_reports_use_it():
    from pathlib import Path

    from service.programmes import reporting
    service = Path(logic.__file__).resolve().parents[1]
    defined = [str(p.relative_to(service)) for p in service.rglob("*.py")
               if "SUPPRESS_BELOW =" in p.read_text(encoding="utf-8")
               or "def _complement" in p.read_text(encoding="utf-8")]
    assert defined == ["reports/logic.py"]
    assert reporting.withheld is logic.withheld
    # the programme report's breakdown and the equality report's cells agree on one table
    rows = reporting.suppress([("a", 12, 6, 1.0), ("b", 3, 1, 1.0), ("c", 8, 5, 1.0)])
    assert {r.group for r in rows if r.workers is None} == {"b", "c"} == logic.suppressed(
        cells(a=12, b=3, c=8), "n", Cell(values={"n": 23}, people={"n": 23}))
