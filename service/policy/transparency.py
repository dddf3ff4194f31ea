"""The Algorithmic Transparency Recording Standard (ATRS) record of Ladder's automated
decisions, tier 1 and tier 2, generated from the policy in force and the published matching
figures, so it cannot fall behind what the code does. Pure: the route gives it the policy and
the settings."""

from datetime import datetime
from email.utils import parseaddr
from typing import Any

from service.policy.schemas import Policy
from service.policy.words import MATCHING, in_words

NAME = "Ladder: priority, eligibility, learning-account credit and training matching"
EXCLUDED = ["sex", "ethnicity", "disability", "religion or belief", "sexual orientation",
            "gender reassignment", "pregnancy and maternity", "marriage and civil partnership"]


def contact_address(contact: str | None, mail_from: str) -> str:
    return contact or parseaddr(mail_from)[1] or "ladder@localhost"


def record(policy: Policy, website: str, contact: str, generated_at: datetime) -> dict[str, Any]:
    words = in_words(policy.rules)
    rules = policy.rules
    return {
        "standard": "Algorithmic Transparency Recording Standard",
        "standard_version": "3.0",
        "generated_at": generated_at.isoformat(),
        "policy_version": policy.version,
        "policy_effective_from": policy.effective_from.isoformat(),
        "tier_1": {
            "name": NAME,
            "description": (
                "Ladder keeps a learning account for each public-sector worker whose job is at "
                "risk from automation, credits it every year by a published policy, and orders "
                "everything scarce (career-review slots, course places) by a published priority "
                "score that puts part-time, older and insecurely employed workers first. It "
                "suggests safer occupations close in skills and courses to reach them. Every "
                "score comes with its reasons, and any decision can be challenged to a person."),
            "website": website,
            "contact_email": contact,
        },
        "tier_2": {
            "owner_and_responsibility": {
                "organisation": "The operator of this Ladder service",
                "team": "The scheme's administrators, with the union learning reps of each "
                        "branch",
                "senior_responsible_owner": "The scheme's administrator, reachable at "
                                            + contact,
                "external_supplier": "None: Ladder is open-source software run by the operator",
                "data_access_terms": "Workers' data stays in Ladder; colleges see only the "
                                     "name, email and course of their own enrolments, with "
                                     "the worker's consent; nothing is sold or transferred.",
            },
            "description_and_rationale": {
                "detailed_description": (
                    "Four rule-based decisions, none learned from data: the priority score "
                    "(points per condition), direct eligibility for a mid-life career review, "
                    "the yearly learning-account credit, and matching to safer occupations and "
                    "courses."),
                "scope": "Workers of the scheme's employers and branches, their accounts, "
                         "reviews and training.",
                "benefit": "The workers most exposed to automation (part-time, older, on "
                           "insecure contracts) get the least training today; published "
                           "rules put them first and show why.",
                "previous_process": "Places and reviews given first come, first served, or at "
                                    "a manager's discretion, without published reasons.",
                "alternatives_considered": "A learned model was rejected: it could not be "
                                           "explained in a sentence per point, and would learn "
                                           "the disadvantage it is meant to correct.",
            },
            "decision_making_process": {
                "process_integration": "Scores order waiting lists; eligibility lets a worker "
                                       "book a review directly; credits are made by an "
                                       "accrual run; matches are suggestions the worker "
                                       "chooses from.",
                "provided_information": "Every score with its reasons in words "
                                        "(GET /v1/workers/{id}/priority), the rules in words "
                                        "(GET /v1/policy), each match with the numbers "
                                        "behind it.",
                "frequency_and_scale": "Scores when a record changes and daily; credits once "
                                       "a calendar year per worker; matches on request.",
                "human_decisions_and_review": "A union learning rep may offer a place out of "
                                              "priority order only with a written reason, "
                                              "which is audited; reps record review outcomes; "
                                              "administrators publish policy versions.",
                "required_training": "Reps are union learning reps trained by their union.",
                "appeals_and_review": (
                    "A worker, or their rep, challenges a decision (priority, eligibility, "
                    "matches, waiting-list order) with POST /v1/workers/{id}/challenges; a rep "
                    "of the branch or an administrator answers it (upheld or changed, with an "
                    "explanation); a challenge open for more than 14 days is flagged overdue, "
                    "and counts by outcome are in the equality report."),
            },
            "tool_specification": {
                "system_architecture": "A web service (Litestar, PostgreSQL); the rules are in "
                                       "its source code and its versioned policy.",
                "phase": "production",
                "maintenance": "Policy versions take effect on 1 January and are published in "
                               "advance; stored scores are recomputed daily.",
                "models": [
                    {"name": "priority score", "type": "rule-based points",
                     "description": words.priority, "points": _points(policy)},
                    {"name": "review eligibility", "type": "rule-based",
                     "description": words.eligibility,
                     "midlife_min_age": rules.midlife_min_age},
                    {"name": "learning-account credit", "type": "rule-based",
                     "description": words.credits,
                     "annual_credit_pence": rules.annual_credit_pence,
                     "enhanced_credit_pence": rules.enhanced_credit_pence},
                    {"name": "matching", "type": "rule-based similarity over ESCO skills",
                     "description": words.matching, "thresholds": dict(MATCHING)},
                ],
                "data": {
                    "source_data_name": "Worker records, ESCO v1.1.1, Nesta's automation-risk "
                                        "scores, colleges' course catalogues",
                    "data_description": "Age (from birth date), weekly hours, contract type, "
                                        "highest qualification (RQF), occupation (ESCO), "
                                        "whether facing redundancy, region, skills.",
                    "sensitive_attributes_excluded": EXCLUDED,
                    "sensitive_attributes_note": (
                        "Age is used on purpose (the scheme favours older workers). Sex, "
                        "ethnicity and disability, given only with consent, are kept apart "
                        "and used only in aggregate equality reports with cells under 5 "
                        "suppressed; no decision reads them."),
                    "data_collection": "From employers and union branches, and from workers "
                                       "themselves.",
                    "data_access_and_storage": "Every read and change of a worker's data is "
                                               "audited.",
                },
            },
            "risks_and_mitigations": {
                "impact_assessment": "Equality reports (Public Sector Equality Duty) show each "
                                     "group's share of reviews, enrolments and spend over its "
                                     "share of workers.",
                "risks": [
                    {"risk": "Rules that favour some groups may under-serve others.",
                     "mitigation": "Representation ratios by age band, contract, hours, region, "
                                   "sex, ethnicity and disability in the equality report."},
                    {"risk": "Wrong or old data gives a wrong score.",
                     "mitigation": "Scores are shown with their reasons; workers may correct "
                                   "their record or challenge the decision."},
                    {"risk": "Small groups could be identified from reports.",
                     "mitigation": "Cells under 5 are suppressed, with complementary "
                                   "suppression."},
                    {"risk": "Automation-risk scores are estimates.",
                     "mitigation": "Their source is shown with each occupation; matches are "
                                   "suggestions, never refusals."},
                ],
            },
        },
    }


def _points(policy: Policy) -> dict[str, float]:
    p = policy.rules.priority
    return {f: getattr(p, f) for f in p.__struct_fields__}
