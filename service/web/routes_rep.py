"""A learning rep's pages: the branch at a glance (a task list), registering a worker (with an
occupation search that needs no JavaScript), publishing and cancelling review slots, recording
a review's outcome, and the calendar feed's address."""

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from service.actor import Actor
from service.auth.guards import requires
from service.deps import Caller, Db
from service.errors import DomainError
from service.people import service as people
from service.people.schemas import WorkerIn
from service.reference import service as reference
from service.reviews import calendar, waitlist
from service.reviews import service as reviews
from service.reviews.schemas import OutcomeIn, SlotIn
from service.skills import service as skills
from service.web import logic, pages
from service.web.routes_worker import LEVELS, MODES

CONTRACTS = {"permanent": "Permanent", "fixed_term": "Fixed term", "zero_hours": "Zero hours",
             "agency": "Agency", "outsourced": "Outsourced"}
QUALIFICATIONS = {"none": "None", "E1": "Entry level 1", "E2": "Entry level 2",
                  "E3": "Entry level 3", "1": "Level 1 (GCSE grades 3 to 1)",
                  "2": "Level 2 (GCSE grades 9 to 4)", "3": "Level 3 (A level)",
                  "4": "Level 4", "5": "Level 5", "6": "Level 6 (degree)",
                  "7": "Level 7 (master's degree)", "8": "Level 8 (doctorate)"}
REGIONS = {"E12000001": "North East", "E12000002": "North West",
           "E12000003": "Yorkshire and The Humber", "E12000004": "East Midlands",
           "E12000005": "West Midlands", "E12000006": "East of England",
           "E12000007": "London", "E12000008": "South East", "E12000009": "South West",
           "W92000004": "Wales", "S92000003": "Scotland", "N92000002": "Northern Ireland"}
WORKER_FIELDS = {"name": "name", "external_ref": "external_ref", "email": "email",
                 "birth_date": "birth_date-day", "employer": "employer", "region": "region",
                 "occupation": "occupation", "contract_type": "contract_type",
                 "weekly_hours": "weekly_hours", "highest_qualification": "highest_qualification",
                 "branch": "name"}


def _now() -> datetime:
    return datetime.now(UTC)


def _hours(request: Request) -> float:
    return request.app.state.settings.review_offer_hours


def date_of(form: pages.Form, name: str) -> str | None:
    """The ISO date of a GOV.UK date input's three fields, or None (with the error put)."""
    try:
        day, month, year = (int(form.get(f"{name}-{part}")) for part in ("day", "month", "year"))
        return datetime(year, month, day).date().isoformat()
    except ValueError:
        form.error(f"{name}-day", "Enter a real date, like 27 3 1970")
        return None


