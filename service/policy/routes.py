from datetime import date

from litestar import Controller, get, post
from litestar.params import JSONBody, Parameter

from service.actor import Actor
from service.auth.guards import requires, requires_any_role
from service.deps import Caller, Db
from service.openapi import problems
from service.pagination import DEFAULT_LIMIT, Cursor, Limit
from service.policy import service
from service.policy.schemas import Policy, PolicyIn, PolicyPage


class PolicyController(Controller):
    path = "/v1/policy"
    tags = ["policy"]

    @get("/", guards=[requires_any_role()],
         summary="The policy in force today (or on `on`, or version `version`): credits, "
         "ceilings, top-ups, priority points",
         responses=problems({404: "No policy was in force on `on`, or no such `version`"}))
    async def current(self, db: Db, principal: Caller,
                      on: date | None = Parameter(default=None, description="A day (ISO 8601)"),
                      version: int | None = Parameter(default=None, ge=1, le=2**31 - 1,
                                                      description="A version")
                      ) -> Policy:
        if version is None:
            return await service.policy_on(db, on)
        return await service.policy_version(db, version)

    @post("/", guards=[requires("admin")],
          summary="Publish a new policy version, taking effect on 1 January of a coming "
          "year, after every published version (admin)")
    async def publish(self, data: JSONBody[PolicyIn], db: Db, principal: Caller) -> Policy:
        return await service.publish(db, Actor.of(principal), data)

    @get("/versions", guards=[requires_any_role()], summary="Every policy version, newest first")
    async def versions(self, db: Db, principal: Caller, limit: Limit = DEFAULT_LIMIT,
                       cursor: Cursor = None) -> PolicyPage:
        return await service.policies_page(db, cursor, limit)
