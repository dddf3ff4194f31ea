from dataclasses import dataclass
from typing import Literal
from uuid import UUID

from litestar import Controller, Response, get, post
from litestar.openapi.spec import OpenAPIMediaType, Operation, Schema
from litestar.openapi.spec.enums import OpenAPIType
from litestar.params import FromPath, FromQuery, JSONBody, Parameter

from service.auth.guards import requires
from service.deps import Caller, Db
from service.openapi import problems
from service.pagination import DEFAULT_LIMIT, Cursor, Limit
from service.programmes import report, service
from service.programmes.schemas import (
    Destination,
    DestinationIn,
    DestinationPage,
    Member,
    MemberIn,
    MemberPage,
    Programme,
    ProgrammeChange,
    ProgrammeIn,
    ProgrammePage,
    ProgrammeReport,
    RemoveIn,
    WidenIn,
)

MATCHING = ("Every worker of the employer whose occupation is one of the programme's is marked "
            "facing redundancy and linked to it in one statement, audited, and their priority "
            "recomputed; a programme that matches nobody is made, and `note` says so.")


@dataclass
class ReportOperation(Operation):
    """The report answers JSON, or CSV with `format=csv`: both are documented."""

    def __post_init__(self) -> None:
        ok = (self.responses or {}).get("200")
        content = getattr(ok, "content", None)
        if content is not None:
            content["text/csv"] = OpenAPIMediaType(schema=Schema(
                type=OpenAPIType.STRING, description="section,group,measure,value lines"))


class ProgrammeController(Controller):
    path = "/v1/programmes"
    tags = ["programmes"]
    guards = [requires("admin")]

    @post("/", summary="Create a retraining programme for those facing redundancy (admin)",
          description=MATCHING, responses=problems(
              {422: "An unknown occupation (`occupations[i]`), `last_day` before "
               "`announced_on`, or another field not allowed"}))
    async def create(self, data: JSONBody[ProgrammeIn], db: Db,
                     principal: Caller) -> ProgrammeChange:
        return await service.create_programme(db, principal, data)

    @get("/", summary="Programmes, newest first (admin)")
    async def list_programmes(self, db: Db,
                              employer: str | None = Parameter(default=None, max_length=200),
                              limit: Limit = DEFAULT_LIMIT,
                              cursor: Cursor = None) -> ProgrammePage:
        return await service.list_programmes(db, employer, cursor, limit)

    @get("/{programme_id:uuid}", summary="A programme (admin)")
    async def read(self, programme_id: FromPath[UUID], db: Db) -> Programme:
        return (await service.programme(db, programme_id))[0]

    @get("/{programme_id:uuid}/report", operation_class=ReportOperation,
         summary="What became of a programme's members, with the Job Security Councils' "
         "published results beside it (admin; JSON, or CSV with format=csv)")
    async def report(self, programme_id: FromPath[UUID], db: Db,
                     format: FromQuery[Literal["json", "csv"]] = "json",
                     ) -> Response[ProgrammeReport]:
        found = await report.programme_report(db, programme_id)
        if format == "csv":
            return Response(report.report_csv(found), media_type="text/csv",  # type: ignore[arg-type]
                            headers={"Content-Disposition": "attachment; filename="
                                     f'"ladder-programme-{programme_id}-report.csv"'})
        return Response(found)

    @post("/{programme_id:uuid}/occupations", status_code=200,
          summary="Widen a programme with more occupations (admin)", description=MATCHING,
          responses=problems({422: "An unknown occupation (`occupations[i]`)"}))
    async def widen(self, programme_id: FromPath[UUID], data: JSONBody[WidenIn], db: Db,
                    principal: Caller) -> ProgrammeChange:
        return await service.widen_programme(db, principal, programme_id, data)

    @get("/{programme_id:uuid}/members", summary="A programme's members, in the order they "
         "joined (admin); `current=false` includes those removed")
    async def members(self, programme_id: FromPath[UUID], db: Db, current: FromQuery[bool] = True,
                      limit: Limit = DEFAULT_LIMIT, cursor: Cursor = None) -> MemberPage:
        return await service.list_members(db, programme_id, current, cursor, limit)

    @post("/{programme_id:uuid}/members", summary="Add one worker to a programme, with a "
          "reason (admin): marked facing redundancy, priority recomputed",
          responses=problems({409: "The worker is a member of this programme already",
                              422: "The worker's employer is not the programme's"}))
    async def add_member(self, programme_id: FromPath[UUID], data: JSONBody[MemberIn], db: Db,
                         principal: Caller) -> Member:
        return await service.add_member(db, principal, programme_id, data)

    @post("/{programme_id:uuid}/members/{worker_id:uuid}/remove", status_code=200,
          summary="Remove a worker from a programme, with a reason (admin)",
          responses=problems({404: "No such programme or worker, or the worker is not a "
                              "current member"}))
    async def remove_member(self, programme_id: FromPath[UUID], worker_id: FromPath[UUID],
                            data: JSONBody[RemoveIn], db: Db, principal: Caller) -> Member:
        return await service.remove_member(db, principal, programme_id, worker_id, data)


class DestinationController(Controller):
    path = "/v1/workers/{worker_id:uuid}/destinations"
    tags = ["programmes"]
    guards = [requires("admin", "rep", "worker")]

    @post("/", summary="Record where a programme's member went (the worker, a rep of their "
          "branch, admin)", description="It counts for the worker's current programme; the "
          "latest recorded within twelve months of the programme's last day is the one its "
          "report counts.", responses=problems(
              {422: "The worker is in no programme, `recorded_on` is before the programme's "
               "announcement or in the future, or an unknown occupation"}))
    async def record(self, worker_id: FromPath[UUID], data: JSONBody[DestinationIn], db: Db,
                     principal: Caller) -> Destination:
        return await service.record_destination(db, principal, worker_id, data)

    @get("/", summary="A worker's destinations, newest first")
    async def list_destinations(self, worker_id: FromPath[UUID], db: Db, principal: Caller,
                                limit: Limit = DEFAULT_LIMIT,
                                cursor: Cursor = None) -> DestinationPage:
        return await service.list_destinations(db, principal, worker_id, cursor, limit)
