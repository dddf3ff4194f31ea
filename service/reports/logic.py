"""The equality report's arithmetic, free of I/O: grouping workers by each dimension, small-cell
suppression (primary and complementary) and representation ratios (docs/reports.md).

A cell is suppressed (null) when fewer than `SUPPRESS_BELOW` workers are behind it: for
`workers` the count itself; for reviews held, no-shows, enrolments and courses started the
workers with at least one (so every count under 5 is null); for credit the workers with any.
Within a dimension, the groups of a measure add up to its total, which is published: where one
cell alone is suppressed, the smallest cell shown is suppressed too, so that no suppressed cell
can be worked out by subtraction."""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar, get_args

from service.equality.logic import ETHNIC_GROUPS, PREFER_NOT_TO_SAY, disabled, ethnicity_group
from service.vocabulary import ContractType

SUPPRESS_BELOW = 5  # the small-number threshold of every published table
K = TypeVar("K")
NOT_STATED = "not_stated"  # no consented answer

# measure -> the column of the workers behind it
MEASURES: dict[str, str] = {
    "workers": "workers",
    "reviews_held": "reviews_held_people",
    "no_shows": "no_shows_people",
    "enrolments": "enrolments_people",
    "courses_started": "courses_started_people",
    "credit_credited_pence": "credited_people",
    "credit_spent_pence": "spent_people",
}
# representation ratio name -> the measure whose share is compared with the share of workers
RATIOS = {"reviews_held": "reviews_held", "enrolments": "enrolments",
          "credit_spent": "credit_spent_pence"}

AGE_BANDS = ("under_25", "25-34", "35-44", "45-49", "50-64", "65+")
# ONS ITL1 regions and nations of the UK
REGIONS = ("E12000001", "E12000002", "E12000003", "E12000004", "E12000005", "E12000006",
           "E12000007", "E12000008", "E12000009", "W92000004", "S92000003", "N92000002")


def age_band(age: int | None, kept: str | None = None) -> str:
    """The band of an age; for an erased worker, who has no birth date, the band it gave on the
    day of erasure (`kept`, docs/datarights.md), so that they still count by age."""
    if age is None:
        return kept or NOT_STATED
    if age < 25:
        return "under_25"
    for band, upper in (("25-34", 34), ("35-44", 44), ("45-49", 49), ("50-64", 64)):
        if age <= upper:
            return band
    return "65+"


def _stated(value: str | None, mapped: Callable[[str], str]) -> str:
    return NOT_STATED if value is None else mapped(value)


# dimension -> (the group of a row, the groups always listed, in order)
DIMENSIONS: dict[str, tuple[Callable[[Mapping[str, Any]], str], tuple[str, ...]]] = {
    "age_band": (lambda r: age_band(r["age"], r.get("age_band")), AGE_BANDS),
    "contract_type": (lambda r: r["contract_type"], get_args(ContractType)),
    "part_time": (lambda r: "part_time" if r["part_time"] else "full_time",
                  ("part_time", "full_time")),
    "region": (lambda r: r["region"], REGIONS),
    "sex": (lambda r: _stated(r["sex"], str), ("female", "male", PREFER_NOT_TO_SAY,
                                              NOT_STATED)),
    "ethnicity": (lambda r: _stated(r["ethnicity"], ethnicity_group),
                  (*ETHNIC_GROUPS, PREFER_NOT_TO_SAY, NOT_STATED)),
    "disability": (lambda r: _stated(r["disability"], disabled),
                   ("disabled", "not_disabled", PREFER_NOT_TO_SAY, NOT_STATED)),
}


@dataclass
class Cell:
    """A group's sums: each measure's value (None where the measure is not available) and the
    workers behind it."""

    values: dict[str, int | None] = field(default_factory=lambda: dict.fromkeys(MEASURES, 0))
    people: dict[str, int] = field(default_factory=lambda: dict.fromkeys(MEASURES, 0))

    def add(self, row: Mapping[str, Any]) -> None:
        for measure, people in MEASURES.items():
            value = row[measure]
            if value is None or self.values[measure] is None:
                self.values[measure] = None
            else:
                self.values[measure] += value
            self.people[measure] += row[people] or 0


