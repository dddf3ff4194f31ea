"""Worker records: access checks, priority upkeep and audit, shared by routes, CLI and other
domains (every domain that shows a worker's data starts with `visible_worker`)."""

from collections.abc import Mapping
from datetime import date
from typing import Any
from uuid import UUID

import asyncpg
import msgspec

from service import clock, db
from service.actor import SYSTEM, Actor
from service.auth.logic import Principal
from service.console import Progress
from service.errors import Forbidden, NotFound
from service.oversight import service as audit
from service.oversight.logic import audit_columns
from service.pagination import page, time_id_cursor
from service.people import logic, store
from service.people.schemas import (
    Me,
    PriorityReason,
    Provider,
    ProviderIn,
    Rep,
    RepIn,
    Worker,
    WorkerIn,
    WorkerPage,
    WorkerPatch,
)
from service.policy.schemas import PriorityPoints
from service.policy.service import policy_in_force_on, priority_rules
from service.reference.service import require_known_occupation
from service.settings import Settings

WORKER_SELF_EDITABLE = frozenset({"name", "email", "region"})


async def visible_worker(conn: asyncpg.Connection, principal: Principal, worker_id: UUID,
                         action: str, *, for_update: bool = False) -> Worker:
    """The worker, if the caller may see them (404 if none, 403 if not theirs), audited as
    `action` by the very statement that reads them."""
    return worker_or_refuse(await store.get_worker_audited(
        conn, worker_id, audited_read(principal, action), lock=for_update), worker_id)


def audited_read(principal: Principal, action: str) -> dict[str, Any]:
    """The named arguments, after the worker's id, of the SQL function `worker_audited`: the
    caller's scope and who reads and why. Through it another domain's statement reads a worker
    with the audit row, as `visible_worker` does."""
    scope = principal.worker_scope()
    role, actor_id, name, token_id = audit_columns(Actor.of(principal))
    return {"scope_any": scope.any, "scope_branch": scope.branch,
            "scope_worker_id": scope.worker_id, "actor_role": role, "actor_id": actor_id,
            "actor_name": name, "token_id": token_id, "action": action}


def audited_worker(row: Mapping[str, Any] | None, worker_id: UUID) -> Worker:
    """The worker in another domain's row that selected `worker_audited`'s columns, refused as
    `visible_worker` refuses (404, 403)."""
    return worker_or_refuse(store.worker_seen(row), worker_id)


def worker_or_refuse(found: tuple[Worker, bool] | None, worker_id: UUID) -> Worker:
    if found is None:
        raise NotFound(f"no worker with id {worker_id}")
    worker, visible = found
    refuse_unseen(visible, worker_id)
    return worker


def refuse_unseen(visible: bool | None, worker_id: UUID) -> None:
    """Refuse as `visible_worker` does, from the `visible` column of another domain's row that
    read `worker_audited` (None: no row, no such worker)."""
    if visible is None:
        raise NotFound(f"no worker with id {worker_id}")
    if not visible:
        raise Forbidden("this token may not see that worker's data")


async def list_workers(conn: asyncpg.Connection, principal: Principal, branch: str | None,
                       cursor: str | None, limit: int) -> WorkerPage:
    """A page of workers, newest first, of one branch or all (admins); a rep's own branch only,
    whichever they name (403 for another). Other roles list nobody. The workers sent are
    audited."""
    if principal.role == "rep":
        principal.require_branch(branch or principal.branch or "")
        branch = principal.branch
    elif principal.role != "admin":
        raise Forbidden(f"a {principal.role} token may not list workers")
    rows = await store.list_workers(conn, branch, time_id_cursor(cursor), limit + 1)
    items, following = page(rows, limit, lambda w: (w.created_at, w.id))
    await audit.record(conn, Actor.of(principal), "worker.list", [w.id for w in items])
    return WorkerPage(items, following)


async def me(conn: asyncpg.Connection, principal: Principal) -> Me:
    """The caller and the record their token stands for (a worker's read is audited); a token
    whose record is gone is a 404, not an answer that names nobody."""
    result = Me(principal.role, principal.name, principal.token_id)
    if principal.worker_id:
        result.worker = await visible_worker(conn, principal, principal.worker_id, "worker.read")
    elif principal.rep_id:
        result.rep = await store.get_rep(conn, principal.rep_id)
    elif principal.provider_id:
        result.provider = await store.get_provider(conn, principal.provider_id)
    if principal.subject_id and not (result.worker or result.rep or result.provider):
        raise NotFound("the record this token stands for no longer exists")
    return result


async def create_rep(conn: asyncpg.Connection, data: RepIn) -> Rep:
    return await store.insert_rep(conn, data.name, data.email, data.branch)


