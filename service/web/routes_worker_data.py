"""A worker's data rights on the web: equality monitoring (give, change, read and delete the
answers, with consent), the consents they gave (withdrawn after a confirmation), challenges to
an automated decision, and who looked at their data, page by page. Every rule is the
services' (equality, consents, challenges, data rights): these pages only ask and show."""

from datetime import UTC, datetime
from uuid import UUID

from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from service.auth.guards import requires
from service.challenges import service as challenges
from service.challenges.logic import DECISIONS
from service.challenges.schemas import ChallengeIn
from service.consents import service as consents
from service.datarights import service as datarights
from service.deps import Caller, Db
from service.equality import logic as equality_logic
from service.equality import service as equality
from service.equality.schemas import EqualityIn
from service.errors import DomainError, NotFound
from service.web import pages

QUESTIONS = {"sex": "What is your sex?", "ethnicity": "What is your ethnic group?",
             "disability": "Are you disabled under the Equality Act?"}
MISSING = {"sex": "Select your sex, or that you prefer not to say",
           "ethnicity": "Select your ethnic group, or that you prefer not to say",
           "disability": "Select whether you are disabled, or that you prefer not to say"}
PURPOSES = {"share_with_provider": "Share your name and email with the college",
            "equality_monitoring": "Equality monitoring"}
ACCESS_PAGE = 20


def _now() -> datetime:
    return datetime.now(UTC)


def labels() -> dict[str, dict[str, str]]:
    """Every answer's wording by field (the equality service's ONS 2021 lists)."""
    found = {field: {item["value"]: item["label"] for item in items}
             for field, items in equality_logic.categories().items()}
    for field in found:
        found[field][equality_logic.PREFER_NOT_TO_SAY] = "Prefer not to say"
    return found


def ethnic_groups() -> list[tuple[str, list[tuple[str, str]]]]:
    """The ethnicity choices by high-level group, each group's own code first (for someone
    who would say only the group)."""
    return [(label, [(group, f"{label}: any background, or I would rather not say which"),
                     *codes.items()])
            for group, (label, codes) in equality_logic.ETHNIC_GROUPS.items()]


