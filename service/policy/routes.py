from datetime import UTC, date, datetime
from typing import Any

from litestar import Controller, Request, get, post
from litestar.datastructures import State
from litestar.params import JSONBody, Parameter

from service.actor import Actor
from service.auth.guards import requires, requires_any_role
from service.deps import Caller, Db
from service.openapi import problems
from service.pagination import DEFAULT_LIMIT, Cursor, Limit
from service.policy import service
from service.policy.schemas import Policy, PolicyIn, PolicyPage
from service.policy.transparency import contact_address, record


class PolicyController(Controller):
    path = "/v1/policy"
    tags = ["policy"]

    @get("/", guards=[requires_any_role()],
         summary="The policy in force today (or on `on`, or version `version`): credits, "
         "ceilings, top-ups, priority points, and `in_words`: the priority weights, credit "
         "rules, review eligibility and matching thresholds and formula in sentences",
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


@get("/v1/transparency", tags=["policy"], opt={"public": True},
     summary="The Algorithmic Transparency Recording Standard record of Ladder's automated "
     "decisions (tier 1 and tier 2), generated from the policy in force; no token needed",
     responses=problems({404: "No policy is in force today"}))
async def transparency(db: Db, request: Request, state: State) -> dict[str, Any]:
    settings = state.settings
    policy = await service.policy_on(db)
    website = settings.transparency_website or str(request.base_url).rstrip("/")
    return record(policy, website, contact_address(settings.transparency_contact,
                                                   settings.mail_from), datetime.now(UTC))
