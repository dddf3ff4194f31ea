from uuid import UUID

from litestar import Controller, get, patch, post
from litestar.params import FromPath, JSONBody, Parameter

from service.actor import Actor
from service.auth.guards import requires, requires_any_role
from service.deps import Caller, Db
from service.errors import NotFound
from service.openapi import problems
from service.oversight import store as audit
from service.pagination import DEFAULT_LIMIT, Cursor, Limit, next_cursor, time_id_cursor
from service.people import service, store
from service.people.schemas import (
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


class WorkerController(Controller):
    path = "/v1/workers"
    tags = ["people"]

    @post("/", guards=[requires("admin", "rep")],
          summary="Create a worker (admin, or a rep for their own branch)",
          responses=problems({409: "A worker with this `external_ref` exists"}))
    async def create(self, data: JSONBody[WorkerIn], db: Db,
                     principal: Caller) -> Worker:
        return await service.create_worker(db, principal, data)

    @get("/", guards=[requires("admin", "rep")],
         summary="List workers, newest first (admin; a rep sees their branch)")
    async def list_workers(self, db: Db, principal: Caller,
                           branch: str | None = Parameter(default=None, max_length=200),
                           limit: Limit = DEFAULT_LIMIT, cursor: Cursor = None) -> WorkerPage:
        if principal.role == "rep":
            principal.require_branch(branch or principal.branch or "")
            branch = principal.branch
        rows = await store.list_workers(db, branch, time_id_cursor(cursor), limit + 1)
        items = rows[:limit]
        await audit.record(db, Actor.of(principal), "worker.list", [w.id for w in items])
        return WorkerPage(items, next_cursor(rows, limit, lambda w: (w.created_at, w.id)))

    @get("/{worker_id:uuid}", guards=[requires_any_role()], summary="A worker's record")
    async def read(self, worker_id: FromPath[UUID], db: Db,
                   principal: Caller) -> Worker:
        return await service.visible_worker(db, principal, worker_id, "worker.read")

    @patch("/{worker_id:uuid}", guards=[requires("admin", "rep", "worker")],
           summary="Change a worker's record; priority is recomputed")
    async def update(self, worker_id: FromPath[UUID], data: JSONBody[WorkerPatch], db: Db,
                     principal: Caller) -> Worker:
        return await service.update_worker(db, principal, worker_id, data)

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
        return await store.insert_rep(db, data.name, data.email, data.branch)


class ProviderController(Controller):
    path = "/v1/providers"
    tags = ["people"]
    guards = [requires("admin")]

    @post("/", summary="Register a partner college by UKPRN (admin)",
          responses=problems({409: "A college with this UKPRN is registered"}))
    async def create(self, data: JSONBody[ProviderIn], db: Db) -> Provider:
        return await store.insert_provider(db, data.ukprn, data.name)


@get("/v1/me", tags=["people"], guards=[requires_any_role()], summary="Who the token belongs to",
     responses=problems({404: "The record this token stands for no longer exists"}))
async def me(db: Db, principal: Caller) -> Me:
    result = Me(principal.role, principal.name, principal.token_id)
    if principal.worker_id:
        result.worker = await service.visible_worker(db, principal, principal.worker_id,
                                                     "worker.read")
    elif principal.rep_id:
        result.rep = await store.get_rep(db, principal.rep_id)
    elif principal.provider_id:
        result.provider = await store.get_provider(db, principal.provider_id)
    if principal.subject_id and not (result.worker or result.rep or result.provider):
        raise NotFound("the record this token stands for no longer exists")
    return result
