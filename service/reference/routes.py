from typing import Annotated, Any
from uuid import UUID

from litestar import Controller, get
from litestar.datastructures import State
from litestar.params import FromPath, Parameter

from service.auth.guards import requires_any_role
from service.deps import Caller, Db
from service.errors import NotFound
from service.openapi import problems
from service.pagination import DEFAULT_LIMIT, Cursor, Limit, decode_cursor, encode_cursor
from service.reference import service, store
from service.reference.schemas import Occupation, OccupationPage, Skill, SkillPage

Query = Annotated[str | None, Parameter(min_length=2, max_length=200, description=(
    "Words to look for in preferred and alternative labels; typos are tolerated. Without it "
    "the list is in label order."))]
Uri = Annotated[str, Parameter(min_length=1, max_length=300, description="An ESCO concept URI")]


def _page(rows: list[tuple[Any, tuple]], limit: int) -> tuple[list[Any], str | None]:
    """Rows come with their sort key; one row beyond the limit means there is a next page."""
    items = [item for item, _ in rows[:limit]]
    more = len(rows) > limit
    return items, encode_cursor(*rows[limit - 1][1]) if more else None


def _after(cursor: str | None, searching: bool) -> tuple | None:
    """Search pages by (score, id), plain lists by (label, id)."""
    return decode_cursor(cursor, float if searching else str, UUID)


class OccupationController(Controller):
    path = "/v1/occupations"
    tags = ["reference"]
    guards = [requires_any_role()]

    @get("/", summary="Search ESCO occupations by label (any role); each with its automation risk")
    async def search(self, db: Db, principal: Caller, state: State, q: Query = None,
                     limit: Limit = DEFAULT_LIMIT, cursor: Cursor = None) -> OccupationPage:
        after = _after(cursor, q is not None)
        if q is None:
            rows = await store.list_occupations(db, after, limit + 1)
        else:
            rows = await service.search_occupations(db, state.search_cache, q, after, limit + 1)
        return OccupationPage(*_page(rows, limit))

    @get("/by-uri", summary="An ESCO occupation by its concept URI, with risk and skills",
         responses=problems({404: "No ESCO occupation has this URI"}))
    async def by_uri(self, db: Db, principal: Caller, uri: Uri) -> Occupation:
        return await service.occupation_with_skills(db, uri)

    @get("/{ref:str}", summary="An ESCO occupation by id or ESCO code (e.g. 4313.1), with its "
         "automation risk and essential and optional skills")
    async def read(self, ref: FromPath[str], db: Db, principal: Caller) -> Occupation:
        return await service.occupation_with_skills(db, ref)


class SkillController(Controller):
    path = "/v1/skills"
    tags = ["reference"]
    guards = [requires_any_role()]

    @get("/", summary="Search ESCO skills and knowledge by label (any role)")
    async def search(self, db: Db, principal: Caller, state: State, q: Query = None,
                     limit: Limit = DEFAULT_LIMIT, cursor: Cursor = None) -> SkillPage:
        after = _after(cursor, q is not None)
        if q is None:
            rows = await store.list_skills(db, after, limit + 1)
        else:
            rows = await service.search_skills(db, state.search_cache, q, after, limit + 1)
        return SkillPage(*_page(rows, limit))

    @get("/by-uri", summary="An ESCO skill by its concept URI",
         responses=problems({404: "No ESCO skill has this URI"}))
    async def by_uri(self, db: Db, principal: Caller, uri: Uri) -> Skill:
        found = await store.skill_by_uri(db, uri)
        if found is None:
            raise NotFound(f"no ESCO skill with URI {uri!r}")
        return found

    @get("/{skill_id:uuid}", summary="An ESCO skill by id")
    async def read(self, skill_id: FromPath[UUID], db: Db, principal: Caller) -> Skill:
        return await service.skill(db, skill_id)
