"""A small, realistic demo so that a newcomer can try the API at once: two branches with a rep
each, two colleges, and workers of varied contracts, hours and ages. Names are invented."""

from datetime import UTC, date, datetime, time, timedelta
from uuid import UUID

import asyncpg

from service import clock
from service.accounts import service as accounts
from service.accounts.logic import pounds
from service.accounts.schemas import ContributionIn
from service.actor import SYSTEM, Actor
from service.auth.logic import Principal
from service.auth.service import issue_token
from service.console import Progress
from service.courses.commands import import_data, load_demo_catalogue
from service.demo_courses import demo_courses_json
from service.errors import Conflict
from service.people import service as people
from service.people.schemas import ProviderIn, RepIn, WorkerIn
from service.reviews import service as reviews
from service.reviews.schemas import SlotIn
from service.settings import Settings

DEMO_REP_EMAIL = "amira.khan@example.org"
# Added by the demo rep for the first demo worker; its reference makes it a once-only entry.
DEMO_CONTRIBUTION = ContributionIn(amount_pence=25_000, source="union",
                                   reference="demo: Leeds UNISON learning fund")

REPS = [
    ("Amira Khan", DEMO_REP_EMAIL, "Leeds City Council UNISON"),
    ("Gareth Pryce", "gareth.pryce@example.org", "Cornwall Council UNISON"),
]
PROVIDERS = [("10001696", "Cornwall College"), ("10099999", "Poppleton Community College")]
# external_ref, name, birth_date, branch, employer, region, occupation (ESCO code: building
# cleaner, library assistant, home care aide, office clerk, data entry clerk), contract,
# hours, qualification, facing redundancy. Dev Patel (whose branch library is closing), Tom
# Okafor and Ian Penrose are the at-risk workers whose pathways the demo college's courses
# (service/demo_courses.py) make concrete.
WORKERS = [
    ("LCC-1042", "Maureen Walsh", date(1968, 3, 14), 0, "Leeds City Council", "E12000003",
     "9112.2", "zero_hours", 16.0, "1", False),
    ("LCC-2201", "Dev Patel", date(1979, 11, 2), 0, "Leeds City Council", "E12000003",
     "4411.1", "permanent", 37.0, "3", True),
    ("LCC-3310", "Joanne Brierley", date(1971, 6, 30), 0, "Leeds City Council", "E12000003",
     "5322.1", "agency", 24.5, "2", False),
    ("LCC-4120", "Tom Okafor", date(1994, 1, 21), 0, "Leeds City Council", "E12000003",
     "4110.1", "fixed_term", 37.0, "4", False),
    ("CC-0077", "Kerensa Trewin", date(1963, 9, 9), 1, "Cornwall Council", "E12000009",
     "9112.2", "outsourced", 20.0, "none", False),
    ("CC-0154", "Ian Penrose", date(1976, 4, 17), 1, "Cornwall Council", "E12000009",
     "4132.1", "permanent", 30.0, "2", False),
]
REVIEWED = 2  # Joanne Brierley: her review a week ago waits for the rep to record its outcome


def email_of(name: str) -> str:
    """A demo worker's email: maureen.walsh@example.org."""
    return f"{name.lower().replace(' ', '.')}@example.org"


async def load_demo(conn: asyncpg.Connection, settings: Settings,
                    progress: Progress = print) -> dict[str, str]:
    """Create the demo records once (an empty database only), issue fresh demo tokens, and give
    the accounts a history: this year's accrual and a union contribution, each made once however
    often the demo is loaded. `conn` must not be inside a transaction (the accrual commits)."""
    async with conn.transaction():
        existing = await people.rep_by_email(conn, DEMO_REP_EMAIL)
        created = existing is None
        if created:
            if await people.has_workers(conn):
                progress("demo: the database already holds real workers; no demo data added")
                return {}
            rep_ids, worker_ids, provider_ids = await _create_records(conn, progress)
            await load_demo_catalogue(conn, settings, progress)
            report = await import_data(conn, PROVIDERS[1][0], demo_courses_json(clock.today()),
                                       "full")
            progress(f"demo: {PROVIDERS[1][1]} catalogue, {report.created} courses created")
        else:
            progress("demo: demo data already present; issuing fresh tokens")
            rep_ids = [existing.id]
            worker_ids = [await people.worker_id_by_external_ref(conn, WORKERS[0][0])]
            provider = await people.provider_by_ukprn(conn, PROVIDERS[0][0])
            provider_ids = [provider.id if provider else None]
        days = settings.token_default_days
        rep_token = await issue_token(conn, "rep", f"demo: {REPS[0][0]}", rep_ids[0], None, days)
        tokens = {
            "admin (Demo Admin)": (await issue_token(conn, "admin", "Demo Admin", None, None,
                                                     days)).token,
            f"rep ({REPS[0][0]})": rep_token.token,
            f"worker ({WORKERS[0][1]})": (await issue_token(
                conn, "worker", f"demo: {WORKERS[0][1]}", worker_ids[0], None, days)).token,
            f"college ({PROVIDERS[0][1]})": (await issue_token(
                conn, "college", f"demo: {PROVIDERS[0][1]}", provider_ids[0], None, days)).token,
        }
    await _accrue_this_year(conn, progress)
    rep = Principal(token_id=rep_token.id, role="rep", name=rep_token.name, rep_id=rep_ids[0],
                    branch=REPS[0][2])
    async with conn.transaction():
        await _union_contribution(conn, rep, worker_ids[0], progress)
        if created:
            await _review_slots(conn, rep, worker_ids[REVIEWED], settings, progress)
    return tokens


