"""Rules about people: the published priority score and sanity checks on worker records."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from service.errors import Invalid
from service.people.schemas import PriorityReason
from service.policy.schemas import PriorityPoints

INSECURE_CONTRACTS = frozenset({"zero_hours", "agency", "fixed_term", "outsourced"})
RQF_2_OR_BELOW = frozenset({"none", "E1", "E2", "E3", "1", "2"})
MIN_WORKING_AGE, MAX_WORKING_AGE = 14, 100
HOURS_DECIMAL_PLACES = 2  # workers.weekly_hours is numeric(5, 2)


@dataclass(frozen=True, slots=True)
class WorkerFacts:
    """What priority depends on; `occupation_risk_category` is High, Low, Other or unknown."""

    birth_date: date
    weekly_hours: float
    contract_type: str
    highest_qualification: str
    facing_redundancy: bool
    occupation_risk_category: str | None = None


def age_on(birth_date: date, day: date) -> int:
    before_birthday = (day.month, day.day) < (birth_date.month, birth_date.day)
    return day.year - birth_date.year - before_birthday


def priority(facts: WorkerFacts, today: date,
             rules: PriorityPoints = PriorityPoints()) -> tuple[int, list[PriorityReason]]:
    """The priority score and, for each point, the reason in words; `rules` are the points of
    the published policy (docs/design.md, Priority)."""
    reasons: list[PriorityReason] = []
    age = age_on(facts.birth_date, today)
    if age >= 50:
        reasons.append(PriorityReason("age_50_plus", rules.age_50_plus, f"aged {age}, 50 or over"))
    elif age >= 45:
        reasons.append(PriorityReason("age_45_to_49", rules.age_45_to_49, f"aged {age}, 45 to 49"))
    if facts.weekly_hours < rules.full_time_hours:
        reasons.append(PriorityReason(
            "part_time", rules.part_time,
            f"works {facts.weekly_hours:g} hours a week, under the full-time "
            f"{rules.full_time_hours:g}"))
    if facts.contract_type in INSECURE_CONTRACTS:
        reasons.append(PriorityReason(
            "insecure_contract", rules.insecure_contract,
            f"insecure contract ({facts.contract_type.replace('_', '-')})"))
    if facts.occupation_risk_category == "High":
        reasons.append(PriorityReason("high_risk_occupation", rules.high_risk_occupation,
                                      "occupation at high risk of automation"))
    if facts.facing_redundancy:
        reasons.append(PriorityReason("facing_redundancy", rules.facing_redundancy,
                                      "facing redundancy"))
    if facts.highest_qualification in RQF_2_OR_BELOW:
        label = "no qualification" if facts.highest_qualification == "none" else (
            f"RQF {facts.highest_qualification}")
        reasons.append(PriorityReason("low_qualification", rules.low_qualification,
                                      f"highest qualification {label} (RQF 2 or below)"))
    return sum(r.points for r in reasons), reasons


def check_birth_date(birth_date: date, today: date) -> None:
    age = age_on(birth_date, today)
    if not MIN_WORKING_AGE <= age <= MAX_WORKING_AGE:
        raise Invalid.on_field(
            "birth_date", f"gives an age of {age}; a worker is {MIN_WORKING_AGE} to "
            f"{MAX_WORKING_AGE}")


def check_weekly_hours(hours: float) -> None:
    """The database keeps hours to the hundredth. A finer value would be scored as sent but
    stored rounded (36.996 scores part-time, is stored as 37.00), and the next refresh would
    change the score; refusing it keeps the scored and the stored hours the same number."""
    exponent = Decimal(repr(float(hours))).as_tuple().exponent
    if isinstance(exponent, int) and exponent < -HOURS_DECIMAL_PLACES:
        raise Invalid.on_field("weekly_hours", f"at most {HOURS_DECIMAL_PLACES} decimal places "
                               f"(hours are kept to the hundredth); got {hours!r}")


AGE_BANDS = (("under_25", 0, 24), ("25-34", 25, 34), ("35-44", 35, 44), ("45-49", 45, 49),
             ("50-64", 50, 64), ("65+", 65, 200))


def age_band(birth_date: date, day: date) -> str:
    """The age band of the equality report (issue 13) on `day`: what an erased worker's birth
    date is kept as."""
    age = age_on(birth_date, day)
    return next(band for band, low, high in AGE_BANDS if low <= age <= high)
