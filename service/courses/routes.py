import asyncio
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

from service.bodies import is_json_media_type
from service.courses import feeds, service, store
from service.courses.inference import explain
from service.courses.logic import band_for_level, check_feed_url
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
from service.courses.xcri.parse import parse_xcri
from service.courses.xcri.safe_xml import FeedError
from service.deps import Caller, Db
from service.errors import (
    PROBLEM_JSON,
    Conflict,
    DomainError,
    FieldError,
    NotFound,
    PayloadTooLarge,
    Problem,
)
from service.openapi import problems
from service.pagination import (
    DEFAULT_LIMIT,
    Cursor,
    Limit,
    decode_cursor,
    next_cursor,
    time_id_cursor,
)

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
        media_type = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
        if not (is_json_media_type(media_type) or media_type in XML_TYPES):
            return _problem(415, "Unsupported media type", "unsupported-media-type",
                            "send application/json or application/xml (XCRI-CAP 1.2)",
                            "Content-Type")
        body = await request.body()
        limit = state.settings.catalogue_max_bytes
        if len(body) > limit:
            raise PayloadTooLarge.on_field("body", f"a catalogue may be at most {limit} bytes")
        actor = service.actor_of(principal)
        fmt = "xcri" if media_type in XML_TYPES else "json"
        warnings: list[str] = []
        try:
            if fmt == "json":
                catalogue = await asyncio.to_thread(service.decode_catalogue_json, body)
            else:
                parsed = await asyncio.to_thread(parse_xcri, body)
                service.check_feed_provider(provider, parsed.provider_ukprn)
                catalogue, warnings = parsed.catalogue, parsed.warnings
        except service.CatalogueBodyError as error:
            failed = await service.record_failed_sync(db, provider, mode=mode, fmt=fmt,
                                                      error=str(error), actor=actor)
            status = 400 if error.malformed else 422
            return _problem(status, "Catalogue not readable", "catalogue-not-readable",
                            f"{error} (stored as failed sync {failed.id})", error.field)
        except FeedError as error:
            failed = await service.record_failed_sync(db, provider, mode=mode, fmt=fmt,
                                                      error=str(error), actor=actor)
            return _problem(422, "Feed not readable", "feed-not-readable",
                            f"{error} (stored as failed sync {failed.id})", "body")
        except DomainError as error:
            failed = await service.record_failed_sync(db, provider, mode=mode, fmt=fmt,
                                                      error=error.detail, actor=actor)
            field = error.errors[0].field if error.errors else "body"
            return _problem(error.status, error.title, error.slug,
                            f"{error.detail} (stored as failed sync {failed.id})", field)
        report = await service.apply_sync(db, provider, catalogue, mode=mode, fmt=fmt,
                                          actor=actor, warnings=warnings)
        if report.status == "failed":
            return _problem(422, "Catalogue not stored", "catalogue-not-stored",
                            f"{report.error} (stored as failed sync {report.id})", "body")
        return Response(report, status_code=200, background=BackgroundTask(
            service.infer_after_sync, state.pool, provider.id))

    @get("/{ukprn:str}/syncs", summary="A college's syncs with their reports, newest first")
    async def syncs(self, ukprn: FromPath[str], db: Db, principal: Caller,
                    limit: Limit = DEFAULT_LIMIT, cursor: Cursor = None) -> SyncPage:
        provider = await service.provider_for(db, principal, ukprn)
        rows = await store.list_syncs(db, provider.id, time_id_cursor(cursor), limit + 1)
        return SyncPage(rows[:limit], next_cursor(rows, limit, lambda s: (s.started_at, s.id)))

    @post("/{ukprn:str}/feeds", summary="Register a feed URL that Ladder pulls on a schedule")
    async def add_feed(self, ukprn: FromPath[str], data: JSONBody[FeedIn], db: Db,
                       principal: Caller) -> Feed:
        provider = await service.provider_for(db, principal, ukprn)
        check_feed_url(data.url)
        feed_id = await store.insert_feed(db, provider.id, data.url, data.interval_minutes)
        return store.feed_from_row(await store.get_feed(db, feed_id))

    @get("/{ukprn:str}/feeds", summary="A college's registered feeds and how their pulls went")
    async def list_feeds(self, ukprn: FromPath[str], db: Db, principal: Caller,
                         limit: Limit = DEFAULT_LIMIT, cursor: Cursor = None) -> FeedPage:
        provider = await service.provider_for(db, principal, ukprn)
        rows = await store.list_feeds(db, provider.id, time_id_cursor(cursor), limit + 1)
        return FeedPage(rows[:limit], next_cursor(rows, limit, lambda f: (f.created_at, f.id)))

    @post("/{ukprn:str}/feeds/{feed_id:uuid}/pull", status_code=200,
          summary="Pull a feed now; 409 if another instance is pulling it",
          responses=problems({409: "Another instance is pulling this feed right now"}))
    async def pull(self, ukprn: FromPath[str], feed_id: FromPath[UUID], principal: Caller,
                   state: State) -> PullResult:
        """No request transaction here: the fetch must not hold a database connection."""
        async with state.pool.acquire() as conn:
            provider = await service.provider_for(conn, principal, ukprn)
            feed = await store.get_feed(conn, feed_id)
        if feed is None or feed["provider_id"] != provider.id:
            raise NotFound(f"no feed {feed_id} for UKPRN {ukprn}")
        if not await feeds.claim_feed(state.pool, feed_id, state.settings):
            raise Conflict("this feed is being pulled right now; try again shortly")
        return await feeds.pull_claimed(state.pool, feed_id, state.settings,
                                        service.actor_of(principal))


