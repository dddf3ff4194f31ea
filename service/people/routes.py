from dataclasses import dataclass
from uuid import UUID

from litestar import Controller, Request, delete, get, patch, post
from litestar.datastructures import State
from litestar.openapi.spec import OpenAPIMediaType, Operation, RequestBody
from litestar.params import FromPath, FromQuery, JSONBody, Parameter

from service.actor import Actor
from service.auth.guards import requires, requires_any_role
from service.bodies import body_within, media_type_of
from service.datarights.routes import erase_worker
from service.datarights.schemas import Erased
from service.deps import Caller, Db
from service.errors import FieldError, UnsupportedMediaType
from service.openapi import problems
from service.pagination import DEFAULT_LIMIT, Cursor, Limit
from service.people import imports, service
from service.people.csv_import import OPTIONAL, REQUIRED
from service.people.schemas import (
    ImportReport,
    Me,
    Priority,
    Provider,
    ProviderIn,
    Rep,
    RepIn,
    Worker,
    WorkerIn,
    WorkerPage,
    WorkerPatch,
)

CSV_TYPES = frozenset({"text/csv", "application/csv"})
_IMPORT_BODY = RequestBody(required=True, description=(
    "CSV, UTF-8, comma-separated, the first line a header naming the columns in any order: "
    + ", ".join(f"`{c}`" for c in REQUIRED) + " (required) and "
    + ", ".join(f"`{c}`" for c in sorted(OPTIONAL)) + " (optional: a blank cell is null, or "
    "false for facing_redundancy; a column left out keeps an existing worker's value). Values "
    "as `POST /v1/workers` takes them: dates YYYY-MM-DD, hours a number, true/false."),
    content={"text/csv": OpenAPIMediaType(schema={"type": "string"})})  # type: ignore[arg-type]


@dataclass
class ImportOperation(Operation):
    """The body is CSV, read by hand, so its documentation is given here."""

    def __post_init__(self) -> None:
        self.request_body = _IMPORT_BODY


class WorkerController(Controller):
    path = "/v1/workers"
    tags = ["people"]

    @post("/", guards=[requires("admin", "rep")],
          summary="Create a worker (admin, or a rep for their own branch)",
          responses=problems({409: "A worker with this `external_ref` exists"}))
    async def create(self, data: JSONBody[WorkerIn], db: Db,
                     principal: Caller) -> Worker:
        return await service.create_worker(db, Actor.of(principal), data, scope=principal)

    @post("/import", guards=[requires("admin", "rep")], status_code=200,
          operation_class=ImportOperation,
          summary="Create or update workers from an HR system's CSV export (admin, or a rep "
          "for their own branch)",
          description="Every row is validated; the valid ones are applied atomically (created "
          "or updated by `employer` and `external_ref`), the rejected ones are not and come "
          "back with their line numbers and reasons. `programme=` (admin) adds the rows to a "
          "programme. See docs/programmes.md.",
          responses=problems({
              403: "Wrong role, or `programme=` from a rep",
              404: "No programme with the id given",
              409: "A concurrent change to the same workers (retry)",
              413: "The file is larger than LADDER_IMPORT_MAX_BYTES",
              415: "The body is not text/csv",
              422: "A wrong header, an `external_ref` repeated within the file, too many rows, "
                   "or a file that is not UTF-8 CSV; nothing is applied"}))
    async def import_csv(self, request: Request, db: Db, principal: Caller, state: State,
                         programme: FromQuery[UUID | None] = None) -> ImportReport:
        if media_type_of(request) not in CSV_TYPES:
            detail = "send the file as text/csv"
            raise UnsupportedMediaType(detail, [FieldError("Content-Type", detail)])
        body = await body_within(request, state.settings.import_max_bytes, "an import")
        return await imports.import_workers(db, principal, body, programme_id=programme,
                                            max_rows=state.settings.import_max_rows)

    @get("/", guards=[requires("admin", "rep")],
         summary="List workers, newest first (admin; a rep sees their branch)")
    async def list_workers(self, db: Db, principal: Caller,
                           branch: str | None = Parameter(default=None, max_length=200),
                           limit: Limit = DEFAULT_LIMIT, cursor: Cursor = None) -> WorkerPage:
        return await service.list_workers(db, principal, branch, cursor, limit)

    @get("/{worker_id:uuid}", guards=[requires_any_role()], summary="A worker's record")
    async def read(self, worker_id: FromPath[UUID], db: Db,
                   principal: Caller) -> Worker:
        return await service.visible_worker(db, principal, worker_id, "worker.read")

    @patch("/{worker_id:uuid}", guards=[requires("admin", "rep", "worker")],
           summary="Change a worker's record; priority is recomputed")
    async def update(self, worker_id: FromPath[UUID], data: JSONBody[WorkerPatch], db: Db,
                     principal: Caller) -> Worker:
        return await service.update_worker(db, principal, worker_id, data)

    @delete("/{worker_id:uuid}", status_code=200, guards=[requires("admin")],
            summary="Erase the worker: pseudonymise their personal data everywhere, revoke "
            "their tokens, keep the links that totals and reports add up (admin; "
            "docs/datarights.md)",
            responses=problems({404: "No worker with that id",
                                409: "The worker is erased already"}))
    async def erase(self, worker_id: FromPath[UUID], request: Request, principal: Caller,
                    state: State) -> Erased:
        return await erase_worker(worker_id, request, principal, state)

    @get("/{worker_id:uuid}/priority", guards=[requires_any_role()],
         summary="Priority score with its reasons, in words")
    async def priority(self, worker_id: FromPath[UUID], db: Db,
                       principal: Caller) -> Priority:
        score, reasons = await service.worker_priority(db, principal, worker_id)
        return Priority(worker_id, score, reasons)


class RepController(Controller):
    path = "/v1/reps"
    tags = ["people"]
    guards = [requires("admin")]

    @post("/", summary="Register a union learning rep (admin)")
    async def create(self, data: JSONBody[RepIn], db: Db) -> Rep:
        return await service.create_rep(db, data)


class ProviderController(Controller):
    path = "/v1/providers"
    tags = ["people"]
    guards = [requires("admin")]

    @post("/", summary="Register a partner college by UKPRN (admin)",
          responses=problems({409: "A college with this UKPRN is registered"}))
    async def create(self, data: JSONBody[ProviderIn], db: Db) -> Provider:
        return await service.create_provider(db, data)


@get("/v1/me", tags=["people"], guards=[requires_any_role()], summary="Who the token belongs to",
     responses=problems({404: "The record this token stands for no longer exists"}))
async def me(db: Db, principal: Caller) -> Me:
    return await service.me(db, principal)
