from typing import Annotated
from uuid import UUID

from litestar import Controller, get, post
from litestar.datastructures import State
from litestar.params import FromPath, JSONBody, Parameter

from service.auth.guards import requires
from service.deps import Caller, Db
from service.matching import service
from service.matching.schemas import Focus, Matches, PathwayChoice, PathwayChoiceIn
from service.openapi import problems

WHO = ("admin", "rep", "worker")


class MatchingController(Controller):
    path = "/v1/workers/{worker_id:uuid}"
    tags = ["matching"]

    @get("/matches", guards=[requires(*WHO)],
         summary="Safer occupations close to the worker's, the gap skills for each and a "
         "pathway of courses that fits them, costed against their balance (the worker, a rep "
         "of their branch, admin)",
         responses=problems({404: "No worker with that id"}))
    async def matches(self, worker_id: FromPath[UUID], db: Db, principal: Caller,
                      state: State,
                      focus: Focus | None = Parameter(
                          default=None, description="digital: close the digital gaps first"),
                      limit: Annotated[int, Parameter(
                          ge=1, le=20, description="How many pathways (1-20)")] = 5) -> Matches:
        return await service.matches(db, principal, worker_id, focus=focus, limit=limit,
                                     catalogue_dir=state.settings.catalogue_dir)

    @post("/pathway", status_code=201, guards=[requires(*WHO)],
          summary="Record the worker's choice of pathway; an at-risk worker gets the one-off "
          "retraining top-up, earmarked to it",
          responses=problems({404: "No worker with that id",
                              422: "An unknown occupation, or not one of the worker's "
                              "transitions (or the worker has no occupation)"}))
    async def choose(self, worker_id: FromPath[UUID], data: JSONBody[PathwayChoiceIn], db: Db,
                     principal: Caller) -> PathwayChoice:
        return await service.choose(db, principal, worker_id, data)
