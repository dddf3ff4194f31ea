"""Programmes' use cases: making and widening a programme (which marks every matching worker
facing redundancy, links them and recomputes their priority), members added and removed by
hand or by an import, and destinations."""

import logging
from uuid import UUID

import asyncpg
import msgspec

from service import clock
from service.actor import Actor
from service.auth.logic import Principal
from service.console import Progress
from service.errors import Conflict, Invalid, NotFound
from service.oversight import service as audit
from service.pagination import decode_cursor, page, time_id_cursor
from service.people import service as people
from service.programmes import logic, store
from service.programmes.schemas import (
    Destination,
    DestinationIn,
    DestinationPage,
    Member,
    MemberIn,
    MemberPage,
    Programme,
    ProgrammeChange,
    ProgrammeIn,
    ProgrammePage,
    RemoveIn,
    WidenIn,
)
from service.reference.service import find_occupation

log = logging.getLogger("ladder")
RESCORE = "worker.priority.programme"  # how a programme's recomputed scores are audited


async def _resolve(conn: asyncpg.Connection, refs: list[str]) -> list[UUID]:
    ids = []
    for i, ref in enumerate(refs):
        found = await find_occupation(conn, ref)
        if found is None:
            raise Invalid.on_field(f"occupations[{i}]", f"{ref!r} is not a known ESCO "
                                   "occupation id, code or URI; search GET /v1/occupations?q=")
        ids.append(found.id)
    return ids


async def programme(conn: asyncpg.Connection, programme_id: UUID) -> tuple[Programme, list[UUID]]:
    found = await store.get_programme(conn, programme_id)
    if found is None:
        raise NotFound(f"no programme with id {programme_id}")
    return found


async def _link(conn: asyncpg.Connection, actor: Actor, prog: Programme, *,
                occupation_ids: list[UUID] | None = None, worker_ids: list[UUID] | None = None,
                source: str, reason: str, rematch_removed: bool = False,
                progress: Progress | None = None) -> tuple[int, int, int]:
    """Mark and link in one statement, audit, recompute priority: (added, newly marked,
    priority changed)."""
    rows = await store.add_members(conn, actor, prog.id, employer=prog.employer,
                                   occupation_ids=occupation_ids, worker_ids=worker_ids,
                                   source=source, reason=reason,
                                   rematch_removed=rematch_removed)
    added = [r["worker_id"] for r in rows]
    newly = [r["worker_id"] for r in rows if not r["was_facing_redundancy"]]
    await audit.record(conn, actor, "programmes.member.add", added,
                       {"programme_id": str(prog.id), "source": source})
    if progress is not None and len(added) > 1000:
        progress(f"programme {prog.id}: {len(added)} workers linked, {len(newly)} newly marked "
                 "facing redundancy; recomputing their priority")
    changed = await people.rescore_workers(conn, actor, newly, action=RESCORE,
                                           progress=progress)
    return len(added), len(newly), changed


async def create_programme(conn: asyncpg.Connection, principal: Principal, data: ProgrammeIn,
                           progress: Progress | None = None) -> ProgrammeChange:
    logic.check_dates(data.announced_on, data.last_day)
    occupation_ids = await _resolve(conn, data.occupations)
    actor = Actor.of(principal)
    programme_id = await store.insert_programme(conn, actor, msgspec.structs.asdict(data),
                                                occupation_ids)
    prog, _ = await programme(conn, programme_id)
    added, newly, changed = await _link(conn, actor, prog, occupation_ids=occupation_ids,
                                        source="matched", reason=data.reason,
                                        progress=progress or log.info)
    prog, _ = await programme(conn, programme_id)
    return ProgrammeChange(prog, added, newly, changed, logic.no_match_note(prog.employer, added))


async def widen_programme(conn: asyncpg.Connection, principal: Principal, programme_id: UUID,
                          data: WidenIn, progress: Progress | None = None) -> ProgrammeChange:
    """Add occupations; every worker of the employer in any of the programme's occupations who
    is not a member (and was not removed from it) is marked and linked."""
    if not await store.lock_programme(conn, programme_id):
        raise NotFound(f"no programme with id {programme_id}")
    prog, ids = await programme(conn, programme_id)
    new_ids = await _resolve(conn, data.occupations)
    refs, all_ids = list(prog.occupations), list(ids)
    for ref, occupation_id in zip(data.occupations, new_ids, strict=True):
        if occupation_id not in all_ids:
            refs.append(ref)
            all_ids.append(occupation_id)
    await store.widen_programme(conn, programme_id, refs, all_ids)
    added, newly, changed = await _link(conn, Actor.of(principal), prog,
                                        occupation_ids=all_ids, source="matched",
                                        reason=data.reason, progress=progress or log.info)
    prog, _ = await programme(conn, programme_id)
    return ProgrammeChange(prog, added, newly, changed, logic.no_match_note(prog.employer, added))


