from datetime import date

import msgspec


class Representation(msgspec.Struct):
    """A group's share of reviews held, enrolments and credit spent over its share of workers
    (1.0 as its size would suggest; below 1, under-served); null where withheld or unknown."""

    reviews_held: float | None
    enrolments: float | None
    credit_spent: float | None


class Measures(msgspec.Struct):
    """Counts (null when fewer than 5 workers are behind them, or withheld so that another
    cell cannot be worked out from the total); `enrolments` and `courses_started` are null
    until enrolments exist."""

    workers: int | None
    reviews_held: int | None
    no_shows: int | None
    enrolments: int | None
    courses_started: int | None
    credit_credited_pence: int | None
    credit_spent_pence: int | None


class GroupRow(Measures):
    group: str
    representation: Representation


class Dimensions(msgspec.Struct):
    age_band: list[GroupRow]
    contract_type: list[GroupRow]
    part_time: list[GroupRow]
    region: list[GroupRow]
    sex: list[GroupRow]
    ethnicity: list[GroupRow]
    disability: list[GroupRow]


class ChallengeCounts(msgspec.Struct):
    """Challenges raised in the range, by outcome (suppressed as the other counts)."""

    open: int | None
    upheld: int | None
    changed: int | None
    total: int | None


class EqualityReport(msgspec.Struct, rename={"from_": "from"}):
    from_: date
    to: date
    suppressed_below: int
    totals: Measures
    dimensions: Dimensions
    challenges: ChallengeCounts
    not_available: list[str]
