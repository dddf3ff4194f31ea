"""Workers' skills profiles, shared by the routes and by later work: a review outcome or a
completed course records levels through `record_skill`."""

from uuid import UUID

import asyncpg

from service.actor import Actor
from service.auth.logic import Principal
from service.errors import NotFound
from service.oversight import service as audit
from service.pagination import decode_cursor, page
from service.people.service import visible_worker
from service.skills import logic, store
from service.skills.schemas import (
    EntrySource,
    SkillChange,
    SkillHistoryPage,
    SkillLevelIn,
    SkillsProfile,
    WorkerSkill,
)


async def record_skill(conn: asyncpg.Connection, actor: Actor, worker_id: UUID,
                       skill_id: UUID, level: int, source: EntrySource,
                       evidence: str | None = None, *, raise_only: bool = False) -> WorkerSkill:
    """Set a worker's level (1-4) in an ESCO skill, keeping history and audit, in the caller's
    transaction. The caller has already checked that `actor` may touch this worker (the route's
    guard and `visible_worker`; a review or course module its own rules); which sources a
    token's holder may write is checked here, and the system (`Actor.system`) writes any.

    Reviews call it with source `review`, course completion with source `course` and
    `raise_only=True`, so that finishing a course never lowers an assessed level. Edits of one
    worker's profile are serialised by a lock on the worker's row."""
    if not await store.lock_worker(conn, worker_id):
        raise NotFound(f"no worker with id {worker_id}")
    if not await store.skill_exists(conn, skill_id):
        raise NotFound(f"no ESCO skill with id {skill_id}")
    current = await store.get_entry(conn, worker_id, skill_id)
    if not actor.is_system:
        logic.check_may_write(actor.role, source, current[1] if current else None)
    new = (level, source, evidence)
    if logic.is_change(current, *new) and not logic.keeps_higher(
            current[0] if current else None, level, raise_only):
        await store.put_entry(conn, actor, worker_id, skill_id, *new)
        await store.record_change(conn, actor, worker_id, skill_id, "set", current, new)
        await audit.record(conn, actor, "skills.update", [worker_id],
                           {"skill_id": str(skill_id), "level": level, "source": source})
    return await store.profile_entry(conn, worker_id, skill_id)


async def put_skill(conn: asyncpg.Connection, principal: Principal, worker_id: UUID,
                    skill_id: UUID, data: SkillLevelIn) -> WorkerSkill:
    await visible_worker(conn, principal, worker_id, "skills.update", for_update=True)
    return await record_skill(conn, Actor.of(principal), worker_id, skill_id, data.level,
                              data.source,
                              data.evidence)


async def remove_skill(conn: asyncpg.Connection, principal: Principal, worker_id: UUID,
                       skill_id: UUID) -> None:
    """Remove an entry; if the skill is essential to the worker's occupation it shows as
    assumed again."""
    await visible_worker(conn, principal, worker_id, "skills.remove", for_update=True)
    current = await store.get_entry(conn, worker_id, skill_id)
    if current is None:
        raise NotFound(f"the worker has no entry for skill {skill_id}")
    logic.check_may_remove(principal.role, current[1])
    await store.delete_entry(conn, worker_id, skill_id)
    await store.record_change(conn, Actor.of(principal), worker_id, skill_id, "removed",
                              current, None)


async def profile(conn: asyncpg.Connection, principal: Principal, worker_id: UUID,
                  cursor: str | None, limit: int) -> SkillsProfile:
    after = decode_cursor(cursor, str, UUID)  # before the audited read: a bad cursor reads nothing
    await visible_worker(conn, principal, worker_id, "skills.read")
    rows = await store.profile(conn, worker_id, after, limit + 1)
    items, following = page(rows, limit, lambda e: (e.label, e.skill_id))
    return SkillsProfile(worker_id, await store.worker_occupation(conn, worker_id), items,
                         following)


async def history(conn: asyncpg.Connection, principal: Principal, worker_id: UUID,
                  cursor: str | None, limit: int) -> SkillHistoryPage:
    key = decode_cursor(cursor, int)  # before the audited read: a bad cursor reads nothing
    await visible_worker(conn, principal, worker_id, "skills.history.read")
    rows: list[SkillChange] = await store.history(conn, worker_id, key[0] if key else None,
                                                  limit + 1)
    return SkillHistoryPage(*page(rows, limit, lambda c: (c.id,)))
