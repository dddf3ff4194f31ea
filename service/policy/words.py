"""The published rules in words, worked out from a policy version's figures, for
`GET /v1/policy` (`in_words`), the transparency record and docs/algorithms.md. Pure."""

from service.people.logic import INSECURE_CONTRACTS
from service.policy.schemas import PolicyRules, PolicyWords
from service.reference.logic import MAX_TARGETS, OPTIONAL_WEIGHT, SIMILARITY_THRESHOLD

# Matching's published figures (docs/matching.md): the transitions' constants are reference's
# own; the gap level and the default number of pathways are matching's.
MATCHING = {
    "essential_weight": 1.0,
    "optional_weight": OPTIONAL_WEIGHT,
    "similarity_threshold": SIMILARITY_THRESHOLD,
    "targets_kept": MAX_TARGETS,
    "gap_level": 2,
    "pathways_shown": 5,
}


def pounds(pence: int) -> str:
    return f"£{pence / 100:,.0f}" if pence % 100 == 0 else f"£{pence / 100:,.2f}"


def _listed(items: object) -> str:
    words = sorted(str(i).replace("_", "-") for i in items)  # type: ignore[union-attr]
    return ", ".join(words[:-1]) + f" or {words[-1]}" if len(words) > 1 else "".join(words)


def _points(n: int) -> str:
    return f"{n} point" if n == 1 else f"{n} points"


def priority_words(rules: PolicyRules) -> list[str]:
    p = rules.priority
    return [
        "A worker's priority score is the sum of the points of each condition below that "
        "holds; a higher score comes first, and between equal scores whoever asked first.",
        f"Aged 50 or over: {_points(p.age_50_plus)}; aged 45 to 49: {_points(p.age_45_to_49)}.",
        f"Part-time (fewer than {p.full_time_hours:g} hours a week): {_points(p.part_time)}.",
        f"An insecure contract ({_listed(INSECURE_CONTRACTS)}): "
        f"{_points(p.insecure_contract)}.",
        f"An occupation at high risk of automation (Nesta's High category): "
        f"{_points(p.high_risk_occupation)}.",
        f"Facing redundancy: {_points(p.facing_redundancy)}.",
        f"Highest qualification RQF level 2 or below: {_points(p.low_qualification)}.",
        "Sex, ethnicity, disability and any other equality-monitoring answer are never used.",
    ]


def credit_words(rules: PolicyRules) -> list[str]:
    return [
        f"Every worker's learning account is credited once a calendar year: "
        f"{pounds(rules.annual_credit_pence)}, up to a balance of "
        f"{pounds(rules.annual_ceiling_pence)}.",
        f"Workers with a highest qualification of {_listed(rules.enhanced_qualifications)} "
        f"(RQF), or on one of these contracts: {_listed(rules.enhanced_contracts)}, get the "
        f"enhanced "
        f"credit: {pounds(rules.enhanced_credit_pence)} a year, up to "
        f"{pounds(rules.enhanced_ceiling_pence)}.",
        "The credit tops the balance up to the ceiling and no further; part-time workers get "
        "the full credit, and credit never expires.",
        f"A worker aged {rules.midlife_min_age} or over gets a one-off "
        f"{pounds(rules.midlife_topup_pence)} with their first mid-life career review attended.",
        f"A worker at risk (facing redundancy, or in an occupation at high risk of automation) "
        f"who chooses a retraining pathway gets a one-off {pounds(rules.retraining_topup_pence)}"
        ", set aside for that pathway's courses.",
    ]


def eligibility_words(rules: PolicyRules) -> list[str]:
    return [
        f"A worker may book a mid-life career review directly if they are aged "
        f"{rules.midlife_min_age} or over, in an occupation at high risk of automation, facing "
        f"redundancy, or on an insecure contract ({_listed(INSECURE_CONTRACTS)}).",
        "Anyone else may join the branch's waiting list; free slots are offered from it in "
        "priority order, each offer held for a limited time (24 hours unless the operator "
        "sets another).",
    ]


def matching_words() -> list[str]:
    m = MATCHING
    return [
        "Target occupations come from ESCO's skills. The similarity of two occupations is the "
        "weighted Jaccard index of their skills: for each skill, the smaller of its two weights "
        "added up, over the larger of its two weights added up, where an essential skill "
        f"weighs {m['essential_weight']:g}, an optional one {m['optional_weight']:g} and a "
        "skill the occupation does not need 0; dividing by all the skills either needs means a "
        "large occupation does not win by its size.",
        f"A target is kept only if its similarity is {m['similarity_threshold']:g} or more and "
        "it is safer: a lower automation-risk score and not in the High category; at most "
        f"the {m['targets_kept']} most similar targets of each occupation are kept.",
        f"The gaps are the target's essential skills the worker does not hold at level "
        f"{m['gap_level']} or above.",
        "Courses are chosen to cover the most gaps for the least cost (a greedy set cover), "
        "ordered from introductory to advanced, using only presentations that start in the "
        "future, suit the worker's hours and can be reached from their region or online; "
        "each pathway says whether the worker's balance covers it.",
        f"Up to {m['pathways_shown']} pathways are shown by default, closest first.",
    ]


def in_words(rules: PolicyRules) -> PolicyWords:
    return PolicyWords(priority=tuple(priority_words(rules)), credits=tuple(credit_words(rules)),
                       eligibility=tuple(eligibility_words(rules)),
                       matching=tuple(matching_words()))
