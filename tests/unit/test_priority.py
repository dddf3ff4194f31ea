from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from service.errors import Invalid
from service.people.logic import (
    WorkerFacts,
    age_on,
    check_birth_date,
    check_weekly_hours,
    priority,
)
from service.policy.schemas import PriorityPoints

TODAY = date(2026, 11, 23)


def facts(**overrides) -> WorkerFacts:
    base = dict(birth_date=date(1990, 1, 1), weekly_hours=37.0, contract_type="permanent",
                highest_qualification="4", facing_redundancy=False, occupation_risk_category="Low")
    return WorkerFacts(**(base | overrides))


def test_nobody_at_risk_scores_zero():
    assert priority(facts(), TODAY) == (0, [])


@pytest.mark.parametrize(("overrides", "rule", "points"), [
    ({"birth_date": date(1976, 11, 23)}, "age_50_plus", 3),
    ({"birth_date": date(1976, 11, 24)}, "age_45_to_49", 2),
    ({"birth_date": date(1981, 11, 23)}, "age_45_to_49", 2),
    ({"weekly_hours": 36.5}, "part_time", 2),
    ({"contract_type": "zero_hours"}, "insecure_contract", 3),
    ({"contract_type": "agency"}, "insecure_contract", 3),
    ({"contract_type": "fixed_term"}, "insecure_contract", 3),
    ({"contract_type": "outsourced"}, "insecure_contract", 3),
    ({"occupation_risk_category": "High"}, "high_risk_occupation", 3),
    ({"facing_redundancy": True}, "facing_redundancy", 3),
    ({"highest_qualification": "2"}, "low_qualification", 1),
    ({"highest_qualification": "none"}, "low_qualification", 1),
    ({"highest_qualification": "E3"}, "low_qualification", 1),
])
def test_each_condition_gives_its_points_and_a_reason(overrides, rule, points):
    score, reasons = priority(facts(**overrides), TODAY)
    assert score == points
    assert [(r.rule, r.points) for r in reasons] == [(rule, points)]
    assert reasons[0].reason


def test_just_under_45_and_full_time_get_nothing():
    assert priority(facts(birth_date=date(1981, 11, 24), weekly_hours=37.0), TODAY)[0] == 0
    assert priority(facts(highest_qualification="3"), TODAY)[0] == 0


def test_the_most_exposed_worker_scores_everything():
    score, reasons = priority(facts(
        birth_date=date(1960, 1, 1), weekly_hours=16, contract_type="zero_hours",
        highest_qualification="none", facing_redundancy=True, occupation_risk_category="High"),
        TODAY)
    assert score == 3 + 2 + 3 + 3 + 3 + 1
    assert "aged 66" in reasons[0].reason


def test_rules_are_configurable():
    rules = PriorityPoints(part_time=5, full_time_hours=35)
    assert priority(facts(weekly_hours=36), TODAY, rules)[0] == 0
    assert priority(facts(weekly_hours=30), TODAY, rules)[0] == 5


@given(st.dates(min_value=date(1900, 1, 1), max_value=TODAY))
def test_age_counts_whole_years(born):
    age = age_on(born, TODAY)
    assert 0 <= age <= TODAY.year - born.year
    assert (TODAY.year - born.year) - age in (0, 1)


def test_leap_day_birthdays():
    assert age_on(date(2000, 2, 29), date(2026, 2, 28)) == 25
    assert age_on(date(2000, 2, 29), date(2026, 3, 1)) == 26


def test_birth_date_sanity():
    check_birth_date(date(1970, 1, 1), TODAY)
    with pytest.raises(Invalid) as refused:
        check_birth_date(date(2020, 1, 1), TODAY)
    assert refused.value.errors[0].field == "birth_date"


@pytest.mark.parametrize("hours", [0, 16, 16.5, 36.99, 37.0, 99.99, 100])
def test_hours_to_the_hundredth_are_accepted(hours):
    check_weekly_hours(hours)


@pytest.mark.parametrize("hours", [36.996, 36.999, 0.001, 1e-05, 12.345])
def test_hours_finer_than_the_hundredth_are_refused(hours):
    with pytest.raises(Invalid) as refused:
        check_weekly_hours(hours)
    assert [e.field for e in refused.value.errors] == ["weekly_hours"]
