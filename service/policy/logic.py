"""Checks on a policy before it is published."""

from datetime import date

from service.errors import Conflict, Invalid
from service.policy.schemas import Policy, PolicyIn, PolicyRules


def check_new_policy(policy: PolicyIn, today: date) -> None:
    """A new version takes effect on 1 January of a year still to come. Accrual periods are
    calendar years, so every day of a period then has one version in force, and the period's
    credits all come from it however the run is spread over the year; and nothing already
    credited or scored under today's version changes (credits name the version that made them).
    """
    day = policy.effective_from
    if day <= today:
        raise Invalid.on_field("effective_from", f"a new version takes effect in the future: on "
                               f"{today.year + 1}-01-01 at the earliest")
    if (day.month, day.day) != (1, 1):
        raise Invalid.on_field("effective_from", f"accrual periods are calendar years, so a "
                               f"version takes effect on 1 January (e.g. {day.year + 1}-01-01)")
    check_rules(policy.rules)


def check_after_published(effective_from: date, latest: Policy | None) -> None:
    """Versions take effect in the order they are published: a new one after every other."""
    if latest is not None and effective_from <= latest.effective_from:
        raise Conflict.on_field("effective_from", f"version {latest.version} already takes "
                                f"effect on {latest.effective_from.isoformat()}; a new version "
                                "takes effect after it")


def check_rules(rules: PolicyRules) -> None:
    if rules.annual_credit_pence > rules.annual_ceiling_pence:
        raise Invalid.on_field("rules.annual_credit_pence", "is above the annual ceiling")
    if rules.enhanced_credit_pence > rules.enhanced_ceiling_pence:
        raise Invalid.on_field("rules.enhanced_credit_pence", "is above the enhanced ceiling")
    if rules.enhanced_credit_pence < rules.annual_credit_pence:
        raise Invalid.on_field("rules.enhanced_credit_pence", "is below the standard credit")
    if rules.enhanced_ceiling_pence < rules.annual_ceiling_pence:
        raise Invalid.on_field("rules.enhanced_ceiling_pence", "is below the standard ceiling")