def tabulate(rows: Iterable[Mapping[str, Any]]) -> tuple[Cell, dict[str, dict[str, Cell]]]:
    """The total and, per dimension, a cell per group (every listed group, then any other
    seen), from rows of sums per combination of the workers' characteristics."""
    total = Cell()
    tables = {name: {g: Cell() for g in groups} for name, (_, groups) in DIMENSIONS.items()}
    for row in rows:
        total.add(row)
        for name, (group_of, _) in DIMENSIONS.items():
            tables[name].setdefault(group_of(row), Cell()).add(row)
    for measure, value in total.values.items():
        if value is None:  # not available at all: unknown in every group, not 0
            for cells in tables.values():
                for cell in cells.values():
                    cell.values[measure] = None
    return total, tables


def withheld(people: Mapping[K, int], values: Mapping[K, int] | None = None, *,
             total_people: int | None = None, also: Iterable[K] = ()) -> set[K]:
    """The one small-number rule of Ladder's published tables (this report's and the programme
    report's): the cells of a row of cells that add up to a published total that are withheld.

    Primary: a cell with fewer than `SUPPRESS_BELOW` workers behind it (`people`), and the
    cells in `also` (withheld for another reason); every cell if the total itself rests on
    fewer (`total_people`). Complementary: where exactly one cell is withheld, the total would
    give it away, so the smallest other cell by value (`values`, the published numbers; by
    default `people`), the first of equals, is withheld with it. Cells are in `people`'s order."""
    if total_people is not None and total_people < SUPPRESS_BELOW:
        return set(people)
    values = people if values is None else values
    hidden = {k for k, n in people.items() if n < SUPPRESS_BELOW} | set(also)
    if len(hidden) == 1:
        order = list(people)
        shown = [k for k in order if k not in hidden]
        if shown:
            hidden.add(min(shown, key=lambda k: (values[k], order.index(k))))
    return hidden


def suppressed(cells: Mapping[str, Cell], measure: str, total: Cell) -> set[str]:
    """The groups whose `measure` is withheld (`withheld`, by the workers behind each cell);
    none if the measure is not available at all."""
    if total.values[measure] is None:
        return set()
    return withheld({g: c.people[measure] for g, c in cells.items()},
                    {g: c.values[measure] or 0 for g, c in cells.items()},
                    total_people=total.people[measure])


def ratio(cell: Cell, total: Cell, measure: str) -> float | None:
    """The group's share of `measure` over its share of workers (1.0: represented as its size
    would suggest; below: under-served); None where either is withheld or unknown."""
    value, workers = cell.values[measure], cell.values["workers"]
    whole, everyone = total.values[measure], total.values["workers"]
    if value is None or workers is None or not whole or not everyone or not workers:
        return None
    return round((value / whole) / (workers / everyone), 2)


def published(cells: Mapping[str, Cell], total: Cell) -> list[dict[str, Any]]:
    """A dimension's rows as published: suppressed cells null, ratios null where they would
    rest on a suppressed cell."""
    hidden = {m: suppressed(cells, m, total) for m in MEASURES}
    rows = []
    for group, cell in cells.items():
        shown = {m: None if group in hidden[m] else cell.values[m] for m in MEASURES}
        view = Cell(values=shown, people=cell.people)
        rows.append({"group": group, **shown,
                     "representation": {name: ratio(view, total, m)
                                        for name, m in RATIOS.items()}})
    return rows


def published_total(total: Cell) -> dict[str, int | None]:
    return {m: None if total.people[m] < SUPPRESS_BELOW else total.values[m] for m in MEASURES}


def published_counts(counts: Mapping[str, int]) -> dict[str, int | None]:
    """Counts that add up to a published total (challenges by outcome), withheld as cells."""
    whole = sum(counts.values())
    hidden = withheld(counts, total_people=whole)
    out: dict[str, int | None] = {k: None if k in hidden else v for k, v in counts.items()}
    out["total"] = None if whole < SUPPRESS_BELOW else whole
    return out
