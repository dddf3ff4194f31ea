import json
import re
from datetime import date

import msgspec
import pytest

from service.errors import Invalid
from service.policy import logic
from service.policy.schemas import PolicyIn, PolicyRules
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


def test_a_policy_is_never_retroactive():
    today = date(2026, 11, 23)
    logic.check_new_policy(PolicyIn(today, PolicyRules()), today)
    with pytest.raises(Invalid) as refused:
        logic.check_new_policy(PolicyIn(date(2026, 11, 22), PolicyRules()), today)
    assert refused.value.errors[0].field == "effective_from"
