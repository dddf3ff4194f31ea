from datetime import date
from typing import Any
from uuid import UUID

import asyncpg

from service.actor import Actor
from service.matching.logic import Gap, Offer
from service.matching.schemas import TargetOccupation
from service.sql import load_queries

Q = load_queries(__file__)


class Target:
    """A transition of the worker's occupation with the worker's gaps for it."""

    __slots__ = ("gaps", "missing", "occupation", "risk_drop", "shared", "similarity")

    def __init__(self, row: asyncpg.Record) -> None:
        self.occupation = TargetOccupation(
            row["target_id"], row["target_uri"], row["target_code"], row["target_label"],
            row["target_risk"], row["target_risk_category"], row["target_risk_source"])
        self.similarity: float = row["similarity"]
        self.risk_drop: float | None = row["risk_drop"]
        self.shared: int = row["shared_essential"]
        self.missing: int = row["missing_essential"]
        self.gaps: list[Gap] = []


async def worker_context(conn: asyncpg.Connection, worker_id: UUID, day: date,
                         audited: dict[str, Any], *, lock: bool = False) -> asyncpg.Record | None:
    return await conn.fetchrow(*Q.worker_context(worker_id=worker_id, day=day, lock=lock,
                                                 **audited))


async def targets_with_gaps(conn: asyncpg.Connection, worker_id: UUID, occupation_id: UUID,
                            limit: int, target_id: UUID | None = None, *,
                            today: date | None = None, areas: list[str] | None = None,
                            flexible_hours: bool = False,
                            per_skill: int = 0) -> tuple[list[Target], list[Offer]]:
    """The targets with their gaps and, when `per_skill` > 0, the presentations that fit for
    all their gaps (one per course, the best for the worker's hours), in one round trip."""
    rows = await conn.fetch(*Q.targets_with_gaps(
        worker_id=worker_id, occupation_id=occupation_id, limit=limit, target_id=target_id,
        today=today, areas=areas or [], flexible_hours=flexible_hours, per_skill=per_skill))
    targets: dict[UUID, Target] = {}
    found: list[asyncpg.Record] = []
    wanted: set[UUID] = set()
    for row in rows:
        if row["kind"] == "o":
            found.append(row)
            continue
        target = targets.get(row["target_id"])
        if target is None:
            target = targets[row["target_id"]] = Target(row)
        if row["skill_id"] is not None:
            wanted.add(row["skill_id"])
            target.gaps.append(Gap(row["skill_id"], row["skill_uri"], row["skill_label"],
                                   tuple(row["tags"])))
    offers = [Offer(r["course_id"], r["title"], r["rqf_level"], r["band"], r["presentation_id"],
                    r["starts_on"], r["ends_on"], r["study_mode"], r["attendance_pattern"],
                    r["delivery"], r["venue_postcode"], r["places_left"], r["cost_pence"],
                    r["provider_name"], frozenset(wanted.intersection(r["teaches"])))
              for r in found]
    return list(targets.values()), offers


async def insert_choice(conn: asyncpg.Connection, actor: Actor, worker_id: UUID,
                        target: Target, topup_entry_id: UUID | None) -> asyncpg.Record:
    return await conn.fetchrow(*Q.insert_choice(
        worker_id=worker_id, target_id=target.occupation.id, similarity=target.similarity,
        risk_drop=target.risk_drop, topup_entry_id=topup_entry_id, actor_role=actor.role,
        actor_id=actor.subject_id, actor_name=actor.name))


async def chose_since(conn: asyncpg.Connection, worker_ids: list[UUID], since: Any) -> int:
    return await conn.fetchval(*Q.chose_since(worker_ids=worker_ids, since=since))
