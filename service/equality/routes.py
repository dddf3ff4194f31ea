from datetime import UTC, datetime
from uuid import UUID

from litestar import Controller, delete, get, put
from litestar.params import FromPath, JSONBody

from service.auth.guards import requires
from service.deps import Caller, Db
from service.equality import service
from service.equality.schemas import Equality, EqualityIn
from service.openapi import problems

ONLY_THE_WORKER = "Not the worker themself: nobody else, admins included, sees these answers"


class EqualityController(Controller):
    path = "/v1/workers/{worker_id:uuid}/equality"
    tags = ["equality"]
    guards = [requires("worker")]

    @put("/", summary="Give or change your equality-monitoring answers (ONS 2021 census "
         "categories, each also \"prefer_not_to_say\") with your consent; used only in "
         "aggregate reports, never in a decision about you",
         responses=problems({403: ONLY_THE_WORKER,
                             422: "A value outside the lists (`errors` names the field), or "
                             "consent not given"}))
    async def give(self, worker_id: FromPath[UUID], data: JSONBody[EqualityIn], db: Db,
                   principal: Caller) -> Equality:
        return await service.put(db, principal, worker_id, data, datetime.now(UTC))

    @get("/", summary="Your equality-monitoring answers",
         responses=problems({403: ONLY_THE_WORKER,
                             404: "No such worker, or no answers given (or withdrawn)"}))
    async def read(self, worker_id: FromPath[UUID], db: Db, principal: Caller) -> Equality:
        return await service.get(db, principal, worker_id)

    @delete("/", summary="Withdraw your consent: your answers are deleted at once",
            responses=problems({403: ONLY_THE_WORKER,
                                404: "No such worker, or no answers to withdraw"}))
    async def withdraw(self, worker_id: FromPath[UUID], db: Db, principal: Caller) -> None:
        await service.withdraw(db, principal, worker_id)