async def create_provider(conn: asyncpg.Connection, data: ProviderIn) -> Provider:
    return await store.insert_provider(conn, data.ukprn, data.name)


async def rep_by_email(conn: asyncpg.Connection, email: str) -> Rep | None:
    return await store.rep_by_email(conn, email)


async def subjects_by_email(conn: asyncpg.Connection,
                            email: str) -> list[tuple[str, UUID, str]]:
    """(role, id, name) of every worker and rep with this email, for the web's sign-in (which
    never says whether any was found)."""
    return await store.subjects_by_email(conn, email)


async def provider_by_ukprn(conn: asyncpg.Connection, ukprn: str) -> Provider | None:
    return await store.provider_by_ukprn(conn, ukprn)


async def worker_id_by_external_ref(conn: asyncpg.Connection, external_ref: str) -> UUID | None:
    """For trusted callers (the demo, imports) that know a worker by their employer's reference;
    not audited, as it reads no personal data."""
    return await store.worker_id_by_external_ref(conn, external_ref)


async def has_workers(conn: asyncpg.Connection) -> bool:
    return await store.has_workers(conn)


async def get_worker(conn: asyncpg.Connection, worker_id: UUID) -> Worker | None:
    """For other domains' use cases that have checked access already, or act as the system
    (top-ups); not audited here: the caller audits what it does with the worker."""
    return await store.get_worker(conn, worker_id)


async def get_workers(conn: asyncpg.Connection, worker_ids: list[UUID]) -> list[Worker]:
    """Many workers at once, by branch and name, for the system's own work (a programme's
    reminders to reps); not audited here: the caller audits what it does with them."""
    return await store.get_workers(conn, worker_ids)


async def reps_of_branches(conn: asyncpg.Connection, branches: list[str]) -> list[Rep]:
    return await store.reps_of_branches(conn, branches)


async def occupation_risk_category(conn: asyncpg.Connection, occupation: str | None) -> str | None:
    """The automation-risk category (`High`, `Low`, `Other`) of an occupation URI or code."""
    return await store.occupation_risk_category(conn, occupation)


async def _priority_of(conn: asyncpg.Connection, fields: dict[str, Any],
                       today: date) -> tuple[int, list[PriorityReason]]:
    risk = await occupation_risk_category(conn, fields["occupation"])
    facts = logic.WorkerFacts(fields["birth_date"], fields["weekly_hours"],
                              fields["contract_type"], fields["highest_qualification"],
                              fields["facing_redundancy"], risk)
    return logic.priority(facts, today, await priority_rules(conn, today))


async def create_worker(conn: asyncpg.Connection, actor: Actor, data: WorkerIn, *,
                        scope: Principal | None = None) -> Worker:
    """`actor` is who creates the worker, as everywhere (`SYSTEM` for the demo and imports);
    `scope` is the token holder's Principal, when there is one: a rep creates workers of their
    own branch only (the role is checked by the route)."""
    if scope is not None:
        scope.require_branch(data.branch)
    today = clock.today()
    logic.check_birth_date(data.birth_date, today)
    logic.check_weekly_hours(data.weekly_hours)
    await require_known_occupation(conn, data.occupation)
    fields = msgspec.structs.asdict(data)
    score, _ = await _priority_of(conn, fields, today)
    worker = await store.insert_worker(conn, fields, score)
    await audit.record(conn, actor, "worker.create", [worker.id])
    return worker


async def update_worker(conn: asyncpg.Connection, principal: Principal, worker_id: UUID,
                        patch: WorkerPatch) -> Worker:
    """Workers may change their name, email and region; reps and admins the whole record."""
    worker = await visible_worker(conn, principal, worker_id, "worker.update", for_update=True)
    changes = {k: v for k, v in msgspec.structs.asdict(patch).items() if v is not msgspec.UNSET}
    if principal.role == "worker":
        refused = sorted(set(changes) - WORKER_SELF_EDITABLE)
        if refused:
            raise Forbidden.on_field(refused[0], "a worker may change only their name, email "
                                     "and region; ask your union learning rep for the rest")
    if "branch" in changes:
        principal.require_branch(changes["branch"])
    today = clock.today()
    if "birth_date" in changes:
        logic.check_birth_date(changes["birth_date"], today)
    if "weekly_hours" in changes:
        logic.check_weekly_hours(changes["weekly_hours"])
    if changes.get("occupation") is not None:
        await require_known_occupation(conn, changes["occupation"])
    fields = {c: getattr(worker, c) for c in store.WORKER_COLUMNS} | changes
    score, _ = await _priority_of(conn, fields, today)
    return await store.update_worker(conn, worker_id, fields, score)


