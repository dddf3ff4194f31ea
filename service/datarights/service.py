"""Data rights' use cases: a worker's export, their erasure (by an admin, on their request, or by
retention) and their access log. Every domain's part is a `Section` of the registry."""

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import asyncpg

from service.actor import Actor
from service.auth.logic import Principal
from service.datarights import logic, store
from service.datarights.registry import REGISTRY
from service.datarights.schemas import (
    AccessEntry,
    AccessLog,
    Erased,
    ErasureRequest,
    ErasureRequestPage,
    Export,
)
from service.errors import Conflict, NotFound
from service.oversight import datarights as oversight
from service.oversight import service as audit
from service.pagination import decode_cursor, page, time_id_cursor
from service.people import datarights as people
from service.people.service import visible_worker


async def export(conn: asyncpg.Connection, principal: Principal, worker_id: UUID) -> Export:
    """Everything Ladder holds about the worker, for them or an admin; the read is audited
    first (and so appears in the export), then every section is read in one snapshot."""
    await visible_worker(conn, principal, worker_id, "datarights.export")
    viewer = logic.Viewer(principal.role)
    sections: dict[str, dict[str, Any]] = {}
    async with conn.transaction(isolation="repeatable_read", readonly=True):
        exported_at = datetime.now(UTC)
        for section in REGISTRY:
            part = await section.export(conn, worker_id, viewer)
            if part:
                sections[section.domain] = dict(part)
    return Export(worker_id, exported_at, principal.role, sections)


async def erase(conn: asyncpg.Connection, actor: Actor, worker_id: UUID, *,
                now: datetime | None = None, offer_hours: float = 24.0) -> Erased:
    """Pseudonymise the worker in every domain, in the caller's transaction: 404 for no such
    worker, 409 if erased already (a second erasure waits on the first's row lock)."""
    now = now or datetime.now(UTC)
    await people.lock_for_erasure(conn, worker_id)
    erasure = logic.Erasure(worker_id, actor, now, offer_hours)
    changed: dict[str, int] = {}
    for section in REGISTRY:
        changed.update(await section.erase(conn, erasure))
    await audit.record(conn, actor, "worker.erase", [worker_id], {"changed": changed})
    return Erased(worker_id, now, changed)


async def request_erasure(conn: asyncpg.Connection, principal: Principal,
                          worker_id: UUID) -> ErasureRequest:
    """The worker asks to be erased; an admin confirms it by erasing them (409 while a request
    of theirs is open)."""
    await visible_worker(conn, principal, worker_id, "datarights.erasure_request",
                         for_update=True)
    if any(r["status"] == "requested" for r in await store.request_rows(conn, worker_id)):
        raise Conflict("you have asked already; an administrator will answer it")
    return await store.insert_request(conn, worker_id, datetime.now(UTC))


async def decline_erasure(conn: asyncpg.Connection, principal: Principal,
                          worker_id: UUID) -> ErasureRequest:
    actor = Actor.of(principal)
    await visible_worker(conn, principal, worker_id, "datarights.erasure_declined",
                         for_update=True)
    declined = await store.decide_open(conn, worker_id, "declined", datetime.now(UTC),
                                       f"{actor.role}: {actor.name}")
    if declined is None:
        raise NotFound(f"worker {worker_id} has no open erasure request")
    return declined


async def list_requests(conn: asyncpg.Connection, status: str | None, cursor: str | None,
                        limit: int) -> ErasureRequestPage:
    rows = await store.list_requests(conn, status, time_id_cursor(cursor), limit + 1)
    return ErasureRequestPage(*page(rows, limit, lambda r: (r.requested_at, r.id)))


async def access_log(conn: asyncpg.Connection, principal: Principal, worker_id: UUID,
                     cursor: str | None, limit: int) -> AccessLog:
    """Who read or changed the worker's data, newest first (this read included: it is one)."""
    key = decode_cursor(cursor, int)
    await visible_worker(conn, principal, worker_id, "datarights.access_log")
    rows = await oversight.access_log(conn, worker_id, key[0] if key else None, limit + 1)
    return AccessLog(*page(rows, limit, lambda r: (r["id"],), lambda r: _entry(r, worker_id)))


def _entry(row: asyncpg.Record, worker_id: UUID) -> AccessEntry:
    own = row["actor_role"] == "worker" and row["actor_id"] == worker_id
    return AccessEntry(row["id"], row["at"], row["actor_role"],
                       "you" if own else row["actor_name"], row["action"],
                       logic.action_kind(row["action"]), logic.describe(row["action"]))


@dataclass
class RetentionReport:
    inactive_before: datetime
    workers_erased: int
    audit_before: datetime
    audit_rows_deleted: int

    def lines(self) -> list[str]:
        return [f"pseudonymised {self.workers_erased} workers inactive since before "
                f"{self.inactive_before:%Y-%m-%d}",
                f"deleted {self.audit_rows_deleted} audit rows from before "
                f"{self.audit_before:%Y-%m-%d}"]


async def retention(conn: asyncpg.Connection, inactive_years: int, audit_years: int, *,
                    offer_hours: float = 24.0, now: datetime | None = None,
                    progress: Any = None, batch: int = 500) -> RetentionReport:
    """Pseudonymise workers whose data nobody but the system has touched for `inactive_years`
    (each in its own transaction), then delete audit rows older than `audit_years` (a batch per
    transaction). Safe to run again, and beside another run: a worker erased meanwhile is
    skipped."""
    now = now or datetime.now(UTC)
    say = progress or (lambda _message: None)
    actor = Actor.system("retention")
    inactive_before = logic.years_before(now, inactive_years)
    erased, after = 0, None
    while ids := await people.inactive_workers(conn, inactive_before, after, batch):
        for worker_id in ids:
            try:
                async with conn.transaction():
                    await erase(conn, actor, worker_id, now=now, offer_hours=offer_hours)
                erased += 1
            except Conflict:  # erased by someone else since the batch was read
                pass
        after = ids[-1]
        say(f"retention: {erased} workers pseudonymised so far")
    audit_before = logic.years_before(now, audit_years)
    deleted = 0
    while True:
        async with conn.transaction():
            done = await oversight.delete_before(conn, audit_before, batch * 10)
        deleted += done
        if done:
            say(f"retention: {deleted} audit rows deleted so far")
        if done < batch * 10:
            break
    return RetentionReport(inactive_before, erased, audit_before, deleted)
