"""A worker's options and enrolments: the matching service's pathways (optionally closing the
digital gaps first), choosing one after checking it, enrolling on a presentation with consent
to share with its college after checking it, and the worker's enrolments (cancel after
checking what happens to the money, accept an offered place). Every rule is the services'
(matching, enrolments, consents, accounts); a refusal is shown on the page it came from, and
the write it refused is rolled back to a savepoint, so nothing of it is left behind."""

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar
from uuid import UUID

from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from service import clock
from service.accounts import service as accounts
from service.auth.guards import requires
from service.courses.service import course_detail
from service.deps import Caller, Db
from service.enrolments import logic as enrolment_rules
from service.enrolments import service as enrolments
from service.enrolments.schemas import Enrolment, EnrolmentIn
from service.errors import DomainError, NotFound
from service.matching import service as matching
from service.matching.explain import ATTENDANCE, DELIVERY
from service.matching.schemas import Matches, PathwayChoiceIn
from service.policy.service import policy_on
from service.reference.service import find_occupation
from service.web import logic, pages

PATHWAYS = 5  # as many as the API gives by default
REASONS = {"facing_redundancy": "your job is at risk of redundancy",
           "high_risk_occupation": "your job is at high risk of being automated"}
STATUSES = {"waiting": "On the waiting list", "offered": "Place offered", "booked": "Booked",
            "started": "Started", "completed": "Completed", "cancelled": "Cancelled",
            "expired": "Offer lapsed"}
TAGS = {"waiting": "govuk-tag--yellow", "offered": "govuk-tag--blue", "booked": "govuk-tag--green",
        "started": "govuk-tag--green", "completed": "govuk-tag--grey",
        "cancelled": "govuk-tag--grey", "expired": "govuk-tag--grey"}
T = TypeVar("T")


def how_and_where(attendance: str | None, delivery: str | None, venue: str | None) -> str:
    """How and where a presentation is taught, in the matching service's words."""
    how = ", ".join(x for x in (ATTENDANCE.get(attendance or ""), DELIVERY.get(delivery or ""))
                    if x) or "ask the college how it is taught"
    where = f", at {venue}" if venue and delivery != "online" else ""
    return how[0].upper() + how[1:] + where


def because(reasons: list[str]) -> str:
    return " and ".join(REASONS.get(r, r.replace("_", " ")) for r in reasons)


def rows_of(course: Any, p: Any) -> list[dict[str, Any]]:
    """A presentation's summary-list rows: course, college, dates, how and where, cost."""
    dates = "Start when you like" if p.starts_on is None else logic.uk_day(p.starts_on) + (
        f" to {logic.uk_day(p.ends_on)}" if p.ends_on else "")
    cost = "Not given: ask the college" if p.cost_pence is None else logic.money(p.cost_pence)
    return [{"key": {"text": key}, "value": {"text": value}} for key, value in (
        ("Course", course.title), ("College", course.provider_name), ("Dates", dates),
        ("How and where", how_and_where(p.attendance_pattern, p.delivery, p.venue_postcode)),
        ("Cost", cost))]


def show(request: Request, name: str, **context: Any) -> Template:
    """`pages.page` with what these pages' templates share."""
    return pages.page(request, name, how_and_where=how_and_where, because=because,
                      rows_of=rows_of, statuses=STATUSES, tags=TAGS, **context)


def focus_of(request: Request) -> str | None:
    return "digital" if request.query_params.get("focus") == "digital" else None


def message_of(error: DomainError) -> str:
    """The service's words for the refusal (its field's message, else its detail)."""
    return pages.plain(error.errors[0].message if error.errors else error.detail)


async def attempt(db: Db, work: Callable[[], Awaitable[T]]) -> T:
    """`work` in a savepoint: a refusal undoes all it wrote (a consent, an audit row) while the
    request's transaction goes on to show the refusal."""
    async with db.transaction():
        return await work()


def refusable(error: DomainError) -> bool:
    """Refusals shown on the form (bad choices, conflicts, too little credit); a 403 or 404
    is the error page's."""
    return error.status in (409, 422)


def _hours(request: Request) -> float:
    return request.app.state.settings.enrolment_offer_hours


async def _presentation(db: Db, course_id: UUID, presentation_id: UUID) -> tuple[Any, Any]:
    course = await course_detail(db, course_id)
    for found in course.presentations:
        if found.id == presentation_id:
            return course, found
    raise NotFound(f"the course has no presentation with id {presentation_id}")