class RepPages(Controller):
    guards = [requires("rep")]

    @get("/branch")
    async def branch(self, request: Request, db: Db, principal: Caller) -> Template:
        now = _now()
        waiting = await waitlist.list_entries(db, principal, None, "waiting", None, 200)
        offered = await waitlist.list_entries(db, principal, None, "offered", None, 200)
        booked = await reviews.list_reviews(db, principal, worker_id=None, rep_id=None,
                                            status="booked", cursor=None, limit=200)
        upcoming = [r for r in booked.items if r.starts_at > now]
        to_record = [r for r in booked.items if r.starts_at <= now]
        return pages.page(request, "rep/branch.html", title="Your branch",
                          waiting=waiting.items, offered=offered.items, upcoming=upcoming,
                          to_record=to_record, modes=MODES)

    @get("/branch/occupations", media_type="application/json")
    async def occupations(self, request: Request, db: Db, principal: Caller,
                          q: FromQuery[str] = "") -> list[dict[str, str]]:
        """Suggestions for the occupation field as you type (JavaScript only adds this)."""
        items, _ = await reference.occupations_page(db, request.app.state.search_cache,
                                                    q[:100] or None, None, 10)
        return [{"code": o.code, "label": o.label} for o in items]

    @get("/branch/workers/new")
    async def new_worker(self, request: Request, principal: Caller) -> Template:
        return self._register(request, pages.Form())

    @post("/branch/workers/new")
    async def register(self, request: Request, db: Db, principal: Caller) -> Response:
        form = await pages.form_of(request)
        choices = []
        occupation = form.get("occupation_choice") or form.get("occupation")
        form.values["occupation"] = occupation
        if occupation and await reference.find_occupation(db, occupation) is None:
            found, _ = await reference.occupations_page(db, request.app.state.search_cache,
                                                        occupation[:100], None, 8)
            choices = [{"value": o.code, "text": o.label} for o in found]
            form.error("occupation", "Choose one of the jobs below, or type another"
                       if choices else "No job matches that: try other words")
        born = date_of(form, "birth_date")
        values = {name: form.get(name) for name in
                  ("name", "external_ref", "employer", "region", "contract_type",
                   "weekly_hours", "highest_qualification")}
        values |= {"branch": principal.branch, "birth_date": born,
                   "email": form.get("email") or None, "occupation": occupation or None,
                   "facing_redundancy": form.get("facing_redundancy") == "yes"}
        data = pages.convert(form, values, WorkerIn, WORKER_FIELDS) if form else None
        if data is not None:
            try:
                worker = await people.create_worker(db, Actor.of(principal), data,
                                                    scope=principal)
                return pages.page(request, "rep/worker_registered.html",
                                  title="Worker registered", worker=worker)
            except DomainError as error:
                form.take(error, WORKER_FIELDS)
        return self._register(request, form, choices, status_code=422)

    def _register(self, request: Request, form: pages.Form, choices: list | None = None, *,
                  status_code: int = 200) -> Template:
        return pages.page(request, "rep/register.html", title="Register a worker", form=form,
                          choices=choices or [], contracts=CONTRACTS,
                          qualifications=QUALIFICATIONS, regions=REGIONS,
                          status_code=status_code)

    @get("/branch/slots")
    async def slots(self, request: Request, db: Db, principal: Caller) -> Template:
        return await self._slots(request, db, principal, pages.Form())

    async def _slots(self, request: Request, db: Db, principal: Any, form: pages.Form, *,
                     status_code: int = 200) -> Template:
        now = _now()
        found = await reviews.list_slots(db, principal, branch=None, from_at=now, to_at=None,
                                         mode=None, available=None, cursor=None, limit=200,
                                         now=now)
        mine = [s for s in found.items if s.rep_id == principal.rep_id and s.status == "open"]
        return pages.page(request, "rep/slots.html", title="Review slots", slots=mine,
                          modes=MODES, form=form, status_code=status_code)

    @post("/branch/slots")
    async def publish(self, request: Request, db: Db, principal: Caller) -> Response:
        form = await pages.form_of(request)
        day = date_of(form, "day")
        start = form.get("start")
        try:
            hour, minute = (int(part) for part in start.split(":"))
            starts = datetime.fromisoformat(f"{day}T{hour:02d}:{minute:02d}").replace(
                tzinfo=logic.UK) if day else None
        except ValueError:
            form.error("start", "Enter a start time like 14:30")
            starts = None
        length = form.get("length")
        if length not in {"30", "45", "60", "90"}:
            form.error("length", "Choose how long the review is")
        if form.get("mode") not in MODES:
            form.error("mode", "Choose how the review happens")
        if form and starts is not None:
            data = pages.convert(form, {
                "starts_at": starts.isoformat(),
                "ends_at": (starts + timedelta(minutes=int(length))).isoformat(),
                "mode": form.get("mode"), "location": form.get("location") or None,
            }, SlotIn, {"starts_at": "day-day", "ends_at": "length", "mode": "mode",
                        "location": "location"})
            if data is not None:
                try:
                    await reviews.create_slot(db, principal, principal.rep_id, data, _now(),
                                              _hours(request))
                    return Redirect("/branch/slots", status_code=303)
                except DomainError as error:
                    form.take(error, {"starts_at": "day-day", "ends_at": "length",
                                      "mode": "mode", "location": "location"})
        return await self._slots(request, db, principal, form, status_code=422)

    @post("/branch/slots/{slot_id:uuid}/cancel")
    async def cancel_slot(self, request: Request, db: Db, principal: Caller,
                          slot_id: FromPath[UUID]) -> Response:
        await reviews.cancel_slot(db, principal, slot_id, "cancelled by the rep on the web",
                                  _now(), _hours(request))
        return Redirect("/branch/slots", status_code=303)

    @get("/branch/reviews/{review_id:uuid}/outcome")
    async def outcome_form(self, request: Request, db: Db, principal: Caller,
                           review_id: FromPath[UUID]) -> Template:
        return await self._outcome(request, db, principal, review_id, pages.Form())

    async def _outcome(self, request: Request, db: Db, principal: Any, review_id: UUID,
                       form: pages.Form, *, status_code: int = 200) -> Template:
        review = await reviews.read(db, principal, review_id)
        worker = await people.visible_worker(db, principal, review.worker_id, "worker.read")
        profile = await skills.profile(db, principal, review.worker_id, None, 50)
        return pages.page(request, "rep/outcome.html", title="Record the review's outcome",
                          review=review, worker=worker, profile=profile, levels=LEVELS,
                          form=form, status_code=status_code)

    @post("/branch/reviews/{review_id:uuid}/outcome")
    async def record_outcome(self, request: Request, db: Db, principal: Caller,
                             review_id: FromPath[UUID]) -> Response:
        form = await pages.form_of(request)
        outcome = form.get("outcome")
        if outcome not in ("attended", "no_show"):
            form.error("outcome", "Say whether the worker came")
        plan = form.get("action_plan")
        if outcome == "attended" and not plan:
            form.error("action_plan", "Write the action plan you agreed")
        assessed = []
        for key, value in form.values.items():
            if key.startswith("skill-") and value in {"1", "2", "3", "4"}:
                assessed.append({"skill_id": key[6:], "level": value})
        fields = {"outcome": "outcome", "action_plan": "action_plan",
                  "assessed_skills": "action_plan"}
        data = pages.convert(form, {
            "outcome": outcome, "action_plan": plan or None,
            "assessed_skills": assessed if outcome == "attended" else []},
            OutcomeIn, fields) if form else None
        if data is not None:
            try:
                await reviews.record_outcome(db, principal, review_id, data, _now())
                return pages.page(request, "rep/outcome_recorded.html",
                                  title="Outcome recorded", outcome=outcome)
            except DomainError as error:
                form.take(error, fields)
        return await self._outcome(request, db, principal, review_id, form, status_code=422)

    @post("/branch/calendar")
    async def calendar_address(self, request: Request, db: Db, principal: Caller) -> Template:
        token = await calendar.issue_token(db, principal, principal.rep_id, _now())
        address = f"{pages.link_base(request)}/calendar/{token}.ics"
        return pages.page(request, "rep/calendar.html", title="Your calendar feed",
                          address=address)
