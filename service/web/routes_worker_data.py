"""A worker's data rights on the web: the consents they gave (withdrawn after a
confirmation), challenges to an automated decision, and who looked at their data, page by
page (equality monitoring is `routes_equality.py`). Every rule is the services' (consents,
challenges, data rights): these pages only ask and show."""

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
from service.errors import DomainError, NotFound
from service.web import pages

PURPOSES = {"share_with_provider": "Share your name and email with the college",
            "equality_monitoring": "Equality monitoring"}
ACCESS_PAGE = 20


def _now() -> datetime:
    return datetime.now(UTC)


class WorkerDataPages(Controller):
    guards = [requires("worker")]

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
