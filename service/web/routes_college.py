"""A college's pages: its syncs with every rejected record and why, uploading a catalogue
(JSON or XCRI-CAP), and its feeds with their last pull."""

from litestar import Controller, Request, Response, get, post
from litestar.background_tasks import BackgroundTask
from litestar.response import Template

from service.actor import Actor
from service.auth.guards import requires
from service.courses import service as courses
from service.courses.inference_job import infer_after_sync
from service.deps import Caller, Db
from service.web import pages


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
                leases=courses.Leases.of(request.app.state.settings, request.app.state.pool))
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
