"""A worker's pages: the learning account with its chart and statement, why the priority is
what it is, the skills profile, and the mid-life career review (book with a check of the
answers, cancel, wait, accept an offer, read the action plan). Every rule is the services'."""

from datetime import UTC, datetime
from uuid import UUID

from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from service.accounts import service as accounts
from service.auth.guards import requires
from service.deps import Caller, Db
from service.errors import DomainError, NotFound
from service.people import service as people
from service.reviews import service as reviews
from service.reviews import waitlist
from service.skills import service as skills
from service.skills.schemas import SkillLevelIn
from service.web import logic, pages

LEVELS = {1: "Basic", 2: "Working", 3: "Skilled", 4: "Expert"}
MODES = {"in_person": "In person", "video": "Video call", "phone": "Phone call"}


def _now() -> datetime:
    return datetime.now(UTC)


def _hours(request: Request) -> float:
    return request.app.state.settings.review_offer_hours


class WorkerPages(Controller):
    guards = [requires("worker")]

    @get("/account")
    async def account(self, request: Request, db: Db, principal: Caller) -> Template:
        worker_id = principal.worker_id
        summary = await accounts.account(db, principal, worker_id)
        lines = await accounts.statement(db, principal, worker_id)
        chart = logic.balance_chart([logic.Point(line.day, line.balance_pence)
                                     for line in lines])
        return pages.page(request, "worker/account.html", title="Your learning account",
                          account=summary, lines=list(reversed(lines))[:50],
                          chart=pages.as_markup(chart), total_lines=len(lines))

    @get("/account/statement.csv")
    async def statement(self, db: Db, principal: Caller) -> Response:
        text = await accounts.statement_csv(db, principal, principal.worker_id)
        return Response(text, media_type="text/csv; charset=utf-8", headers={
            "Content-Disposition": 'attachment; filename="ladder-statement.csv"',
            "Cache-Control": "no-store"})

    @get("/priority")
    async def priority(self, request: Request, db: Db, principal: Caller) -> Template:
        score, reasons = await people.worker_priority(db, principal, principal.worker_id)
        return pages.page(request, "worker/priority.html", title="Your priority",
                          score=score, reasons=reasons)

    @get("/skills")
    async def skills(self, request: Request, db: Db, principal: Caller) -> Template:
        found = await skills.profile(db, principal, principal.worker_id, None, 200)
        return pages.page(request, "worker/skills.html", title="Your skills", profile=found,
                          levels=LEVELS, form=pages.Form())

    @post("/skills")
    async def set_skill(self, request: Request, db: Db, principal: Caller) -> Response:
        form = await pages.form_of(request)
        try:
            skill_id = UUID(form.get("skill"))
        except ValueError:
            form.error("skill", "Choose a skill")
        level = form.get("level")
        if level not in {"1", "2", "3", "4"}:
            form.error("level", "Choose how good you are at it")
        if form:
            try:
                await skills.put_skill(db, principal, principal.worker_id, skill_id,
                                       SkillLevelIn(level=int(level), source="self"))
                return Redirect("/skills?saved=1", status_code=303)
            except DomainError as error:
                form.take(error, {"skill_id": "skill", "level": "level"})
        found = await skills.profile(db, principal, principal.worker_id, None, 200)
        return pages.page(request, "worker/skills.html", title="Your skills", profile=found,
                          levels=LEVELS, form=form, status_code=422)

    @get("/review")
    async def review(self, request: Request, db: Db, principal: Caller) -> Template:
        now = _now()
        mine = await reviews.list_reviews(db, principal, worker_id=principal.worker_id,
                                          rep_id=None, status=None, cursor=None, limit=50)
        slots = await reviews.list_slots(db, principal, branch=None, from_at=now, to_at=None,
                                         mode=None, available=True, cursor=None, limit=50,
                                         now=now)
        upcoming = [r for r in mine.items if r.status == "booked" and r.starts_at > now]
        return pages.page(request, "worker/review.html", title="Your review", reviews=mine.items,
                          upcoming=upcoming, slots=slots.items, modes=MODES,
                          joined=request.query_params.get("joined"))

    @get("/review/book/{slot_id:uuid}")
    async def check_booking(self, request: Request, db: Db, principal: Caller,
                            slot_id: FromPath[UUID]) -> Template:
        slot = await self._open_slot(db, principal, slot_id)
        return pages.page(request, "worker/review_check.html", title="Check your booking",
                          slot=slot, modes=MODES)

    @post("/review/book/{slot_id:uuid}")
    async def book(self, request: Request, db: Db, principal: Caller,
                   slot_id: FromPath[UUID]) -> Template:
        booked = await reviews.book(db, principal, principal.worker_id, slot_id, _now(),
                                    _hours(request))
        return pages.page(request, "worker/review_booked.html", title="Review booked",
                          review=booked, modes=MODES)

    @get("/review/{review_id:uuid}/cancel")
    async def check_cancel(self, request: Request, db: Db, principal: Caller,
                           review_id: FromPath[UUID]) -> Template:
        found = await reviews.read(db, principal, review_id)
        return pages.page(request, "worker/review_cancel.html", title="Cancel your review",
                          review=found, modes=MODES, form=pages.Form())

    @post("/review/{review_id:uuid}/cancel")
    async def cancel(self, request: Request, db: Db, principal: Caller,
                     review_id: FromPath[UUID]) -> Response:
        form = await pages.form_of(request)
        reason = form.get("reason") or "cancelled by the worker on the web"
        await reviews.cancel(db, principal, review_id, reason[:2000], _now(), _hours(request))
        return Redirect("/review", status_code=303)

    @post("/review/waiting-list")
    async def join(self, request: Request, db: Db, principal: Caller) -> Response:
        await waitlist.join(db, principal, principal.worker_id, _now(), _hours(request))
        return Redirect("/review?joined=1", status_code=303)

    @staticmethod
    async def _open_slot(db, principal, slot_id: UUID):
        now = _now()
        slots = await reviews.list_slots(db, principal, branch=None, from_at=now, to_at=None,
                                         mode=None, available=True, cursor=None, limit=200,
                                         now=now)
        for slot in slots.items:
            if slot.id == slot_id:
                return slot
        raise NotFound("that time is no longer free: go back and choose another")
