"""The programme report's arithmetic, free of I/O: which destination counts for each member,
the shares and medians, the breakdowns with small cells suppressed, and the CSV form."""

import csv
import io
import statistics
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, get_args
from uuid import UUID

from service.people.logic import age_on
from service.programmes import logic
from service.programmes.schemas import DestinationType, GroupRow, Outcomes
from service.reports import logic as reports
from service.reports.logic import SUPPRESS_BELOW, withheld

TYPES = get_args(DestinationType)


@dataclass(frozen=True, slots=True)
class MemberFacts:
    worker_id: UUID
    birth_date: date | None  # none once erased
    contract_type: str
    weekly_hours: float
    kept_age_band: str | None = None  # an erased member's, from their birth date


@dataclass(frozen=True, slots=True)
class Recorded:
    worker_id: UUID
    recorded_on: date
    type: str
    created_at: datetime


def counted(destinations: Iterable[Recorded], announced_on: date,
            last_day: date) -> dict[UUID, Recorded]:
    """Each member's destination that counts: the latest recorded (then the latest entered)
    within twelve months of the last day."""
    found: dict[UUID, Recorded] = {}
    for d in destinations:
        if not logic.counts(d.recorded_on, announced_on, last_day):
            continue
        best = found.get(d.worker_id)
        if best is None or (d.recorded_on, d.created_at) > (best.recorded_on, best.created_at):
            found[d.worker_id] = d
    return found


def _in_work(d: Recorded | None) -> bool:
    return d is not None and d.type in logic.WORK_OR_STUDY


def _median_days(ds: list[Recorded], last_day: date) -> float | None:
    """Days from the last day to the destination (negative: found before leaving), over those
    in work or study."""
    days = [(d.recorded_on - last_day).days for d in ds if _in_work(d)]
    return float(statistics.median(days)) if days else None


def outcomes(members: list[MemberFacts], found: dict[UUID, Recorded],
             last_day: date) -> Outcomes:
    ds = [found[m.worker_id] for m in members if m.worker_id in found]
    by_type = Counter(d.type for d in ds)
    in_work = sum(1 for d in ds if _in_work(d))
    return Outcomes(len(members), len(ds), {t: by_type.get(t, 0) for t in TYPES}, in_work,
                    round(in_work / len(members), 4) if members else None,
                    _median_days(ds, last_day))


def age_band(member: MemberFacts, on: date) -> str:
    """The equality report's band of the member's age on a day; an erased member has no birth
    date, and counts in the band it gave (docs/datarights.md)."""
    age = None if member.birth_date is None else age_on(member.birth_date, on)
    return reports.age_band(age, member.kept_age_band)


def suppress(rows: list[tuple[str, int, int, float | None]]) -> list[GroupRow]:
    """`rows`: (group, workers, in work or study, median days), suppressed by the equality
    report's rule (`reports.logic.withheld`): a group of fewer than 5 is hidden whole (with a
    complementary group); its count in work or study is hidden with it, and wherever it, or the
    rest of its group, is under 5, with a complementary count where one alone would be given
    away by the programme's totals."""
    workers = {i: r[1] for i, r in enumerate(rows)}
    in_work = {i: r[2] for i, r in enumerate(rows)}
    hidden_groups = withheld(workers)
    hidden_counts = withheld(in_work, also=hidden_groups | {
        i for i in workers if workers[i] - in_work[i] < SUPPRESS_BELOW})
    result = []
    for i, (group, n, k, median) in enumerate(rows):
        shown = i not in hidden_counts
        result.append(GroupRow(group, None if i in hidden_groups else n, k if shown else None,
                               round(k / n, 4) if shown else None,
                               median if shown else None, i in hidden_counts))
    return result


def breakdown(members: list[MemberFacts], found: dict[UUID, Recorded], last_day: date,
              key: Callable[[MemberFacts], str]) -> list[GroupRow]:
    groups: dict[str, list[MemberFacts]] = {}
    for m in members:
        groups.setdefault(key(m), []).append(m)
    rows = []
    for group in sorted(groups):
        ds = [found[m.worker_id] for m in groups[group] if m.worker_id in found]
        rows.append((group, len(groups[group]), sum(1 for d in ds if _in_work(d)),
                     _median_days(ds, last_day)))
    return suppress(rows)


def csv_lines(report: dict[str, Any]) -> str:
    """The report as `section,group,measure,value` lines (null is an empty cell)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["section", "group", "measure", "value"])
    for measure in ("programme_id", "name", "employer", "announced_on", "last_day",
                    "window_ends_on", "workers", "reviewed", "pathway_chosen", "enrolled",
                    "started", "completed", "credit_spent_pence"):
        writer.writerow(["programme", "", measure, _cell(report[measure])])
    dest = report["destinations"]
    for measure, value in dest.items():
        if measure == "by_type":
            for kind, count in value.items():
                writer.writerow(["destinations", kind, "workers", count])
        else:
            writer.writerow(["destinations", "", measure, _cell(value)])
    for section in ("by_age_band", "by_contract_type", "by_part_time"):
        for row in report[section]:
            for measure in ("workers", "in_work_or_study", "share_in_work_or_study",
                            "median_days_to_destination", "suppressed"):
                writer.writerow([section, row["group"], measure, _cell(row[measure])])
    for ref in report["reference"]:
        for measure, value in ref["figures"].items():
            writer.writerow(["reference", ref["organisation"], measure, value])
        for measure in ("publication", "year", "checked"):
            writer.writerow(["reference", ref["organisation"], measure, _cell(ref[measure])])
    return out.getvalue()


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
