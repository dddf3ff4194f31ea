"""How callers name ESCO concepts: by id (the UUID that ends the concept URI), by ESCO
occupation code, or by the full URI."""

import re
from typing import Literal
from uuid import UUID

OCCUPATION_URI_PREFIX = "http://data.europa.eu/esco/occupation/"
SKILL_URI_PREFIX = "http://data.europa.eu/esco/skill/"
ESCO_CODE = re.compile(r"^[0-9]{4}(\.[0-9]+)+$")

RefKind = Literal["id", "code", "uri"]


def occupation_ref(value: str) -> tuple[RefKind, str | UUID] | None:
    """What kind of reference `value` is, or None if it can name no occupation."""
    value = value.strip()
    if ESCO_CODE.match(value):
        return "code", value
    if value.startswith(OCCUPATION_URI_PREFIX):
        return "uri", value
    try:
        return "id", UUID(value)
    except ValueError:
        return None


def changed_rows(status: str) -> int:
    """Rows touched, from a command status such as `INSERT 0 12`, `UPDATE 3` or `DELETE 0`."""
    tail = status.rsplit(" ", 1)[-1]
    return int(tail) if tail.isdigit() else 0


# Transitions (docs/matching.md "Transitions"): the published formula's constants.
OPTIONAL_WEIGHT = 0.5  # an optional relation counts half an essential one
SIMILARITY_THRESHOLD = 0.10  # weighted Jaccard at or above this is viable
MAX_TARGETS = 50  # targets kept per occupation, the most similar

# What the transitions are computed from: a load that changes none of these keeps them.
TRANSITION_INPUTS = ("isco_group_risks", "occupations", "occupation_skills")


def transitions_inputs_changed(changed: dict[str, int]) -> bool:
    return any(changed.get(table) for table in TRANSITION_INPUTS)


SKILL_TAGS = ("digital", "digcomp", "green", "transversal")


def risk_words(risk: float, category: str, source: str | None) -> str:
    """`3.12 (Other)`, and where the score is the ISCO group's average, that it is."""
    if source == "isco_average":
        return (f"{risk:.2f} ({category}; its ISCO group's average, as Nesta has no score of "
                "its own)")
    return f"{risk:.2f} ({category})"


def transition_why(source_label: str, source_risk: float, source_risk_source: str | None,
                   target_label: str, target_risk: float, target_category: str,
                   target_risk_source: str | None, similarity: float, shared_essential: int,
                   missing_essential: int) -> str:
    """Why a target is offered, in plain words with the numbers behind it."""
    essentials = shared_essential + missing_essential
    source_words = f"{source_risk:.2f}"
    if source_risk_source == "isco_average":
        source_words += " (its ISCO group's average)"
    return (
        f"{target_label} needs {essentials} essential skill{'s' if essentials != 1 else ''}: "
        f"{source_label} shares {shared_essential} of them and lacks {missing_essential}. "
        f"Skills similarity {similarity:.2f} (weighted Jaccard; {SIMILARITY_THRESHOLD:.2f} "
        f"needed). Automation risk {risk_words(target_risk, target_category, target_risk_source)}"
        f" against {source_words} for {source_label}: {source_risk - target_risk:.2f} lower."
    )