class WorkerOptionsPages(Controller):
    guards = [requires("worker")]

    async def _matches(self, request: Request, db: Db, principal: Caller) -> Matches:
        return await matching.matches(db, principal, principal.worker_id,
                                      focus=focus_of(request), limit=PATHWAYS,
                                      catalogue_dir=request.app.state.settings.catalogue_dir)

    @get("/options")
    async def options(self, request: Request, db: Db, principal: Caller) -> Template:
        found = await self._matches(request, db, principal)
        return show(request, "worker/options.html", title="Your options", matches=found,
                          focus=focus_of(request), reasons=REASONS)

    async def _pathway(self, request: Request, db: Db, principal: Caller, target_id: UUID,
                       form: pages.Form, status_code: int = 200) -> Template:
        found = await self._matches(request, db, principal)
        pathway = next((p for p in found.pathways if p.target_occupation.id == target_id),
                       None)
        label = pathway.target_occupation.label if pathway else None
        if label is None:  # not among the best shown: the choice itself will say if it may be
            occupation = await find_occupation(db, str(target_id))
            if occupation is None:
                raise NotFound(f"no occupation with id {target_id}")
            label = occupation.label
        topup, had_topup = None, False
        if found.at_risk:
            topup = (await policy_on(db)).rules.retraining_topup_pence
            had_topup = bool((await accounts.entries_page(
                db, principal, principal.worker_id, "retraining_topup", None, 1)).items)
        return show(request, "worker/pathway_check.html", title="Check your choice",
                          form=form, matches=found, pathway=pathway, label=label,
                          target_id=target_id, topup=topup, had_topup=had_topup,
                          reasons=REASONS, focus=focus_of(request), status_code=status_code)

    @get("/options/pathway/{target_id:uuid}")
    async def check_pathway(self, request: Request, db: Db, principal: Caller,
                            target_id: FromPath[UUID]) -> Template:
        return await self._pathway(request, db, principal, target_id, pages.Form())

    @post("/options/pathway/{target_id:uuid}")
    async def choose(self, request: Request, db: Db, principal: Caller,
                     target_id: FromPath[UUID]) -> Template:
        form = await pages.form_of(request)
        try:
            chosen = await attempt(db, lambda: matching.choose(
                db, principal, principal.worker_id, PathwayChoiceIn(str(target_id))))
        except DomainError as error:
            if not refusable(error):
                raise
            form.error("confirm", message_of(error))
            return await self._pathway(request, db, principal, target_id, form,
                                       status_code=error.status)
        return show(request, "worker/pathway_chosen.html", title="Pathway chosen",
                          chosen=chosen)

    async def _enrol(self, request: Request, db: Db, principal: Caller, course_id: UUID,
                     presentation_id: UUID, form: pages.Form, template: str = "enrol",
                     status_code: int = 200) -> Template:
        course, found = await _presentation(db, course_id, presentation_id)
        account = await accounts.account(db, principal, principal.worker_id)
        titles = {"enrol": "Enrol on a course", "enrol_check": "Check your enrolment"}
        return show(request, f"worker/{template}.html", title=titles[template],
                          form=form, course=course, presentation=found, account=account,
                          status_code=status_code)

    @get("/options/enrol/{course_id:uuid}/{presentation_id:uuid}")
    async def enrol_form(self, request: Request, db: Db, principal: Caller,
                         course_id: FromPath[UUID], presentation_id: FromPath[UUID]) -> Template:
        return await self._enrol(request, db, principal, course_id, presentation_id,
                                 pages.Form())

    @post("/options/enrol/{course_id:uuid}/{presentation_id:uuid}/check")
    async def check_enrolment(self, request: Request, db: Db, principal: Caller,
                              course_id: FromPath[UUID],
                              presentation_id: FromPath[UUID]) -> Template:
        form = await pages.form_of(request)
        try:
            enrolment_rules.check_consent(form.get("consent") == "yes")
        except DomainError:
            return await self._consent_missing(request, db, principal, course_id,
                                               presentation_id, form)
        return await self._enrol(request, db, principal, course_id, presentation_id, form,
                                 "enrol_check")

    async def _consent_missing(self, request: Request, db: Db, principal: Caller,
                               course_id: UUID, presentation_id: UUID,
                               form: pages.Form) -> Template:
        course, _ = await _presentation(db, course_id, presentation_id)
        form.error("consent", f"Select that you agree to share your name and email with "
                   f"{course.provider_name}: the college needs them to enrol you")
        return await self._enrol(request, db, principal, course_id, presentation_id, form,
                                 status_code=422)

    @post("/options/enrol/{course_id:uuid}/{presentation_id:uuid}")
    async def enrol(self, request: Request, db: Db, principal: Caller,
                    course_id: FromPath[UUID], presentation_id: FromPath[UUID]) -> Template:
        form = await pages.form_of(request)
        data = EnrolmentIn(principal.worker_id, presentation_id,  # type: ignore[arg-type]
                           consent_to_share=form.get("consent") == "yes")
        try:
            enrolment = await attempt(db, lambda: enrolments.enrol(
                db, principal, data, enrolments.utcnow(), _hours(request)))
        except DomainError as error:
            if not refusable(error):
                raise
            if any(e.field == "consent_to_share" for e in error.errors):
                return await self._consent_missing(request, db, principal, course_id,
                                                   presentation_id, form)
            form.error("confirm", message_of(error))
            return await self._enrol(request, db, principal, course_id, presentation_id, form,
                                     "enrol_check", status_code=error.status)
        return show(request, "worker/enrolled.html", title="Enrolment made",
                          enrolment=enrolment)

    @get("/enrolments")
    async def list_enrolments(self, request: Request, db: Db, principal: Caller) -> Template:
        found = await enrolments.for_worker(db, principal, principal.worker_id, None, 50)
        cancelled = request.query_params.get("cancelled")
        done = next((e for e in found.items if str(e.id) == cancelled), None)
        return show(request, "worker/enrolments.html", title="Your enrolments",
                          enrolments=found.items, cancelled=done)

    async def _act(self, request: Request, db: Db, principal: Caller, enrolment_id: UUID,
                   action: str, form: pages.Form, status_code: int = 200) -> Template:
        found = await enrolments.read(db, principal, enrolment_id)
        return show(request, f"worker/enrolment_{action}.html",
                          title="Cancel your enrolment" if action == "cancel"
                          else "Accept your place", form=form, enrolment=found,
                          hold=self._hold_outcome(principal, found),
                          status_code=status_code)

    @staticmethod
    def _hold_outcome(principal: Caller, found: Enrolment) -> str | None:
        """What cancelling now would do with the hold (enrolments' rule), None with no hold."""
        if found.hold_id is None:
            return None
        return enrolment_rules.hold_outcome(principal.role == "college",
                                            found.presentation.starts_on, clock.today())

    @get("/enrolments/{enrolment_id:uuid}/cancel")
    async def check_cancel(self, request: Request, db: Db, principal: Caller,
                           enrolment_id: FromPath[UUID]) -> Template:
        return await self._act(request, db, principal, enrolment_id, "cancel", pages.Form())

    @post("/enrolments/{enrolment_id:uuid}/cancel")
    async def cancel(self, request: Request, db: Db, principal: Caller,
                     enrolment_id: FromPath[UUID]) -> Response:
        form = await pages.form_of(request)
        try:
            await attempt(db, lambda: enrolments.cancel(
                db, principal, enrolment_id, "cancelled by the worker on the web",
                enrolments.utcnow(), _hours(request)))
        except DomainError as error:
            if not refusable(error):
                raise
            form.error("confirm", message_of(error))
            return await self._act(request, db, principal, enrolment_id, "cancel", form,
                                   status_code=error.status)
        return Redirect(f"/enrolments?cancelled={enrolment_id}", status_code=303)

    @get("/enrolments/{enrolment_id:uuid}/accept")
    async def check_accept(self, request: Request, db: Db, principal: Caller,
                           enrolment_id: FromPath[UUID]) -> Template:
        return await self._act(request, db, principal, enrolment_id, "accept", pages.Form())

    @post("/enrolments/{enrolment_id:uuid}/accept")
    async def accept(self, request: Request, db: Db, principal: Caller,
                     enrolment_id: FromPath[UUID]) -> Template:
        form = await pages.form_of(request)
        try:
            enrolment = await attempt(db, lambda: enrolments.accept(
                db, principal, enrolment_id, enrolments.utcnow()))
        except DomainError as error:
            if not refusable(error):
                raise
            form.error("confirm", message_of(error))
            return await self._act(request, db, principal, enrolment_id, "accept", form,
                                   status_code=error.status)
        return show(request, "worker/enrolled.html", title="Enrolment made",
                          enrolment=enrolment)
