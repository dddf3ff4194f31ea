from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any, Literal
from uuid import UUID

import msgspec
from litestar import Controller, Request, Response, get, post, put
from litestar.background_tasks import BackgroundTask
from litestar.datastructures import State
from litestar.openapi.spec import OpenAPIMediaType, Operation, RequestBody
from litestar.params import FromPath, FromQuery, JSONBody, Parameter
from litestar.types import Scope

from service import db
from service.actor import Actor
from service.auth.guards import requires, requires_any_role
from service.bodies import body_within, is_json_media_type, media_type_of
from service.courses import feeds, service, syncs
from service.courses.inference_job import infer_after_sync
from service.courses.schemas import (
    AttendancePattern,
    Band,
    CatalogueIn,
    Course,
    CoursePage,
    Delivery,
    Feed,
    FeedIn,
    FeedPage,
    PullResult,
    SyncMode,
    SyncPage,
    SyncReport,
)
from service.deps import Caller, Db
from service.errors import (
    Conflict,
    FieldError,
    UnsupportedMediaType,
    problem_response,
)
from service.openapi import problems
from service.pagination import (
    DEFAULT_LIMIT,
    Cursor,
    Limit,
)
from service.responses import LeanJSON
from service.vocabulary import MAX_PENCE

XML_TYPES = frozenset({"application/xml", "text/xml"})


def _inline_schema() -> dict[str, Any]:
    """The JSON Schema of CatalogueIn with its definitions inlined, for the OpenAPI document."""
    (schema,), components = msgspec.json.schema_components([CatalogueIn])

    def inline(node: Any) -> Any:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if ref:
                return inline(components[ref.rsplit("/", 1)[-1]])
            return {k: inline(v) for k, v in node.items()}
        if isinstance(node, list):
            return [inline(v) for v in node]
        return node

    return inline(schema)


_CATALOGUE_BODY = RequestBody(
    required=True,
    description="The whole catalogue as JSON (`CatalogueIn`), or an XCRI-CAP 1.2 document with "
    "`Content-Type: application/xml`.",
    content={
        "application/json": OpenAPIMediaType(schema=_inline_schema()),  # type: ignore[arg-type]
        "application/xml": OpenAPIMediaType(
            schema={"type": "string", "description": "An XCRI-CAP 1.2 catalog"},  # type: ignore[arg-type]
        ),
    },
)


@dataclass
class CatalogueOperation(Operation):
    """The body is read by hand (JSON or XML), so its documentation is given here."""

    def __post_init__(self) -> None:
        self.request_body = _CATALOGUE_BODY


