from uuid import UUID

from litestar import Controller, Request, delete, get, patch, post
from litestar.datastructures import State
from litestar.params import FromPath, JSONBody, Parameter

from service.actor import Actor
from service.auth.guards import requires, requires_any_role
from service.datarights.routes import erase_worker
from service.datarights.schemas import Erased
from service.deps import Caller, Db
from service.openapi import problems
from service.pagination import DEFAULT_LIMIT, Cursor, Limit
from service.people import service
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
        return await service.create_worker(db, Actor.of(principal), data, scope=principal)

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