async def _review_slots(conn: asyncpg.Connection, rep: Principal, reviewed: UUID,
                        settings: Settings, progress: Progress) -> None:
    """The demo rep's open slots on the next three days (10:00 and 14:00, UK time) for a worker
    to book, and a review of Joanne Brierley's a week ago (published and booked then, as the
    reviews service is told), whose outcome is there to record."""
    now = datetime.now(UTC)
    hours = settings.review_offer_hours
    then = now - timedelta(days=7)
    past = await reviews.create_slot(conn, rep, rep.rep_id, SlotIn(
        then + timedelta(hours=1), then + timedelta(hours=2), "in_person", "Civic Hall, room 2"),
        then, hours)
    await reviews.book(conn, rep, reviewed, past.id, then, hours)
    for days in (1, 2, 3):
        for hour in (10, 14):
            starts = datetime.combine(clock.today() + timedelta(days=days), time(hour),
                                      tzinfo=clock.UK)
            await reviews.create_slot(conn, rep, rep.rep_id, SlotIn(
                starts, starts + timedelta(hours=1), "video", "Teams link by email"), now, hours)
    progress(f"demo: {REPS[0][0]} published 6 review slots, and {WORKERS[REVIEWED][1]}'s "
             "review a week ago waits for its outcome")


async def _accrue_this_year(conn: asyncpg.Connection, progress: Progress) -> None:
    """The annual credit, as `ladder accrue` gives it: once per worker and period."""
    period = str(clock.today().year)
    try:
        result = await accounts.accrue(conn, SYSTEM, period)
    except Conflict:
        progress(f"demo: an accrual for {period} is already running; left to it")
        return
    progress(f"demo: accrual {period}, {result.workers_credited_now} workers credited now, "
             f"{result.workers_total} in all")


async def _union_contribution(conn: asyncpg.Connection, rep: Principal, worker_id: UUID,
                              progress: Progress) -> None:
    """The demo rep adds union money for the demo worker, unless it is there already."""
    if await accounts.has_contribution(conn, worker_id, DEMO_CONTRIBUTION.reference):
        return
    await accounts.check_contribution(conn, rep, worker_id, DEMO_CONTRIBUTION)
    await accounts.contribute(conn, Actor.of(rep), worker_id, DEMO_CONTRIBUTION)
    progress(f"demo: {REPS[0][0]} added a union contribution of "
             f"{pounds(DEMO_CONTRIBUTION.amount_pence)} GBP for {WORKERS[0][1]}")


async def _create_records(conn: asyncpg.Connection, progress: Progress):
    rep_ids = [(await people.create_rep(conn, RepIn(name, email, branch))).id
               for name, email, branch in REPS]
    provider_ids = [(await people.create_provider(conn, ProviderIn(ukprn, name))).id
                    for ukprn, name in PROVIDERS]
    worker_ids = []
    for (ref, name, born, branch, employer, region, occupation, contract, hours, qualification,
         redundancy) in WORKERS:
        worker = await people.create_worker(conn, SYSTEM, WorkerIn(
            external_ref=ref, name=name, birth_date=born, branch=REPS[branch][2],
            employer=employer, region=region, contract_type=contract, weekly_hours=hours,
            highest_qualification=qualification, occupation=occupation,
            facing_redundancy=redundancy,
            email=email_of(name)))
        worker_ids.append(worker.id)
    progress(f"demo: {len(rep_ids)} reps, {len(provider_ids)} colleges, "
             f"{len(worker_ids)} workers created")
    return rep_ids, worker_ids, provider_ids
