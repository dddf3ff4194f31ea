"""A college's pages: its syncs with every rejected record and why, uploading a catalogue
(JSON or XCRI-CAP), its feeds with their last pull, and its enrolments to confirm as started
or completed (after a confirmation step; the enrolments service decides what may be)."""

from datetime import UTC, datetime
from uuid import UUID

from litestar import Controller, Request, Response, get, post
from litestar.background_tasks import BackgroundTask
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from service.actor import Actor
from service.auth.guards import requires
from service.courses import service as courses
from service.courses.inference_job import infer_after_sync
from service.deps import Caller, Db
from service.enrolments import service as enrolments
from service.errors import DomainError, NotFound
from service.web import pages

STATUSES = {"waiting": "Waiting for a place", "offered": "Place offered", "booked": "Booked",
            "started": "Started", "completed": "Completed", "cancelled": "Cancelled",
            "expired": "Offer lapsed"}
# What a college confirms: the action's words, and the service's use case for it.
CONFIRM = {"start": ("started", "Confirm the start", enrolments.start),
           "complete": ("completed", "Confirm completion", enrolments.complete)}
LISTED = 200


class CollegePages(Controller):
    guards = [requires("college")]

    @get("/college")
    async def home(self, request: Request, db: Db, principal: Caller) -> Template:
        syncs = await courses.list_syncs(db, principal, principal.ukprn, None, 20)
        feeds = await courses.list_feeds(db, principal, principal.ukprn, None, 50)
        return pages.page(request, "college/home.html", title="Your catalogue",
                          syncs=syncs.items, feeds=feeds.items)

    @get("/college/upload")
    async def upload_form(self, request: Request, principal: Caller) -> Template:
        return pages.page(request, "college/upload.html", title="Upload a catalogue",
                          form=pages.Form())

    @post("/college/upload")
    async def upload(self, request: Request, db: Db, principal: Caller) -> Response:
        form = pages.Form()
        raw = await request.form()
        upload = raw.get("catalogue")
        mode = raw.get("mode") if raw.get("mode") in ("full", "delta") else "full"
        form.values["mode"] = mode
        content = await upload.read() if hasattr(upload, "read") else b""
        limit = request.app.state.settings.catalogue_max_bytes
        if not content:
            form.error("catalogue", "Choose a catalogue file")
        elif len(content) > limit:
            form.error("catalogue", f"The file must be smaller than {limit // 1_000_000} MB")
        if not form:
            return pages.page(request, "college/upload.html", title="Upload a catalogue",
                              form=form, status_code=422)
        name = (getattr(upload, "filename", "") or "").lower()
        fmt = "xcri" if name.endswith(".xml") or content.lstrip()[:1] == b"<" else "json"
        provider = await courses.provider_for(db, principal, principal.ukprn)
        try:
            report = await courses.sync_catalogue(
                db, provider, content, fmt=fmt, mode=mode, actor=Actor.of(principal),
                leases=courses.Leases.of(request.app.state.settings,
                                         request.app.state.lease_pool))
        except courses.SyncRefused as refused:
            form.error("catalogue", pages.plain(refused.detail))
            return pages.page(request, "college/upload.html", title="Upload a catalogue",
                              form=form, status_code=422, report=refused.report)
        state = request.app.state
        response = pages.page(request, "college/synced.html", title="Catalogue uploaded",
                              report=report)
        response.background = BackgroundTask(infer_after_sync, state.pool, state.lexicons,
                                             provider.id)
        return response

    @get("/college/enrolments")
    async def enrolments_page(self, request: Request, db: Db, principal: Caller,
                              status: FromQuery[str | None] = None) -> Template:
        wanted = status if status in STATUSES else None
        found = await enrolments.for_provider(db, principal, principal.ukprn, wanted, None,
                                              None, LISTED)
        return pages.page(request, "college/enrolments.html", title="Enrolments to confirm",
                          enrolments=found.items, statuses=STATUSES, status=wanted,
                          done=request.query_params.get("done"))

    @get("/college/enrolments/{enrolment_id:uuid}/{action:str}")
    async def check_confirm(self, request: Request, db: Db, principal: Caller,
                            enrolment_id: FromPath[UUID], action: FromPath[str]) -> Template:
        return await self._confirm(request, db, principal, enrolment_id, action, pages.Form())

    @post("/college/enrolments/{enrolment_id:uuid}/{action:str}")
    async def confirm(self, request: Request, db: Db, principal: Caller,
                      enrolment_id: FromPath[UUID], action: FromPath[str]) -> Response:
        if action not in CONFIRM:
            raise NotFound("no such page")
        try:
            await CONFIRM[action][2](db, principal, enrolment_id, datetime.now(UTC))
        except DomainError as error:
            if error.status in (403, 404):
                raise
            form = pages.Form()
            form.take(error, {"enrolment_id": "confirm"})
            return await self._confirm(request, db, principal, enrolment_id, action, form,
                                       status_code=error.status)
        return Redirect(f"/college/enrolments?done={CONFIRM[action][0]}", status_code=303)

    async def _confirm(self, request: Request, db: Db, principal: Caller, enrolment_id: UUID,
                       action: str, form: pages.Form, *, status_code: int = 200) -> Template:
        """The check before confirming: the enrolment as the college's own list shows it (one
        of another college's is not in it: 404)."""
        if action not in CONFIRM:
            raise NotFound("no such page")
        found = await enrolments.for_provider(db, principal, principal.ukprn, None, None,
                                              None, LISTED)
        enrolment = next((e for e in found.items if e.id == enrolment_id), None)
        if enrolment is None:
            raise NotFound("none of your enrolments has that id")
        done, title, _ = CONFIRM[action]
        return pages.page(request, "college/enrolment_confirm.html", title=title,
                          enrolment=enrolment, action=action, done=done, statuses=STATUSES,
                          form=form, status_code=status_code)
