from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.datastructures import State
from litestar.params import FromPath, Parameter

from service import db
from service.actor import Actor
from service.auth.guards import requires
from service.datarights import service
from service.datarights.schemas import (
    AccessLog,
    Erased,
    ErasureRequest,
    ErasureRequestPage,
    Export,
    RequestStatus,
)
from service.deps import Caller, Db
from service.openapi import problems
from service.pagination import DEFAULT_LIMIT, Cursor, Limit


async def erase_worker(worker_id: UUID, request: Request, principal: Caller,
                       state: State) -> Erased:
    """`DELETE /v1/workers/{id}` (declared in people's routes, whose path it shares). Committed
    here, then the worker's tokens are forgotten by this process's cache, so that none of them
    is answered from it again (as revoking a token does)."""
    conn = await db.request_connection(request.scope).get()
    async with conn.transaction():
        erased = await service.erase(conn, Actor.of(principal), worker_id,
                                     offer_hours=state.settings.review_offer_hours)
    state.token_cache.forget_worker(worker_id)
    return erased


class DataRightsController(Controller):
    path = "/v1/workers/{worker_id:uuid}"
    tags = ["data rights"]

    @get("/export", guards=[requires("worker", "admin")],
         summary="Everything Ladder holds about the worker, as one JSON document (the worker, "
         "or admin; audited)",
         responses=problems({403: "Needs the role worker or admin; a worker exports only their "
                             "own data", 404: "No worker with that id, or erased"}))
    async def export(self, worker_id: FromPath[UUID], db: Db, principal: Caller) -> Export:
        return await service.export(db, principal, worker_id)

    @post("/erasure-request", guards=[requires("worker")],
          summary="Ask for your personal data to be erased; an admin confirms it by erasing "
          "(`DELETE /v1/workers/{id}`) or declines it",
          responses=problems({403: "Needs the role worker; only for yourself",
                              409: "You have an open request already"}))
    async def request_erasure(self, worker_id: FromPath[UUID], db: Db,
                              principal: Caller) -> ErasureRequest:
        return await service.request_erasure(db, principal, worker_id)

    @post("/erasure-request/decline", status_code=200, guards=[requires("admin")],
          summary="Decline a worker's open erasure request (admin)",
          responses=problems({404: "No such worker, or no open request"}))
    async def decline_erasure(self, worker_id: FromPath[UUID], db: Db,
                              principal: Caller) -> ErasureRequest:
        return await service.decline_erasure(db, principal, worker_id)

    @get("/access-log", guards=[requires("worker")],
         summary="Who read or changed your data, what and when, newest first (the worker)",
         responses=problems({403: "Needs the role worker; only your own access log"}))
    async def access_log(self, worker_id: FromPath[UUID], db: Db, principal: Caller,
                         limit: Limit = DEFAULT_LIMIT, cursor: Cursor = None) -> AccessLog:
        return await service.access_log(db, principal, worker_id, cursor, limit)


@get("/v1/erasure-requests", tags=["data rights"], guards=[requires("admin")],
     summary="Workers' erasure requests, oldest first (admin)")
async def erasure_requests(db: Db, status: RequestStatus | None = Parameter(default=None),
                           limit: Limit = DEFAULT_LIMIT,
                           cursor: Cursor = None) -> ErasureRequestPage:
    return await service.list_requests(db, status, cursor, limit)
