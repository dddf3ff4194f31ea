"""`GET /v1/programmes/{id}/report`: what became of a programme's members, beside the Swedish
Job Security Councils' published results."""

from uuid import UUID

import asyncpg
import msgspec

from service import clock
from service.accounts import service as accounts
from service.enrolments import service as enrolments
from service.matching import service as matching
from service.policy.service import priority_rules
from service.programmes import logic, reporting, store
from service.programmes.schemas import ProgrammeReport, ReferenceFigure
from service.programmes.service import programme
from service.reviews import service as reviews

# Issue 14 quotes these figures without naming a report or a year; nothing outside the package
# registries can be reached from where Ladder was built, so they are not checked against the
# councils' annual reports. Replace them with a named report's figures when one is checked.
CITED = "as cited in Ladder issue 14"
UNCHECKED = ("quoted as issue 14 gives it; issue 14 names no report or year, and the figure "
             "has not been checked against the council's annual reports")
REFERENCE = [
    ReferenceFigure(
        "TSL (Trygghetsfonden TSL, Sweden)", "tsl.se", {"in_work_or_study": 0.90},
        "over 90% of participants in a new job or in study", CITED, None, False, UNCHECKED),
    ReferenceFigure(
        "TRR Trygghetsrådet (Sweden)", "trr.se",
        {"new_job": 0.79, "self_employed": 0.07, "longer_study": 0.05},
        "about 79% in a new job, 7% self-employed and 5% in longer study", CITED, None, False,
        UNCHECKED),
]

NOTES = [
    "pathway_chosen, enrolled, started and completed count members who chose a pathway, had "
    "a course place booked, started and completed a course since the announcement",
    "a member's destination is the latest recorded within twelve months of the last day; the "
    "share in work or study is of all current members; median days run from the last day to "
    "the destination (negative: before it), over those in work or study",
    "breakdowns: groups of fewer than 5, counts under 5, and cells that would give a "
    "suppressed one away are null (suppressed); age is on the last day",
    "reference figures are other schemes' published results, for comparison; their members, "
    "windows and definitions differ from Ladder's; they are quoted as issue 14 gives them "
    "(no report or year named) and not checked against the councils' annual reports "
    "(checked: false)",
]


async def programme_report(conn: asyncpg.Connection, programme_id: UUID) -> ProgrammeReport:
    prog, _ = await programme(conn, programme_id)
    members = [reporting.MemberFacts(r["worker_id"], r["birth_date"], r["contract_type"],
                                     r["weekly_hours"], r["age_band"])
               for r in await store.report_members(conn, programme_id)]
    recorded = [reporting.Recorded(r["worker_id"], r["recorded_on"], r["type"], r["created_at"])
                for r in await store.report_destinations(conn, programme_id)]
    current = {m.worker_id for m in members}
    found = {k: v for k, v in reporting.counted(recorded, prog.announced_on,
                                                prog.last_day).items() if k in current}
    ids = sorted(current)
    full_time = (await priority_rules(conn, clock.today())).full_time_hours
    last_day = prog.last_day
    return ProgrammeReport(
        prog.id, prog.name, prog.employer, prog.announced_on, last_day,
        logic.window_end(last_day), len(members),
        await reviews.reviewed_since(conn, ids, prog.announced_on),
        await matching.chose_since(conn, ids, prog.announced_on),
        **await enrolments.progress_since(conn, ids, prog.announced_on),
        credit_spent_pence=await accounts.spent_since(conn, ids, prog.announced_on),
        destinations=reporting.outcomes(members, found, last_day),
        by_age_band=reporting.breakdown(members, found, last_day,
                                        lambda m: reporting.age_band(m, last_day)),
        by_contract_type=reporting.breakdown(members, found, last_day,
                                             lambda m: m.contract_type),
        by_part_time=reporting.breakdown(
            members, found, last_day,
            lambda m: "part-time" if m.weekly_hours < full_time else "full-time"),
        reference=REFERENCE, notes=NOTES)


def report_csv(report: ProgrammeReport) -> str:
    return reporting.csv_lines(msgspec.to_builtins(report))
