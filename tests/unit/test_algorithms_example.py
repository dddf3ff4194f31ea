"""docs/algorithms.md explains the automated decisions to the public (issue 13) with the default
policy's figures and a worked example: the figures it states are the code's, worked out here by
the same functions the service uses, so the page cannot drift from what Ladder does."""

import re
from datetime import date
from pathlib import Path

import pytest

from service.accounts.logic import annual_credit, credit_terms, is_enhanced
from service.people.logic import WorkerFacts, age_on, priority
from service.policy.schemas import PolicyRules
from service.reference.logic import OPTIONAL_WEIGHT, SIMILARITY_THRESHOLD
from service.reviews.logic import EligibilityFacts, eligible_rules

PAGE = (Path(__file__).resolve().parents[2] / "docs" / "algorithms.md").read_text()
RULES = PolicyRules()
DAY = date(2026, 12, 3)  # the example's day
MAUREEN = dict(birth_date=date(1972, 3, 15), weekly_hours=16.0, contract_type="zero_hours",
               highest_qualification="1", facing_redundancy=False)
DEV = dict(birth_date=date(1996, 6, 1), weekly_hours=37.0, contract_type="permanent",
           highest_qualification="6", facing_redundancy=False)


def section(title: str) -> str:
    start = PAGE.index(title)
    end = PAGE.find("\n## ", start + 1)
    return PAGE[start:end if end != -1 else None]


def words(title: str) -> str:
    """A section's text with its line breaks and indents as single spaces."""
    return " ".join(section(title).split())


def pounds(pence: int) -> str:
    return f"£{pence // 100:,}"


def test_the_priority_table_gives_the_default_points():
    points = RULES.priority
    table = dict(re.findall(r"^\| (.+?) \| (\d+) \|$", section("## 1. Priority"), re.M))
    assert table == {
        "aged 50 or over": str(points.age_50_plus),
        "aged 45 to 49": str(points.age_45_to_49),
        f"part-time (fewer than {points.full_time_hours:g} hours a week)": str(points.part_time),
        "an insecure contract: fixed-term, zero-hours, agency or outsourced":
            str(points.insecure_contract),
        "an occupation at high risk of automation (Nesta's \"High\" category)":
            str(points.high_risk_occupation),
        "facing redundancy": str(points.facing_redundancy),
        "highest qualification at RQF level 2 or below (GCSE level or none)":
            str(points.low_qualification),
    }


def test_the_credit_table_and_top_ups_give_the_default_figures():
    credit = section("## 3. Learning-account credit")
    text = words("## 3. Learning-account credit")
    assert (f"| standard | {pounds(RULES.annual_credit_pence)} | "
            f"{pounds(RULES.annual_ceiling_pence)} |") in credit
    assert (f"| enhanced | {pounds(RULES.enhanced_credit_pence)} | "
            f"{pounds(RULES.enhanced_ceiling_pence)} |") in credit
    assert f"**mid-life**: {pounds(RULES.midlife_topup_pence)} with a worker's first career " \
           f"review attended at {RULES.midlife_min_age} or over" in text
    assert f"**retraining**: {pounds(RULES.retraining_topup_pence)}" in text


@pytest.mark.parametrize(("who", "facts", "score"), [("Maureen", MAUREEN, 12), ("Dev", DEV, 0)])
def test_the_worked_examples_scores_are_the_codes(who, facts, score):
    computed, reasons = priority(WorkerFacts(**facts, occupation_risk_category=(
        "High" if who == "Maureen" else "Low")), DAY, RULES.priority)
    assert computed == score
    example, text = section("## A worked example"), words("## A worked example")
    if who == "Maureen":
        assert age_on(facts["birth_date"], DAY) == 54 and "(she is 54)" in text
        assert f"| **priority score** | | **{computed}** |" in example
        rows = dict(re.findall(r"^\| ([A-Za-z0-9 -]+) \| (?:yes|no)[^|]* \| (\d+) \|$", example,
                               re.M))
        assert sum(int(v) for v in rows.values()) == computed
        assert {r.rule for r in reasons} == {"age_50_plus", "part_time", "insecure_contract",
                                             "high_risk_occupation", "low_qualification"}
    else:
        assert age_on(facts["birth_date"], DAY) == 30 and "**Dev** is 30" in text
        assert f"his **priority score is {computed}**" in text


def test_the_worked_examples_eligibility_and_credit_are_the_codes():
    example = words("## A worked example")
    maureen = eligible_rules(EligibilityFacts(MAUREEN["birth_date"], MAUREEN["contract_type"],
                                              False, "High"), DAY, RULES.midlife_min_age)
    assert set(maureen) == {"aged_45_plus", "high_risk_occupation", "insecure_contract"}
    assert eligible_rules(EligibilityFacts(DEV["birth_date"], DEV["contract_type"], False,
                                           "Low"), DAY, RULES.midlife_min_age) == []
    assert "He cannot book a career review directly" in example

    assert is_enhanced(MAUREEN["highest_qualification"], MAUREEN["contract_type"], RULES)
    _, credit, ceiling = credit_terms(True, RULES)
    assert f"the enhanced rate (RQF 1, and a zero-hours contract): {pounds(credit)} a year" in \
        example
    balance = 760_000  # the example's £7,600
    assert f"If her balance were {pounds(balance)}, this year's credit would be " \
           f"{pounds(annual_credit(balance, credit, ceiling))}, bringing it to the " \
           f"{pounds(ceiling)} ceiling" in example
    assert f"**Top-up**: when she attends her first career review, " \
           f"{pounds(RULES.midlife_topup_pence)} more" in example
    assert not is_enhanced(DEV["highest_qualification"], DEV["contract_type"], RULES)
    _, credit, ceiling = credit_terms(False, RULES)
    assert f"He gets the standard {pounds(credit)} a year, up to {pounds(ceiling)}" in example


def test_the_matching_example_uses_the_published_constants():
    matching = words("## 4. Matching")
    assert f"optional skill {OPTIONAL_WEIGHT:g}" in matching
    assert f"similarity is **{SIMILARITY_THRESHOLD:g} or more**" in matching
    # 10 and 12 essential skills, 6 shared, no optional ones: 6 / (10 + 12 - 6)
    similarity = 6 / (10 + 12 - 6)
    assert similarity >= SIMILARITY_THRESHOLD
    assert f"6 / 16 = {similarity:g}" in words("## A worked example")
