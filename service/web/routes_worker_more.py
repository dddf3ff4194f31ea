"""More of a worker's pages: their data (who looked at it, and the export). Their options are
in routes_worker_options."""

import msgspec
from litestar import Controller, Request, Response, get
from litestar.response import Template

from service.auth.guards import requires
from service.datarights import service as datarights
from service.deps import Caller, Db
from service.web import pages


class WorkerMorePages(Controller):
    guards = [requires("worker")]

    @get("/your-data")
    async def your_data(self, request: Request, db: Db, principal: Caller) -> Template:
        log = await datarights.access_log(db, principal, principal.worker_id, None, 50)
        return pages.page(request, "worker/your_data.html", title="Your data", log=log.items)

    @get("/your-data/export.json")
    async def export(self, db: Db, principal: Caller) -> Response:
        found = await datarights.export(db, principal, principal.worker_id)
        return Response(msgspec.json.encode(found), media_type="application/json", headers={
            "Content-Disposition": 'attachment; filename="ladder-my-data.json"',
            "Cache-Control": "no-store"})
