from uuid import UUID

from litestar import Controller, get
from litestar.params import Parameter

from service.auth.guards import requires
from service.deps import Db
from service.oversight import service
from service.oversight.schemas import AuditPage
from service.pagination import DEFAULT_LIMIT, Cursor, Limit


class AuditController(Controller):
    path = "/v1/audit"
    tags = ["oversight"]
    guards = [requires("admin")]

    @get("/", summary="Who read or changed workers' personal data (admin)")
    async def list_audit(self, db: Db,
                         worker: UUID | None = Parameter(default=None, description="Worker id"),
                         limit: Limit = DEFAULT_LIMIT, cursor: Cursor = None) -> AuditPage:
        return await service.audit_page(db, worker, cursor, limit)
