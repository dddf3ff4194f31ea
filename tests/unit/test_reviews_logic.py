from datetime import UTC, date, datetime, timedelta

import pytest

from service.errors import Conflict, Invalid
from service.reviews import logic

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


def facts(**fields):
    base = {"birth_date": date(1995, 1, 1), "contract_type": "permanent",
            "facing_redundancy": False, "risk_category": "Low"}
    return logic.EligibilityFacts(**(base | fields))


@pytest.mark.parametrize(("start", "end", "field"), [
    (NOW, NOW + timedelta(hours=1), "starts_at"),
    (NOW - timedelta(minutes=1), NOW + timedelta(hours=1), "starts_at"),
    (NOW + timedelta(hours=2), NOW + timedelta(hours=2), "ends_at"),
    (NOW + timedelta(hours=2), NOW + timedelta(hours=1), "ends_at"),
    (NOW + timedelta(hours=1), NOW + timedelta(hours=4, seconds=1), "ends_at"),
])
def test_bad_slots(start, end, field):
    with pytest.raises(Invalid) as refused:
        logic.check_slot(start, end, NOW)
    assert refused.value.errors[0].field == field


def test_a_three_hour_slot_is_fine():
    logic.check_slot(NOW + timedelta(hours=1), NOW + timedelta(hours=4), NOW)


def test_eligibility_rules():
    today = NOW.date()
    assert logic.eligible_rules(facts(), today, 45) == []
    assert logic.eligible_rules(facts(birth_date=date(1981, 6, 1)), today, 45) == ["aged_45_plus"]
    assert logic.eligible_rules(facts(birth_date=date(1981, 6, 2)), today, 45) == []
    assert logic.eligible_rules(facts(risk_category="High"), today, 45) == [
        "high_risk_occupation"]
    assert logic.eligible_rules(facts(facing_redundancy=True), today, 45) == [
        "facing_redundancy"]
    for contract in ("zero_hours", "agency", "fixed_term", "outsourced"):
        assert logic.eligible_rules(facts(contract_type=contract), today, 45) == [
            "insecure_contract"]
    assert logic.eligible_rules(facts(birth_date=date(1981, 6, 1)), today, 50) == []


def test_the_refusal_names_the_rule_and_the_waiting_list():
    refusal = logic.refuse_not_eligible(45)
    assert refusal.status == 403 and refusal.slug == "not-eligible"
    assert "aged 45+" in refusal.detail and "waiting list" in refusal.detail


def test_late_is_less_than_a_day_before():
    assert logic.is_late(NOW + timedelta(hours=23, minutes=59), NOW)
    assert not logic.is_late(NOW + timedelta(hours=24), NOW)


def test_outcome_rules():
    start = NOW - timedelta(minutes=5)
    logic.check_outcome("attended", "plan", 1, 1, start, "booked", NOW)
    logic.check_outcome("no_show", None, 0, 0, start, "booked", NOW)
    with pytest.raises(Conflict):
        logic.check_outcome("attended", "plan", 0, 0, NOW + timedelta(minutes=1), "booked", NOW)
    with pytest.raises(Conflict):
        logic.check_outcome("no_show", None, 0, 0, start, "attended", NOW)
    with pytest.raises(Invalid) as no_plan:
        logic.check_outcome("attended", "  ", 0, 0, start, "booked", NOW)
    assert no_plan.value.errors[0].field == "action_plan"
    with pytest.raises(Invalid):
        logic.check_outcome("no_show", None, 1, 0, start, "booked", NOW)

