from uuid import UUID

import asyncpg

from service.actor import Actor
from service.reference.schemas import OccupationSummary
from service.skills.logic import level_name
from service.skills.schemas import SkillChange, WorkerSkill
from service.sql import load_queries

Q = load_queries(__file__)


def _actor(actor: Actor) -> tuple[str, UUID | None, str]:
    """Who made a change, as profiles and their history keep it: role, subject id, name."""
    return actor.role, actor.subject_id, actor.name


def _skill(row: asyncpg.Record) -> WorkerSkill:
    return WorkerSkill(**dict(row), level_name=level_name(row["level"]))


async def lock_worker(conn: asyncpg.Connection, worker_id: UUID) -> bool:
    return await conn.fetchval(*Q.lock_worker(worker_id=worker_id)) is not None


async def skill_exists(conn: asyncpg.Connection, skill_id: UUID) -> bool:
    return await conn.fetchval(*Q.skill_exists(skill_id=skill_id))


async def get_entry(conn: asyncpg.Connection, worker_id: UUID,
                    skill_id: UUID) -> tuple[int, str, str | None] | None:
    row = await conn.fetchrow(*Q.get_entry(worker_id=worker_id, skill_id=skill_id))
    return (row["level"], row["source"], row["evidence"]) if row else None


async def put_entry(conn: asyncpg.Connection, actor: Actor, worker_id: UUID,
                    skill_id: UUID, level: int, source: str, evidence: str | None) -> None:
    role, actor_id, name = _actor(actor)
    await conn.execute(*Q.upsert_entry(worker_id=worker_id, skill_id=skill_id, level=level,
                                       source=source, evidence=evidence, set_by_role=role,
                                       set_by_id=actor_id, set_by_name=name))


async def delete_entry(conn: asyncpg.Connection, worker_id: UUID, skill_id: UUID) -> None:
    await conn.execute(*Q.delete_entry(worker_id=worker_id, skill_id=skill_id))


async def record_change(conn: asyncpg.Connection, actor: Actor, worker_id: UUID,
                        skill_id: UUID, change: str, old: tuple[int, str, str | None] | None,
                        new: tuple[int, str, str | None] | None) -> None:
    role, actor_id, name = _actor(actor)
    await conn.execute(*Q.record_change(
        worker_id=worker_id, skill_id=skill_id, change=change,
        old_level=old[0] if old else None, new_level=new[0] if new else None,
        old_source=old[1] if old else None, new_source=new[1] if new else None,
        evidence=new[2] if new else None, actor_role=role, actor_id=actor_id, actor_name=name))


async def profile_entry(conn: asyncpg.Connection, worker_id: UUID,
                        skill_id: UUID) -> WorkerSkill:
    return _skill(await conn.fetchrow(*Q.profile_entry(worker_id=worker_id, skill_id=skill_id)))


async def profile(conn: asyncpg.Connection, worker_id: UUID, after: tuple | None,
                  limit: int) -> list[WorkerSkill]:
    label, last_id = after or (None, None)
    rows = await conn.fetch(*Q.profile(worker_id=worker_id, label=label, last_id=last_id,
                                       limit=limit))
    return [_skill(r) for r in rows]


async def worker_occupation(conn: asyncpg.Connection,
                            worker_id: UUID) -> OccupationSummary | None:
    row = await conn.fetchrow(*Q.worker_occupation(worker_id=worker_id))
    return OccupationSummary(**dict(row)) if row else None


async def history(conn: asyncpg.Connection, worker_id: UUID, before_id: int | None,
                  limit: int) -> list[SkillChange]:
    rows = await conn.fetch(*Q.history(worker_id=worker_id, before_id=before_id, limit=limit))
    return [SkillChange(**dict(r)) for r in rows]
