from collections.abc import Mapping
from datetime import date, datetime
from typing import Any
from uuid import UUID

import asyncpg

from service.people.schemas import Provider, Rep, Worker
from service.sql import load_queries

Q = load_queries(__file__)

WORKER_COLUMNS = ("external_ref", "name", "email", "birth_date", "branch", "employer", "region",
                  "occupation", "contract_type", "weekly_hours", "highest_qualification",
                  "facing_redundancy")


WORKER_FIELDS = Worker.__struct_fields__


def _worker(row: asyncpg.Record | None) -> Worker | None:
    return Worker(**dict(row)) if row else None


async def insert_worker(conn: asyncpg.Connection, fields: dict[str, Any],
                        priority_score: int) -> Worker:
    row = await conn.fetchrow(*Q.insert_worker(**{c: fields[c] for c in WORKER_COLUMNS},
                                               priority_score=priority_score))
    return Worker(**dict(row))


async def get_worker(conn: asyncpg.Connection, worker_id: UUID) -> Worker | None:
    return _worker(await conn.fetchrow(*Q.get_worker(worker_id=worker_id)))


async def get_worker_audited(conn: asyncpg.Connection, worker_id: UUID, read: dict[str, Any],
                             *, lock: bool = False) -> tuple[Worker, bool] | None:
    """The worker and whether the caller may see them; a visible read is audited by the same
    statement. `read` is the service's `audited_read`: the caller's scope, who and why. Outside
    an explicit transaction (a read) the audit row commits without waiting for the disk."""
    return worker_seen(await conn.fetchrow(*Q.get_worker_audited(
        worker_id=worker_id, lock=lock, lazy_commit=not conn.is_in_transaction(), **read)))


def worker_seen(row: Mapping[str, Any] | None) -> tuple[Worker, bool] | None:
    """The worker and `visible` from a row of `worker_audited`, whichever query selected it."""
    if row is None:
        return None
    fields = dict(row)
    visible = fields.pop("visible")
    return Worker(**{name: fields[name] for name in WORKER_FIELDS}), visible


async def list_workers(conn: asyncpg.Connection, branch: str | None,
                       after: tuple[datetime | None, UUID | None], limit: int) -> list[Worker]:
    rows = await conn.fetch(*Q.list_workers(branch=branch, after_created_at=after[0],
                                            after_id=after[1], limit=limit))
    return [Worker(**dict(r)) for r in rows]


async def get_workers(conn: asyncpg.Connection, worker_ids: list[UUID]) -> list[Worker]:
    return [Worker(**dict(r)) for r in await conn.fetch(*Q.get_workers(worker_ids=worker_ids))]


async def reps_of_branches(conn: asyncpg.Connection, branches: list[str]) -> list[Rep]:
    return [Rep(**dict(r)) for r in await conn.fetch(*Q.reps_of_branches(branches=branches))]


async def update_worker(conn: asyncpg.Connection, worker_id: UUID, fields: dict[str, Any],
                        priority_score: int) -> Worker:
    row = await conn.fetchrow(*Q.update_worker(worker_id=worker_id,
                                               **{c: fields[c] for c in WORKER_COLUMNS},
                                               priority_score=priority_score))
    return Worker(**dict(row))


async def occupation_risk_category(conn: asyncpg.Connection, occupation: str | None) -> str | None:
    if occupation is None:
        return None
    return await conn.fetchval(*Q.occupation_risk_category(occupation=occupation))


async def insert_rep(conn: asyncpg.Connection, name: str, email: str, branch: str) -> Rep:
    return Rep(**dict(await conn.fetchrow(*Q.insert_rep(name=name, email=email, branch=branch))))


async def get_rep(conn: asyncpg.Connection, rep_id: UUID) -> Rep | None:
    row = await conn.fetchrow(*Q.get_rep(rep_id=rep_id))
    return Rep(**dict(row)) if row else None


async def insert_provider(conn: asyncpg.Connection, ukprn: str, name: str) -> Provider:
    return Provider(**dict(await conn.fetchrow(*Q.insert_provider(ukprn=ukprn, name=name))))


async def get_provider(conn: asyncpg.Connection, provider_id: UUID) -> Provider | None:
    row = await conn.fetchrow(*Q.get_provider(provider_id=provider_id))
    return Provider(**dict(row)) if row else None