def _problem(status: int, title: str, slug: str, detail: str, field: str) -> Response:
    """An error answered (not raised), so that the failed sync stored with it is committed."""
    body = Problem(f"/problems/{slug}", title, status, detail, [FieldError(field, detail)])
    return Response(msgspec.json.encode(body), status_code=status, media_type=PROBLEM_JSON)


RqfLevel = Literal["E1", "E2", "E3", "1", "2", "3", "4", "5", "6", "7", "8"]


class CourseController(Controller):
    path = "/v1/courses"
    tags = ["courses"]

    @get("/", summary="Search current courses, best match first (any role)")
    async def search(
        self, db: Db, principal: Caller,
        q: Annotated[str | None, Parameter(max_length=200, description="Words to search "
                                           "for in title, subjects and description")] = None,
        level: Annotated[RqfLevel | None, Parameter(description="RQF level")] = None,
        band: FromQuery[Band | None] = None,
        attendance: FromQuery[AttendancePattern | None] = None,
        delivery: FromQuery[Delivery | None] = None,
        max_cost: Annotated[int | None, Parameter(ge=0, le=100_000_000,
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
        key = decode_cursor(cursor, float, date | None, UUID)
        if level is not None and band is not None:
            if band_for_level(level) != band:
                return CoursePage([], None)  # no course has both
            band = None  # implied by the level
        skill_id = await _skill_filter(db, skill)
        provider_id = await _provider_filter(db, provider)
        query = q.strip() if q and q.strip() else None
        rows = await store.search_courses(
            db, q=query, level=level, band=band, provider_id=provider_id, skill_id=skill_id,
            attendance=attendance, delivery=delivery, max_cost=max_cost,
            starting_after=starting_after, after=key, limit=limit + 1)
        return CoursePage(rows[:limit], next_cursor(
            rows, limit, lambda c: (c.rank, c.first_starts_on, c.id)))

    @get("/{course_id:uuid}", summary="A course with its presentations and the skills it teaches")
    async def read(self, course_id: FromPath[UUID], db: Db, principal: Caller) -> Course:
        course = await store.get_course(db, course_id)
        if course is None:
            raise NotFound(f"no course with id {course_id}")
        course.skills = [
            store.course_skill(s, explain(s["source"], s["confidence"], s["matched_label"],
                                          s["matched_words"], s["matched_in"]))
            for s in await store.course_skills(db, course_id)
        ]
        return course


async def _provider_filter(db: Any, ukprn: str | None) -> UUID | None:
    if ukprn is None:
        return None
    row = await store.provider_by_ukprn(db, ukprn)
    return row["id"] if row else UUID(int=0)


async def _skill_filter(db: Any, skill: str | None) -> UUID | None:
    """An unknown skill matches no course; a nil UUID keeps the query's shape."""
    if skill is None:
        return None
    try:
        as_id = UUID(skill)
    except ValueError:
        as_id = None
    found = await store.skill_id_for(db, skill, as_id)
    return found or UUID(int=0)