class CatalogueController(Controller):
    path = "/v1/providers"
    tags = ["courses"]
    guards = [requires("admin", "college")]

    @put("/{ukprn:str}/catalogue", operation_class=CatalogueOperation, responses=problems(
         {413: "The catalogue is larger than LADDER_CATALOGUE_MAX_BYTES", 415: "The body is "
          "neither application/json nor application/xml"}),
         summary="Sync a college's whole catalogue (JSON or XCRI-CAP XML)",
         description="Admin, or the college for its own UKPRN. Valid records are applied in one "
         "transaction; rejected ones come back with reasons. `mode=full` withdraws courses "
         "missing from the body; `mode=delta` does not. A body that cannot be read at all is "
         "stored as a failed sync and answered with a 4xx problem naming it.")
    async def sync(self, ukprn: FromPath[str], request: Request, db: Db, principal: Caller,
                   state: State, mode: FromQuery[SyncMode] = "full") -> Response[SyncReport]:
        provider = await service.provider_for(db, principal, ukprn)
        media_type = media_type_of(request)
        if not (is_json_media_type(media_type) or media_type in XML_TYPES):
            detail = "send application/json or application/xml (XCRI-CAP 1.2)"
            raise UnsupportedMediaType(detail, [FieldError("Content-Type", detail)])
        body = await body_within(request, state.settings.catalogue_max_bytes, "a catalogue")
        fmt = "xcri" if media_type in XML_TYPES else "json"
        # A refusal is answered, not raised, so that the failed sync stored with it is committed.
        try:
            report = await service.sync_catalogue(
                db, provider, body, fmt=fmt, mode=mode, actor=Actor.of(principal),
                leases=syncs.Leases.of(state.settings, state.lease_pool))
        except service.SyncRefused as refused:
            return problem_response(refused)
        return Response(report, status_code=200, background=BackgroundTask(
            infer_after_sync, state.pool, state.lexicons, provider.id))

    @get("/{ukprn:str}/syncs", summary="A college's syncs with their reports, newest first")
    async def syncs(self, ukprn: FromPath[str], db: Db, principal: Caller,
                    limit: Limit = DEFAULT_LIMIT, cursor: Cursor = None) -> SyncPage:
        return await service.list_syncs(db, principal, ukprn, cursor, limit)

    @post("/{ukprn:str}/feeds", summary="Register a feed URL that Ladder pulls on a schedule")
    async def add_feed(self, ukprn: FromPath[str], data: JSONBody[FeedIn], db: Db,
                       principal: Caller) -> Feed:
        return await service.add_feed(db, principal, ukprn, data)

    @get("/{ukprn:str}/feeds", summary="A college's registered feeds and how their pulls went")
    async def list_feeds(self, ukprn: FromPath[str], db: Db, principal: Caller,
                         limit: Limit = DEFAULT_LIMIT, cursor: Cursor = None) -> FeedPage:
        return await service.list_feeds(db, principal, ukprn, cursor, limit)

    @post("/{ukprn:str}/feeds/{feed_id:uuid}/pull", status_code=200,
          summary="Pull a feed now; 409 if another instance is pulling it",
          responses=problems({409: "Another instance is pulling this feed right now"}))
    async def pull(self, ukprn: FromPath[str], feed_id: FromPath[UUID], principal: Caller,
                   state: State) -> PullResult:
        """No request transaction here: the fetch must not hold a database connection."""
        async with state.pool.acquire() as conn:
            await service.check_feed(conn, principal, ukprn, feed_id)
        if not await feeds.claim_feed(state.pool, feed_id, state.settings):
            raise Conflict("this feed is being pulled right now; try again shortly")
        return await feeds.pull_claimed(state.pool, feed_id, state.settings,
                                        Actor.of(principal), lexicons=state.lexicons,
                                        lease_pool=state.lease_pool)


RqfLevel = Literal["E1", "E2", "E3", "1", "2", "3", "4", "5", "6", "7", "8"]


class CourseController(Controller):
    path = "/v1/courses"
    tags = ["courses"]
    guards = [requires_any_role()]

    @get("/", summary="Search current courses, best match first (any role)",
         response_class=LeanJSON)
    async def search(
        self, scope: Scope,
        q: Annotated[str | None, Parameter(max_length=200, description="Words to search "
                                           "for in title, subjects and description")] = None,
        level: Annotated[RqfLevel | None, Parameter(description="RQF level")] = None,
        band: FromQuery[Band | None] = None,
        attendance: FromQuery[AttendancePattern | None] = None,
        delivery: FromQuery[Delivery | None] = None,
        max_cost: Annotated[int | None, Parameter(ge=0, le=MAX_PENCE,
                                                  description="Most pence a presentation may "
                                                  "cost")] = None,
        skill: Annotated[str | None, Parameter(max_length=300, description="ESCO skill URI "
                                               "or id")] = None,
        starting_after: Annotated[date | None, Parameter(description="Only presentations "
                                                         "starting after this date")] = None,
        provider: Annotated[str | None, Parameter(pattern=r"^1[0-9]{7}$",
                                                  description="UKPRN")] = None,
        limit: Limit = DEFAULT_LIMIT, cursor: Cursor = None,
    ) -> CoursePage:
        # A busy read, as GET /account: no dependency injection (db.read), and LeanJSON.
        async with db.read(scope) as conn:
            return await service.search_courses(
                conn, q=q, level=level, band=band, attendance=attendance, delivery=delivery,
                max_cost=max_cost, skill=skill, starting_after=starting_after,
                provider=provider, cursor=cursor, limit=limit)

    @get("/{course_id:uuid}", summary="A course with its presentations and the skills it teaches")
    async def read(self, course_id: FromPath[UUID], db: Db, principal: Caller) -> Course:
        return await service.course_detail(db, course_id)
