import json
import re
from datetime import UTC, date, datetime

import msgspec
import pytest

from service.errors import Conflict, Invalid
from service.policy import logic
from service.policy.schemas import Policy, PolicyIn, PolicyRules
from tests.conftest import ROOT


def test_the_migration_seeds_exactly_the_code_defaults():
    sql = (ROOT / "migrations" / "0003_accounts.sql").read_text()
    seeded = json.loads(re.search(r"'(\{.*?\})'::jsonb", sql, re.DOTALL).group(1))
    assert seeded == msgspec.to_builtins(PolicyRules())
    assert msgspec.convert(seeded, PolicyRules) == PolicyRules()


def test_defaults_are_the_design_figures():
    rules = PolicyRules()
    assert (rules.annual_credit_pence, rules.annual_ceiling_pence) == (50_000, 500_000)
    assert (rules.enhanced_credit_pence, rules.enhanced_ceiling_pence) == (80_000, 800_000)
    assert (rules.midlife_topup_pence, rules.midlife_min_age) == (100_000, 45)
    assert rules.retraining_topup_pence == 150_000
    logic.check_rules(rules)


@pytest.mark.parametrize(("changes", "field"), [
    ({"annual_credit_pence": 600_000}, "rules.annual_credit_pence"),
    ({"enhanced_credit_pence": 900_000}, "rules.enhanced_credit_pence"),
    ({"enhanced_credit_pence": 1}, "rules.enhanced_credit_pence"),
    ({"enhanced_ceiling_pence": 80_000}, "rules.enhanced_ceiling_pence"),
])
def test_inconsistent_rules_are_refused(changes, field):
    with pytest.raises(Invalid) as refused:
        logic.check_rules(msgspec.structs.replace(PolicyRules(), **changes))
    assert refused.value.errors[0].field == field


@pytest.mark.parametrize("today", [date(2026, 1, 1), date(2026, 11, 23), date(2026, 12, 31)])
def test_a_version_takes_effect_on_a_coming_first_of_january(today):
    for day in (date(2027, 1, 1), date(2030, 1, 1)):
        logic.check_new_policy(PolicyIn(day, PolicyRules()), today)


@pytest.mark.parametrize("day", [
    date(2026, 11, 22),  # the past
    date(2026, 11, 23),  # today: an accrual may already have run under today's version
    date(2026, 1, 1),  # this period's start, already passed
    date(2026, 12, 1),  # in the future, but part-way through a period
    date(2027, 4, 6),
])
def test_a_version_that_would_split_a_period_is_refused(day):
    with pytest.raises(Invalid) as refused:
        logic.check_new_policy(PolicyIn(day, PolicyRules()), date(2026, 11, 23))
    assert [e.field for e in refused.value.errors] == ["effective_from"]


def test_versions_take_effect_in_the_order_they_are_published():
    published = Policy(2, date(2028, 1, 1), PolicyRules(), "", "admin", datetime.now(UTC))
    logic.check_after_published(date(2029, 1, 1), published)
    logic.check_after_published(date(2027, 1, 1), None)
    for day in (date(2027, 1, 1), date(2028, 1, 1)):
        with pytest.raises(Conflict) as refused:
            logic.check_after_published(day, published)
        assert [e.field for e in refused.value.errors] == ["effective_from"]
