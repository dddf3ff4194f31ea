from uuid import UUID

from litestar import Controller, get
from litestar.params import Parameter

from service.auth.guards import requires
from service.deps import Db
from service.oversight import store
from service.oversight.schemas import AuditEntry, AuditPage
from service.pagination import DEFAULT_LIMIT, Cursor, Limit, decode_cursor, page


class AuditController(Controller):
    path = "/v1/audit"
    tags = ["oversight"]
    guards = [requires("admin")]

    @get("/", summary="Who read or changed workers' personal data (admin)")
    async def list_audit(self, db: Db,
                         worker: UUID | None = Parameter(default=None, description="Worker id"),
                         limit: Limit = DEFAULT_LIMIT, cursor: Cursor = None) -> AuditPage:
        key = decode_cursor(cursor, int)
        rows = await store.list_entries(db, worker, key[0] if key else None, limit + 1)
        return AuditPage(*page(rows, limit, lambda r: (r["id"],), lambda r: AuditEntry(**dict(r))))
