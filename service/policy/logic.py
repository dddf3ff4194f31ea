"""Checks on a policy before it is published."""

from datetime import date

from service.errors import Invalid
from service.policy.schemas import PolicyIn, PolicyRules


def check_new_policy(policy: PolicyIn, today: date) -> None:
    """A policy is never changed retroactively: credits already made name the version used."""
    if policy.effective_from < today:
        raise Invalid.on_field("effective_from", "a new policy starts today or later")
    check_rules(policy.rules)


def check_rules(rules: PolicyRules) -> None:
    if rules.annual_credit_pence > rules.annual_ceiling_pence:
        raise Invalid.on_field("rules.annual_credit_pence", "is above the annual ceiling")
    if rules.enhanced_credit_pence > rules.enhanced_ceiling_pence:
        raise Invalid.on_field("rules.enhanced_credit_pence", "is above the enhanced ceiling")
    if rules.enhanced_credit_pence < rules.annual_credit_pence:
        raise Invalid.on_field("rules.enhanced_credit_pence", "is below the standard credit")
    if rules.enhanced_ceiling_pence < rules.annual_ceiling_pence:
        raise Invalid.on_field("rules.enhanced_ceiling_pence", "is below the standard ceiling")

