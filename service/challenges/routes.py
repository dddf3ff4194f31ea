from datetime import UTC, datetime
from uuid import UUID

from litestar import Controller, get, post
from litestar.params import FromPath, JSONBody, Parameter

from service.auth.guards import requires
from service.challenges import service
from service.challenges.schemas import AnswerIn, Challenge, ChallengeIn, ChallengePage, StatusFilter
from service.deps import Caller, Db
from service.openapi import problems
from service.pagination import DEFAULT_LIMIT, Cursor, Limit


def utcnow() -> datetime:
    return datetime.now(UTC)


@post("/v1/workers/{worker_id:uuid}/challenges", tags=["challenges"],
      guards=[requires("worker", "rep")],
      summary="Ask a person to look again at an automated decision about the worker (the "
      "worker, or a rep of their branch)",
      responses=problems({403: "Wrong role, or another branch's worker",
                          404: "No worker with that id",
                          422: "An unknown decision, or no reason"}))
async def raise_challenge(worker_id: FromPath[UUID], data: JSONBody[ChallengeIn], db: Db,
                          principal: Caller) -> Challenge:
    return await service.raise_challenge(db, principal, worker_id, data, utcnow())


class ChallengeController(Controller):
    path = "/v1/challenges"
    tags = ["challenges"]

    @get("/", guards=[requires("admin", "rep", "worker")],
         summary="Challenges, newest first (reps their branch's, workers their own, admins "
         "any); open ones older than 14 days are `overdue`",
         responses=problems({403: "A rep naming another branch, or a worker naming a branch"}))
    async def list_challenges(self, db: Db, principal: Caller,
                              status: StatusFilter | None = Parameter(default=None),
                              branch: str | None = Parameter(default=None, max_length=200,
                                                             description="A branch"),
                              limit: Limit = DEFAULT_LIMIT,
                              cursor: Cursor = None) -> ChallengePage:
        return await service.list_challenges(db, principal, branch=branch, status=status,
                                             cursor=cursor, limit=limit, now=utcnow())

    @post("/{challenge_id:uuid}/answer", status_code=200, guards=[requires("admin", "rep")],
          summary="Answer a challenge (a rep of the worker's branch, or admin): upheld, or "
          "changed, with the explanation",
          responses=problems({403: "Wrong role, or another branch's worker",
                              404: "No challenge with that id",
                              409: "Already answered"}))
    async def answer(self, challenge_id: FromPath[UUID], data: JSONBody[AnswerIn], db: Db,
                     principal: Caller) -> Challenge:
        return await service.answer(db, principal, challenge_id, data, utcnow())
