from uuid import UUID

from litestar import Controller, delete, get, put
from litestar.params import FromPath, JSONBody

from service.auth.guards import requires, requires_any_role
from service.deps import Caller, Db
from service.pagination import DEFAULT_LIMIT, Cursor, Limit
from service.skills import service
from service.skills.schemas import SkillHistoryPage, SkillLevelIn, SkillsProfile, WorkerSkill


class WorkerSkillController(Controller):
    path = "/v1/workers/{worker_id:uuid}/skills"
    tags = ["skills"]

    @get("/", guards=[requires_any_role()],
         summary="A worker's skills profile: entries with levels, and the essential skills "
         "of their occupation assumed until assessed")
    async def read(self, worker_id: FromPath[UUID], db: Db, principal: Caller,
                   limit: Limit = DEFAULT_LIMIT, cursor: Cursor = None) -> SkillsProfile:
        return await service.profile(db, principal, worker_id, cursor, limit)

    @get("/history", guards=[requires_any_role()],
         summary="Who changed which skill levels, newest first")
    async def history(self, worker_id: FromPath[UUID], db: Db, principal: Caller,
                      limit: Limit = DEFAULT_LIMIT, cursor: Cursor = None) -> SkillHistoryPage:
        return await service.history(db, principal, worker_id, cursor, limit)

    @put("/{skill_id:uuid}", guards=[requires("admin", "rep", "worker")],
         summary="Record a level 1-4 in an ESCO skill (admin; a rep for "
         "their branch; the worker themself with source self)")
    async def put_skill(self, worker_id: FromPath[UUID], skill_id: FromPath[UUID],
                        data: JSONBody[SkillLevelIn], db: Db, principal: Caller) -> WorkerSkill:
        return await service.put_skill(db, principal, worker_id, skill_id, data)

    @delete("/{skill_id:uuid}", status_code=204, guards=[requires("admin", "rep", "worker")],
            summary="Remove a skill entry")
    async def remove(self, worker_id: FromPath[UUID], skill_id: FromPath[UUID], db: Db,
                     principal: Caller) -> None:
        await service.remove_skill(db, principal, worker_id, skill_id)