async def priority_facts_batch(conn: asyncpg.Connection, after: UUID | None,
                               limit: int) -> list[asyncpg.Record]:
    return await conn.fetch(*Q.priority_facts_batch(after=after, limit=limit))


async def priority_facts_of(conn: asyncpg.Connection,
                            worker_ids: list[UUID]) -> list[asyncpg.Record]:
    return await conn.fetch(*Q.priority_facts_of(worker_ids=worker_ids))


async def set_priority_scores(conn: asyncpg.Connection, scores: dict[UUID, int]) -> None:
    await conn.execute(*Q.set_priority_scores(worker_ids=list(scores),
                                              scores=list(scores.values())))


async def try_lock_priority_refresh(conn: asyncpg.Connection) -> bool:
    return await conn.fetchval(*Q.try_lock_priority_refresh())


async def unlock_priority_refresh(conn: asyncpg.Connection) -> None:
    await conn.execute(*Q.unlock_priority_refresh())


async def priority_refresh_done(conn: asyncpg.Connection, day: date, policy_version: int) -> bool:
    return await conn.fetchval(*Q.priority_refresh_done(day=day, policy_version=policy_version))


async def record_priority_refresh(conn: asyncpg.Connection, day: date, policy_version: int,
                                  changed: int) -> None:
    await conn.execute(*Q.record_priority_refresh(day=day, policy_version=policy_version,
                                                  changed=changed))


async def rep_by_email(conn: asyncpg.Connection, email: str) -> Rep | None:
    row = await conn.fetchrow(*Q.rep_by_email(email=email))
    return Rep(**dict(row)) if row else None


async def subjects_by_email(conn: asyncpg.Connection,
                            email: str) -> list[tuple[str, UUID, str]]:
    return [(r["role"], r["id"], r["name"])
            for r in await conn.fetch(*Q.subjects_by_email(email=email))]


async def provider_by_ukprn(conn: asyncpg.Connection, ukprn: str) -> Provider | None:
    row = await conn.fetchrow(*Q.provider_by_ukprn(ukprn=ukprn))
    return Provider(**dict(row)) if row else None


async def worker_id_by_external_ref(conn: asyncpg.Connection, external_ref: str) -> UUID | None:
    return await conn.fetchval(*Q.worker_id_by_external_ref(external_ref=external_ref))


async def has_workers(conn: asyncpg.Connection) -> bool:
    return await conn.fetchval(*Q.has_workers())


async def workers_by_refs(conn: asyncpg.Connection,
                          keys: list[tuple[str, str]]) -> dict[tuple[str, str], Worker]:
    rows = await conn.fetch(*Q.workers_by_refs(employers=[k[0] for k in keys],
                                               external_refs=[k[1] for k in keys]))
    return {(r["employer"], r["external_ref"]): Worker(**dict(r)) for r in rows}


_IMPORT_ARGS = {"names": "name", "emails": "email", "birth_dates": "birth_date",
                "branches": "branch", "regions": "region", "occupations": "occupation",
                "contract_types": "contract_type", "weekly_hours": "weekly_hours",
                "qualifications": "highest_qualification",
                "facing_redundancy": "facing_redundancy", "scores": "priority_score"}


def _import_args(rows: list[dict[str, Any]]) -> dict[str, list[Any]]:
    return {arg: [row[column] for row in rows] for arg, column in _IMPORT_ARGS.items()}


async def insert_workers(conn: asyncpg.Connection,
                         rows: list[dict[str, Any]]) -> dict[tuple[str, str], UUID]:
    """Many workers in one statement (`rows`: WORKER_COLUMNS and priority_score); their ids
    by (employer, external_ref)."""
    found = await conn.fetch(*Q.insert_workers(
        external_refs=[r["external_ref"] for r in rows], employers=[r["employer"] for r in rows],
        **_import_args(rows)))
    return {(r["employer"], r["external_ref"]): r["id"] for r in found}


async def update_workers(conn: asyncpg.Connection, rows: list[dict[str, Any]]) -> None:
    """Many workers' records in one statement (`rows`: id, WORKER_COLUMNS, priority_score)."""
    await conn.execute(*Q.update_workers(worker_ids=[r["id"] for r in rows],
                                         **_import_args(rows)))
