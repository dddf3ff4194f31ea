import uuid
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from service.accounts import logic
from service.accounts.logic import HoldPurpose, InsufficientFunds, Totals
from service.accounts.schemas import CourseEarmark, PathwayEarmark
from service.errors import Invalid
from service.policy.schemas import PolicyRules

COURSE = uuid.UUID("00000000-0000-0000-0000-000000000001")


def test_effects_of_each_kind():
    assert logic.effect("annual_credit", 500) == Totals(500, 0, 500)
    assert logic.effect("contribution", 5) == Totals(5, 0, 5)
    assert logic.effect("adjustment", -5) == Totals(-5, 0, 0)
    assert logic.effect("hold", 7) == Totals(0, 7, 0)
    assert logic.effect("release", 7) == Totals(0, -7, 0)
    assert logic.effect("settlement", 7) == Totals(-7, -7, 0)
    with pytest.raises(ValueError):
        logic.effect("gift", 1)


@pytest.mark.parametrize(("balance", "credit", "ceiling", "expected"), [
    (0, 50_000, 500_000, 50_000),
    (480_000, 50_000, 500_000, 20_000),
    (500_000, 50_000, 500_000, 0),
    (700_000, 50_000, 500_000, 0),
])
def test_annual_credit_stops_at_the_ceiling(balance, credit, ceiling, expected):
    assert logic.annual_credit(balance, credit, ceiling) == expected


def test_enhanced_rate_for_rqf_2_or_below_or_insecure_contract():
    rules = PolicyRules()
    assert logic.is_enhanced("2", "permanent", rules)
    assert logic.is_enhanced("none", "permanent", rules)
    assert logic.is_enhanced("4", "zero_hours", rules)
    assert not logic.is_enhanced("3", "permanent", rules)
    assert logic.credit_terms(True, rules) == ("enhanced_annual_credit", 80_000, 800_000)
    assert logic.credit_terms(False, rules) == ("annual_credit", 50_000, 500_000)


def test_periods():
    today = date(2026, 11, 23)
    assert logic.check_period("2026", today) == today
    assert logic.check_period("2024", today) == date(2024, 12, 31)
    for bad in ("2027", "1999", "26", "２０２６", "20x6"):
        with pytest.raises(Invalid):
            logic.check_period(bad, today)


def test_pots_and_earmarks_round_trip():
    for earmark in (None, CourseEarmark(COURSE), PathwayEarmark("occ"), PathwayEarmark(None)):
        assert logic.earmark_of(logic.pot_of(earmark)) == earmark


def test_draw_order_puts_matching_earmarks_first_and_others_last():
    pots = ["general", f"course:{COURSE}", "pathway:occ", "pathway:*", "course:other"]
    assert logic.draw_order(HoldPurpose(COURSE, "occ"), pots) == [
        f"course:{COURSE}", "pathway:occ", "pathway:*", "general", "course:other"]
    assert logic.draw_order(HoldPurpose(), pots) == [
        "general", f"course:{COURSE}", "course:other", "pathway:*", "pathway:occ"]


def test_allocate_refuses_what_does_not_fit():
    with pytest.raises(InsufficientFunds) as refused:
        logic.allocate(101, {"general": 100}, HoldPurpose())
    assert refused.value.status == 409 and "1.01" in refused.value.detail
    with pytest.raises(Invalid):
        logic.allocate(0, {"general": 100}, HoldPurpose())


def test_pounds_and_spreadsheet_text():
    assert [logic.pounds(p) for p in (0, 5, 1250, 100_000, -1250)] == [
        "0.00", "0.05", "12.50", "1000.00", "-12.50"]
    assert logic.spreadsheet_text("=SUM(A1)") == "'=SUM(A1)"
    assert logic.spreadsheet_text("@cmd") == "'@cmd"
    assert logic.spreadsheet_text("PO 12") == "PO 12"
    assert logic.spreadsheet_text(None) == ""


POTS = st.sampled_from(["general", f"course:{COURSE}", "pathway:*"])
OPS = st.lists(st.one_of(
    st.tuples(st.just("credit"), st.integers(1, 10**6), POTS),
    st.tuples(st.just("hold"), st.integers(1, 10**6), st.booleans()),
    st.tuples(st.just("release"), st.integers(0, 50), st.none()),
    st.tuples(st.just("settle"), st.integers(0, 50), st.none()),
), max_size=60)


@given(OPS)
def test_any_sequence_keeps_balance_the_sum_of_entries_and_available_non_negative(ops):
    """A model of the ledger driven only by the pure rules the database code uses."""
    entries: list[tuple[str, int, str]] = []
    holds: list[list[tuple[str, int]]] = []
    open_holds: set[int] = set()
    for op, value, extra in ops:
        pots: dict[str, int] = {}
        for kind, amount, pot in entries:
            change = logic.effect(kind, amount)
            pots[pot] = pots.get(pot, 0) + change.available
        if op == "credit":
            entries.append(("contribution", value, extra))
        elif op == "hold":
            purpose = HoldPurpose(COURSE if extra else None, "x" if extra else None)
            try:
                portions = logic.allocate(value, pots, purpose)
            except InsufficientFunds:
                assert value > sum(pots.values())
                continue
            assert sum(a for _, a in portions) == value
            entries += [("hold", a, p) for p, a in portions]
            holds.append(portions)
            open_holds.add(len(holds) - 1)
        elif open_holds:
            index = sorted(open_holds)[value % len(open_holds)]
            open_holds.discard(index)
            kind = "release" if op == "release" else "settlement"
            entries += [(kind, a, p) for p, a in holds[index]]
        totals = logic.fold((k, a) for k, a, _ in entries)
        assert totals.balance == sum(logic.effect(k, a).balance for k, a, _ in entries)
        assert totals.available >= 0
        assert totals.held == sum(a for i in open_holds for _, a in holds[i])
        assert all(v >= 0 for v in pots.values())
