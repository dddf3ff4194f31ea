"""The equality report (Public Sector Equality Duty): for a date range, workers, reviews held,
no-shows, enrolments, courses started and credit by age band, contract type, part-time, region
and the consented sex, ethnicity and disability; small cells suppressed (`logic`)."""

import csv
import io
from datetime import date, datetime, time, timedelta
from typing import Any

import asyncpg
import msgspec

from service.clock import UK
from service.errors import Invalid
from service.policy.service import priority_rules
from service.reports import logic, store
from service.reports.schemas import EqualityReport

NOT_AVAILABLE = ["enrolments", "courses_started"]  # until enrolments exist (store's query)


def check_range(from_day: date | None, to_day: date | None) -> tuple[date, date]:
    for name, day in (("from", from_day), ("to", to_day)):
        if day is None:
            raise Invalid.on_field(name, "the report needs both ends of its date range "
                                   "(ISO 8601 dates)")
    if from_day > to_day:
        raise Invalid.on_field("to", f"is before from ({from_day.isoformat()})")
    return from_day, to_day


async def equality_report(conn: asyncpg.Connection, from_day: date | None,
                          to_day: date | None) -> EqualityReport:
    """Admins only (the route's guard). Days are UK dates; the range includes both ends. Ages
    are on the last day, and part-time is below the full-time week of the policy then."""
    from_day, to_day = check_range(from_day, to_day)
    from_at = datetime.combine(from_day, time(), UK)
    to_at = datetime.combine(to_day + timedelta(days=1), time(), UK)
    rules = await priority_rules(conn, to_day)
    rows = await store.equality_sums(conn, from_at, to_at, to_day, rules.full_time_hours)
    total, tables = logic.tabulate(rows)
    counts = {"open": 0, "upheld": 0, "changed": 0} | await store.challenge_outcomes(
        conn, from_at, to_at)
    report: dict[str, Any] = {
        "from": from_day, "to": to_day, "suppressed_below": logic.SUPPRESS_BELOW,
        "totals": logic.published_total(total),
        "dimensions": {name: logic.published(cells, total) for name, cells in tables.items()},
        "challenges": logic.published_counts(counts),
        "not_available": [m for m in NOT_AVAILABLE if total.values[m] is None],
    }
    return msgspec.convert(report, EqualityReport)


CSV_MEASURES = list(logic.MEASURES)
CSV_HEADER = ["dimension", "group", *CSV_MEASURES,
              *(f"representation_{r}" for r in logic.RATIOS), "challenges"]


def report_csv(report: EqualityReport) -> str:
    """One row per group (the first the totals, `all`), then one per challenge outcome; an
    empty cell is a suppressed or unavailable one."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)

    def cells(values: list[Any]) -> list[str]:
        return ["" if v is None else str(v) for v in values]

    totals = msgspec.to_builtins(report.totals)
    writer.writerow(["all", "all", *cells([totals[m] for m in CSV_MEASURES]),
                     *[""] * (len(logic.RATIOS) + 1)])
    for name, rows in msgspec.to_builtins(report.dimensions).items():
        for row in rows:
            writer.writerow([name, row["group"], *cells([row[m] for m in CSV_MEASURES]),
                             *cells([row["representation"][r] for r in logic.RATIOS]), ""])
    for outcome, n in msgspec.to_builtins(report.challenges).items():
        writer.writerow(["challenges", outcome, *[""] * (len(CSV_MEASURES)
                                                          + len(logic.RATIOS)), *cells([n])])
    return out.getvalue()
