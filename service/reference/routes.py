from typing import Annotated
from uuid import UUID

from litestar import Controller, get
from litestar.datastructures import State
from litestar.params import FromPath, Parameter

from service.auth.guards import requires_any_role
from service.deps import Caller, Db
from service.openapi import problems
from service.pagination import DEFAULT_LIMIT, Cursor, Limit
from service.reference import service
from service.reference.schemas import (
    Occupation,
    OccupationPage,
    Skill,
    SkillPage,
    TransitionPage,
)

Query = Annotated[str | None, Parameter(min_length=2, max_length=200, description=(
    "Words to look for in preferred and alternative labels; typos are tolerated. Without it "
    "the list is in label order."))]
Tag = Annotated[str | None, Parameter(max_length=50, description=(
    "Only skills in this ESCO collection: `digital`, `digcomp`, `green` or `transversal` "
    "(another value is 422 naming `tag`)."))]
Uri = Annotated[str, Parameter(min_length=1, max_length=300, description="An ESCO concept URI")]


class OccupationController(Controller):
    path = "/v1/occupations"
    tags = ["reference"]
    guards = [requires_any_role()]

    @get("/", summary="Search ESCO occupations by label (any role); each with its automation risk")
    async def search(self, db: Db, principal: Caller, state: State, q: Query = None,
                     limit: Limit = DEFAULT_LIMIT, cursor: Cursor = None) -> OccupationPage:
        return OccupationPage(*await service.occupations_page(db, state.search_cache, q, cursor,
                                                              limit))

    @get("/by-uri", summary="An ESCO occupation by its concept URI, with risk and skills",
         responses=problems({404: "No ESCO occupation has this URI"}))
    async def by_uri(self, db: Db, principal: Caller, uri: Uri) -> Occupation:
        return await service.occupation_with_skills(db, uri)

    @get("/{ref:str}", summary="An ESCO occupation by id or ESCO code (e.g. 4313.1), with its "
         "automation risk and essential and optional skills")
    async def read(self, ref: FromPath[str], db: Db, principal: Caller) -> Occupation:
        return await service.occupation_with_skills(db, ref)

    @get("/{ref:str}/transitions", summary="Safer occupations close in skills to this one (any "
         "role; `ref` as for GET /v1/occupations/{ref}), most similar first; docs/matching.md "
         "gives the formula and threshold",
         responses=problems({404: "No ESCO occupation has this id, code or URI",
                             422: "`limit` out of 1-200, or a `cursor` this list did not make"}))
    async def transitions(self, ref: FromPath[str], db: Db, principal: Caller,
                          limit: Limit = DEFAULT_LIMIT, cursor: Cursor = None) -> TransitionPage:
        return TransitionPage(*await service.occupation_transitions(db, ref, cursor, limit))


class SkillController(Controller):
    path = "/v1/skills"
    tags = ["reference"]
    guards = [requires_any_role()]

    @get("/", summary="Search ESCO skills and knowledge by label (any role), optionally only "
         "those with a tag (`?tag=digital`)",
         responses=problems({422: "`tag` is not a skill tag, `q` too short or long, `limit` "
                             "out of 1-200, or a `cursor` this list did not make"}))
    async def search(self, db: Db, principal: Caller, state: State, q: Query = None,
                     tag: Tag = None, limit: Limit = DEFAULT_LIMIT,
                     cursor: Cursor = None) -> SkillPage:
        return SkillPage(*await service.skills_page(db, state.search_cache, q, cursor, limit,
                                                    tag))

    @get("/by-uri", summary="An ESCO skill by its concept URI",
         responses=problems({404: "No ESCO skill has this URI"}))
    async def by_uri(self, db: Db, principal: Caller, uri: Uri) -> Skill:
        return await service.skill_by_uri(db, uri)

    @get("/{skill_id:uuid}", summary="An ESCO skill by id")
    async def read(self, skill_id: FromPath[UUID], db: Db, principal: Caller) -> Skill:
        return await service.skill(db, skill_id)
