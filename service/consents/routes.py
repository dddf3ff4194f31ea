from datetime import UTC, datetime
from uuid import UUID

from litestar import Controller, get, post
from litestar.params import FromPath

from service.auth.guards import requires
from service.consents import service
from service.consents.schemas import Consent, ConsentPage
from service.deps import Caller, Db
from service.openapi import problems
from service.pagination import DEFAULT_LIMIT, Cursor, Limit


class ConsentController(Controller):
    path = "/v1/workers/{worker_id:uuid}/consents"
    tags = ["consents"]

    @get("/", guards=[requires("admin", "rep", "worker")],
         summary="The worker's consents, in force and withdrawn, newest first (the worker, a "
         "rep of their branch, or admin; audited)")
    async def list_consents(self, worker_id: FromPath[UUID], db: Db, principal: Caller,
                            limit: Limit = DEFAULT_LIMIT,
                            cursor: Cursor = None) -> ConsentPage:
        return await service.list_consents(db, principal, worker_id, cursor, limit)

    @post("/{consent_id:uuid}/withdraw", status_code=200, guards=[requires("worker")],
          summary="Withdraw a consent (the worker): nothing more is shared under it, at once "
          "(a college no longer sees the worker's email); audited",
          responses=problems({404: "No such worker, or no such consent of theirs",
                              409: "The consent is already withdrawn"}))
    async def withdraw(self, worker_id: FromPath[UUID], consent_id: FromPath[UUID], db: Db,
                       principal: Caller) -> Consent:
        return await service.withdraw(db, principal, worker_id, consent_id, datetime.now(UTC))