async def worker_priority(conn: asyncpg.Connection, principal: Principal,
                          worker_id: UUID) -> tuple[int, list[PriorityReason]]:
    worker = await visible_worker(conn, principal, worker_id, "worker.priority.read")
    fields = {c: getattr(worker, c) for c in store.WORKER_COLUMNS}
    return await _priority_of(conn, fields, clock.today())


async def refresh_priorities_if_due(conn: asyncpg.Connection,
                                    today: date | None = None) -> int | None:
    """Recompute stored scores once a day and whenever the policy in force changes (ages and
    priority points move them); returns how many changed, or None when it was not due or
    another instance is doing it. Batches commit as they go, so worker edits wait for one batch
    at most; a crash leaves the day's refresh undone, and the next round does it again."""
    today = today or clock.today()
    policy = await policy_in_force_on(conn, today)
    version = policy.version if policy else 0
    if not await store.try_lock_priority_refresh(conn):
        return None
    try:
        if await store.priority_refresh_done(conn, today, version):
            return None
        changed = await refresh_priorities(conn, today=today)
        await store.record_priority_refresh(conn, today, version, changed)
        return changed
    finally:
        await store.unlock_priority_refresh(conn)


async def scheduled_round(pool: asyncpg.Pool, settings: Settings,
                          progress: Progress) -> None:
    """The scheduler's people job: keep stored priority scores current."""
    today = clock.today()
    async with db.session_connection(pool) as conn:  # the job holds a session lock
        changed = await refresh_priorities_if_due(conn, today)
    if changed is not None:
        progress(f"priority scores refreshed for {today}: {changed} changed")


async def refresh_priorities(conn: asyncpg.Connection, batch: int = 5000,
                             today: date | None = None) -> int:
    """Recompute every stored priority score, e.g. after new automation-risk data is loaded;
    returns how many changed. `GET .../priority` is always computed afresh; the stored score
    orders queues, so it must not lag behind the reference data. A transaction per batch (a
    savepoint inside the caller's), with the batch's workers locked while scored."""
    today = today or clock.today()
    rules = await priority_rules(conn, today)
    changed, after = 0, None
    while True:
        async with conn.transaction():
            rows = await store.priority_facts_batch(conn, after, batch)
            if not rows:
                return changed
            changed += await _rescore(conn, rows, today, rules, SYSTEM,
                                      "worker.priority.refresh")
        after = rows[-1]["id"]


async def rescore_workers(conn: asyncpg.Connection, actor: Actor, worker_ids: list[UUID], *,
                          action: str, batch: int = 5000, progress: Progress | None = None,
                          today: date | None = None) -> int:
    """Recompute the stored priority of these workers (after a change of their facts made in
    bulk, such as a programme marking them facing redundancy), in the caller's transaction, a
    batch at a time with `progress` told after each; returns how many scores changed, each
    audited as `action`."""
    today = today or clock.today()
    rules = await priority_rules(conn, today)
    changed = 0
    ids = sorted(set(worker_ids))
    for start in range(0, len(ids), batch):
        rows = await store.priority_facts_of(conn, ids[start:start + batch])
        changed += await _rescore(conn, rows, today, rules, actor, action)
        if progress is not None and len(ids) > batch:
            progress(f"priority recomputed for {min(start + batch, len(ids))} of {len(ids)} "
                     f"workers ({changed} changed)")
    return changed


async def _rescore(conn: asyncpg.Connection, rows: list[asyncpg.Record], today: date,
                   rules: PriorityPoints, actor: Actor, action: str) -> int:
    scores = {}
    for row in rows:
        facts = logic.WorkerFacts(row["birth_date"], row["weekly_hours"],
                                  row["contract_type"], row["highest_qualification"],
                                  row["facing_redundancy"], row["risk_category"])
        score, _ = logic.priority(facts, today, rules)
        if score != row["priority_score"]:
            scores[row["id"]] = score
    await store.set_priority_scores(conn, scores)
    await audit.record(conn, actor, action, list(scores))
    return len(scores)


async def get_rep(conn: asyncpg.Connection, rep_id: UUID) -> Rep | None:
    """A rep's record (name, email, branch), for other domains (reviews' slots)."""
    return await store.get_rep(conn, rep_id)


async def priority_of(conn: asyncpg.Connection, worker: Worker,
                      today: date | None = None) -> tuple[int, list[PriorityReason]]:
    """The priority score and its reasons, worked out afresh, for a worker the caller has
    already read through `visible_worker` (reviews' waiting list keeps them)."""
    fields = {c: getattr(worker, c) for c in store.WORKER_COLUMNS}
    return await _priority_of(conn, fields, today or clock.today())
