"""The largest amounts the API takes, as the docs promise: a ledger entry up to £100,000
(docs/accounts.md), policy amounts up to £1,000,000 (as course costs, docs/courses.md)."""

import msgspec
import pytest

from service.accounts.schemas import AdjustmentIn, ContributionIn
from service.policy.schemas import PolicyRules


def test_a_contribution_may_be_100000_pounds_and_no_more() -> None:
    body = {"source": "employer", "reference": "PO 1"}
    assert msgspec.convert(body | {"amount_pence": 10_000_000}, ContributionIn).amount_pence \
        == 10_000_000
    with pytest.raises(msgspec.ValidationError, match=r"<= 10000000 - at `\$.amount_pence`"):
        msgspec.convert(body | {"amount_pence": 10_000_001}, ContributionIn)


def test_an_adjustment_is_bounded_both_ways() -> None:
    for amount in (10_000_001, -10_000_001):
        with pytest.raises(msgspec.ValidationError, match=r"\$.amount_pence"):
            msgspec.convert({"amount_pence": amount, "reason": "error"}, AdjustmentIn)


def test_a_policy_amount_may_be_a_million_pounds_and_no_more() -> None:
    assert msgspec.convert({"midlife_topup_pence": 100_000_000}, PolicyRules) \
        .midlife_topup_pence == 100_000_000
    with pytest.raises(msgspec.ValidationError, match=r"<= 100000000 - at `\$.midlife_topup"):
        msgspec.convert({"midlife_topup_pence": 100_000_001}, PolicyRules)