class WorkerDataPages(Controller):
    guards = [requires("worker")]

    # Equality monitoring: the answers are the worker's alone (the equality service refuses
    # anyone else) and these are the only pages that show them.

    @get("/your-data/equality")
    async def equality_page(self, request: Request, db: Db, principal: Caller) -> Template:
        try:
            answers = await equality.get(db, principal, principal.worker_id)
        except NotFound:
            return self._equality_form(request, pages.Form())
        return pages.page(request, "worker/equality.html", title="Equality monitoring",
                          answers=answers, labels=labels(),
                          saved=request.query_params.get("saved"))

    @get("/your-data/equality/change")
    async def change_equality(self, request: Request, db: Db, principal: Caller) -> Template:
        try:
            answers = await equality.get(db, principal, principal.worker_id)
            values = {field: getattr(answers, field) for field in QUESTIONS}
        except NotFound:
            values = {}
        return self._equality_form(request, pages.Form(values))

    @post("/your-data/equality")
    async def save_equality(self, request: Request, db: Db, principal: Caller) -> Response:
        form = await pages.form_of(request)
        for field in QUESTIONS:
            if form.get(field) not in equality_logic.ALLOWED[field]:
                form.error(field, MISSING[field])
        if form.get("consent") != "yes":
            form.error("consent", "Tick the box to agree that Ladder keeps your answers for "
                       "equality monitoring")
        fields = {field: field for field in (*QUESTIONS, "consent")}
        data = pages.convert(form, {field: form.get(field) for field in QUESTIONS} |
                             {"consent": True}, EqualityIn, fields) if form else None
        if data is not None:
            try:
                await equality.put(db, principal, principal.worker_id, data, _now())
                return Redirect("/your-data/equality?saved=1", status_code=303)
            except DomainError as error:
                form.take(error, fields)
        return self._equality_form(request, form, status_code=422)

    def _equality_form(self, request: Request, form: pages.Form, *,
                       status_code: int = 200) -> Template:
        return pages.page(request, "worker/equality_form.html", title="Equality monitoring",
                          form=form, labels=labels(), groups=ethnic_groups(),
                          questions=QUESTIONS, status_code=status_code)

    @get("/your-data/equality/delete")
    async def check_delete_equality(self, request: Request, db: Db,
                                    principal: Caller) -> Template:
        await equality.get(db, principal, principal.worker_id)  # none to delete: 404
        return pages.page(request, "worker/equality_delete.html",
                          title="Delete your equality answers")

    @post("/your-data/equality/delete")
    async def delete_equality(self, request: Request, db: Db, principal: Caller) -> Template:
        await equality.withdraw(db, principal, principal.worker_id)
        return pages.page(request, "worker/equality_deleted.html",
                          title="Your equality answers are deleted")

    # Consents: what the worker agreed to share, with whom and when; withdrawn after a check.

    @get("/your-data/consents")
    async def consents_page(self, request: Request, db: Db, principal: Caller) -> Template:
        found = await consents.list_consents(db, principal, principal.worker_id, None, 200)
        return pages.page(request, "worker/consents.html", title="What you agreed to share",
                          consents=found.items, purposes=PURPOSES,
                          withdrawn=request.query_params.get("withdrawn"))

    @get("/your-data/consents/{consent_id:uuid}/withdraw")
    async def check_withdraw(self, request: Request, db: Db, principal: Caller,
                             consent_id: FromPath[UUID]) -> Template:
        found = await consents.list_consents(db, principal, principal.worker_id, None, 200)
        consent = next((c for c in found.items if c.id == consent_id), None)
        if consent is None:
            raise NotFound("you have no consent with that id")
        return pages.page(request, "worker/consent_withdraw.html", title="Withdraw your consent",
                          consent=consent, purposes=PURPOSES)

    @post("/your-data/consents/{consent_id:uuid}/withdraw")
    async def withdraw(self, request: Request, db: Db, principal: Caller,
                       consent_id: FromPath[UUID]) -> Response:
        await consents.withdraw(db, principal, principal.worker_id, consent_id, _now())
        return Redirect("/your-data/consents?withdrawn=1", status_code=303)

    # Challenges: ask a person to look again at an automated decision.

    @get("/your-data/challenges")
    async def challenges_page(self, request: Request, db: Db, principal: Caller) -> Template:
        return await self._challenges(request, db, principal, pages.Form())

    @post("/your-data/challenges")
    async def raise_challenge(self, request: Request, db: Db, principal: Caller) -> Response:
        form = await pages.form_of(request)
        if form.get("decision") not in DECISIONS:
            form.error("decision", "Select the decision you want a person to look at again")
        if not form.get("reason"):
            form.error("reason", "Say why you think the decision is wrong")
        fields = {"decision": "decision", "reason": "reason"}
        data = pages.convert(form, {"decision": form.get("decision"),
                                    "reason": form.get("reason")}, ChallengeIn,
                             fields) if form else None
        if data is not None:
            try:
                await challenges.raise_challenge(db, principal, principal.worker_id, data,
                                                 _now())
                return Redirect("/your-data/challenges?raised=1", status_code=303)
            except DomainError as error:
                form.take(error, fields)
        return await self._challenges(request, db, principal, form, status_code=422)

    async def _challenges(self, request: Request, db: Db, principal: Caller,
                          form: pages.Form, *, status_code: int = 200) -> Template:
        found = await challenges.list_challenges(db, principal, branch=None, status=None,
                                                 cursor=None, limit=100, now=_now())
        return pages.page(request, "worker/challenges.html", title="Challenge a decision",
                          challenges=found.items, decisions=DECISIONS, form=form,
                          raised=request.query_params.get("raised"),
                          status_code=status_code)

    # Who looked at the worker's data, newest first, a page at a time.

    @get("/your-data/access-log")
    async def access_log(self, request: Request, db: Db, principal: Caller,
                         cursor: FromQuery[str | None] = None) -> Template:
        found = await datarights.access_log(db, principal, principal.worker_id,
                                            cursor[:200] if cursor else None, ACCESS_PAGE)
        return pages.page(request, "worker/access_log.html", title="Who looked at your data",
                          log=found.items, next_cursor=found.next_cursor,
                          first=cursor is None)