async def list_programmes(conn: asyncpg.Connection, employer: str | None, cursor: str | None,
                          limit: int) -> ProgrammePage:
    rows = await store.list_programmes(conn, employer, time_id_cursor(cursor), limit + 1)
    return ProgrammePage(*page(rows, limit, lambda p: (p.created_at, p.id)))


async def add_member(conn: asyncpg.Connection, principal: Principal, programme_id: UUID,
                     data: MemberIn) -> Member:
    """One worker, by hand, with a reason: of the programme's employer (else 422), not a
    current member (else 409); a worker removed before may be added again."""
    if not await store.lock_programme(conn, programme_id):
        raise NotFound(f"no programme with id {programme_id}")
    prog, _ = await programme(conn, programme_id)
    worker = await people.visible_worker(conn, principal, data.worker_id,
                                         "programmes.member.add", for_update=True)
    if worker.employer != prog.employer:
        raise Invalid.on_field("worker_id", f"the worker's employer is {worker.employer!r}, "
                               f"not the programme's ({prog.employer!r})")
    if await store.current_member(conn, programme_id, worker.id):
        raise Conflict.on_field("worker_id", "the worker is a member of this programme")
    await _link(conn, Actor.of(principal), prog, worker_ids=[worker.id], source="added",
                reason=data.reason, rematch_removed=True)
    return store.member_of(await store.current_member(conn, programme_id, worker.id))


async def add_imported(conn: asyncpg.Connection, actor: Actor, programme_id: UUID,
                       worker_ids: list[UUID]) -> int:
    """An import's rows (already checked to be of the programme's employer, and scoped to the
    importer) become members; how many were added."""
    prog, _ = await programme(conn, programme_id)
    added, _, _ = await _link(conn, actor, prog, worker_ids=worker_ids, source="imported",
                              reason="imported", rematch_removed=True)
    return added


async def import_programme(conn: asyncpg.Connection, programme_id: UUID) -> Programme:
    """The programme an import adds to, locked for the import (404 if none)."""
    if not await store.lock_programme(conn, programme_id):
        raise NotFound.on_field("programme", f"no programme with id {programme_id}")
    return (await programme(conn, programme_id))[0]


async def remove_member(conn: asyncpg.Connection, principal: Principal, programme_id: UUID,
                        worker_id: UUID, data: RemoveIn) -> Member:
    """The membership ends with a reason (kept); the mark facing redundancy is cleared if this
    programme made it and no other programme holds the worker; priority is recomputed."""
    if not await store.lock_programme(conn, programme_id):
        raise NotFound(f"no programme with id {programme_id}")
    worker = await people.visible_worker(conn, principal, worker_id, "programmes.member.remove",
                                         for_update=True)
    current = await store.current_member(conn, programme_id, worker.id)
    if current is None:
        raise NotFound(f"worker {worker_id} is not a current member of this programme")
    actor = Actor.of(principal)
    member = await store.remove_member(conn, actor, programme_id, worker.id, data.reason)
    if not current["was_facing_redundancy"] and not await store.in_another_programme(
            conn, programme_id, worker.id):
        await store.clear_mark(conn, worker.id)
    await people.rescore_workers(conn, actor, [worker.id], action=RESCORE)
    return member


async def list_members(conn: asyncpg.Connection, programme_id: UUID, current_only: bool,
                       cursor: str | None, limit: int) -> MemberPage:
    key = decode_cursor(cursor, int)
    await programme(conn, programme_id)
    rows = await store.list_members(conn, programme_id, current_only, key[0] if key else None,
                                    limit + 1)
    return MemberPage(*page(rows, limit, lambda r: (r["id"],), store.member_of))


async def record_destination(conn: asyncpg.Connection, principal: Principal, worker_id: UUID,
                             data: DestinationIn) -> Destination:
    """Where a programme's member went (the worker, a rep of their branch, admin): it counts
    for their current programme; none is 422, as is a day before its announcement."""
    worker = await people.visible_worker(conn, principal, worker_id,
                                         "programmes.destination.record", for_update=True)
    current = await store.worker_programme(conn, worker.id)
    if current is None:
        raise Invalid.on_field("worker_id", "the worker is in no programme; destinations are "
                               "recorded for members of a programme")
    logic.check_destination(data.recorded_on, current["announced_on"], clock.today())
    occupation_id = None
    if data.occupation is not None:
        found = await find_occupation(conn, data.occupation)
        if found is None:
            raise Invalid.on_field("occupation", f"{data.occupation!r} is not a known ESCO "
                                   "occupation id, code or URI")
        occupation_id = found.id
    return await store.insert_destination(conn, Actor.of(principal), worker.id, current["id"],
                                          msgspec.structs.asdict(data), occupation_id)


async def list_destinations(conn: asyncpg.Connection, principal: Principal, worker_id: UUID,
                            cursor: str | None, limit: int) -> DestinationPage:
    after = time_id_cursor(cursor)
    worker = await people.visible_worker(conn, principal, worker_id, "programmes.destination.read")
    rows = await store.list_destinations(conn, worker.id, after, limit + 1)
    return DestinationPage(*page(rows, limit, lambda d: (d.created_at, d.id)))
