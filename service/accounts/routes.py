from uuid import UUID

from litestar import Controller, Response, get, post
from litestar.datastructures import State
from litestar.params import FromPath, JSONBody, Parameter
from litestar.types import Scope

from service import clock, db
from service.accounts import service
from service.accounts.schemas import (
    Account,
    AccrualIn,
    AccrualResult,
    AdjustmentIn,
    ContributionIn,
    Entry,
    EntryKind,
    EntryPage,
    HoldPage,
    HoldStatus,
)
from service.actor import Actor
from service.auth.guards import caller, requires, requires_any_role
from service.deps import Caller, Db
from service.idempotency import IdempotencyKey, once
from service.openapi import problems
from service.pagination import DEFAULT_LIMIT, Cursor, Limit
from service.people.service import visible_worker
from service.responses import LeanJSON

IDEMPOTENT = problems({409: "The Idempotency-Key was used for a different request, or the "
                       "account cannot cover it", 422: "A field is not allowed, or the "
                       "Idempotency-Key header is missing or too long"})


class AccountController(Controller):
    path = "/v1/workers/{worker_id:uuid}/account"
    tags = ["accounts"]

    @get("/", guards=[requires_any_role()], response_class=LeanJSON,
         summary="Balance, available, held, lifetime credited, ceiling and next accrual "
         "(the worker, a rep of their branch, admins)")
    async def read(self, worker_id: FromPath[UUID], scope: Scope) -> Account:
        # The busiest read: no dependency injection (db.read, and the caller RouteMiddleware
        # found), which saves it about 25 µs of Litestar's work a request, and LeanJSON.
        async with db.read(scope) as conn:
            return await service.account(conn, caller(scope), worker_id)

    @get("/entries", guards=[requires_any_role()],
         summary="Ledger entries, newest first, optionally of one kind")
    async def entries(self, worker_id: FromPath[UUID], db: Db, principal: Caller,
                      kind: EntryKind | None = Parameter(default=None, description="Entry kind"),
                      limit: Limit = DEFAULT_LIMIT, cursor: Cursor = None) -> EntryPage:
        return await service.entries_page(db, principal, worker_id, kind, cursor, limit)

    @get("/holds", guards=[requires_any_role()],
         summary="Money set aside for courses, newest first, optionally by status "
         "(open holds are what `held_pence` adds up)")
    async def holds(self, worker_id: FromPath[UUID], db: Db, principal: Caller,
                    status: HoldStatus | None = Parameter(default=None,
                                                          description="Hold status"),
                    limit: Limit = DEFAULT_LIMIT, cursor: Cursor = None) -> HoldPage:
        return await service.holds_page(db, principal, worker_id, status, cursor, limit)

    @get("/statement.csv", guards=[requires_any_role()],
         summary="The statement as CSV, with running balance",
         media_type="text/csv")
    async def statement(self, worker_id: FromPath[UUID], db: Db,
                        principal: Caller) -> Response[str]:
        text = await service.statement_csv(db, principal, worker_id)
        filename = f"ladder-statement-{worker_id}-{clock.today().isoformat()}.csv"
        return Response(text, media_type="text/csv", headers={
            "Content-Disposition": f'attachment; filename="{filename}"'})

    @post("/contributions", guards=[requires("admin", "rep")],
          summary="Add an employer, union or other contribution (admin; a rep "
          "for union money). Needs an Idempotency-Key header.", responses=IDEMPOTENT)
    async def contribute(self, worker_id: FromPath[UUID], data: JSONBody[ContributionIn],
                         db: Db, principal: Caller,
                         idempotency_key: IdempotencyKey = None) -> Response[Entry]:
        await service.check_contribution(db, principal, worker_id, data)
        return await once(db, principal, idempotency_key, f"contribution {worker_id}", data,
                          lambda: service.contribute(db, Actor.of(principal), worker_id, data))

    @post("/adjustments", guards=[requires("admin")],
          summary="Correct an account, with a reason (admin). Needs an "
          "Idempotency-Key header.", responses=IDEMPOTENT)
    async def adjust(self, worker_id: FromPath[UUID], data: JSONBody[AdjustmentIn], db: Db,
                     principal: Caller, idempotency_key: IdempotencyKey = None) -> Response[Entry]:
        await visible_worker(db, principal, worker_id, "account.adjust", for_update=True)
        return await once(db, principal, idempotency_key, f"adjustment {worker_id}", data,
                          lambda: service.adjust(db, Actor.of(principal), worker_id, data))


@post("/v1/accruals", status_code=200, tags=["accounts"], guards=[requires("admin")],
      summary="Credit every eligible worker for a period, once (admin)",
      responses=problems({409: "An accrual for this period is already running"}))
async def accrue(data: JSONBody[AccrualIn], principal: Caller, state: State) -> AccrualResult:
    async with db.session_connection(state.pool) as conn:  # the run holds a session lock
        return await service.accrue(conn, Actor.of(principal), data.period)
