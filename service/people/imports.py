"""Bulk intake: `POST /v1/workers/import`, a CSV export from an HR system.

Every row is checked as `POST /v1/workers` checks a body, then against the importer's scope (a
rep imports their own branch's workers only, new or existing) and, with `?programme=`, the
programme's employer. The valid rows are then applied **atomically, in the request's one
transaction**: workers are created or updated by `employer` and `external_ref` (one statement
each), their priority worked out, audited; the rejected rows are not applied and come back in
the report with their line numbers and reasons. A file that cannot be read as a whole (wrong
header, an `external_ref` repeated, not UTF-8 or CSV, too many rows) applies nothing (422)."""

from datetime import date
from typing import Any
from uuid import UUID

import asyncpg
import msgspec

from service import clock
from service.actor import Actor
from service.auth.logic import Principal
from service.errors import DomainError, FieldError, Forbidden
from service.oversight import service as audit
from service.people import csv_import, logic, store
from service.people.schemas import ImportReport, RejectedRow, Worker
from service.policy.schemas import PriorityPoints
from service.policy.service import priority_rules
from service.programmes import service as programmes
from service.reference.service import require_known_occupation

COLUMNS = store.WORKER_COLUMNS


async def _occupation_risks(conn: asyncpg.Connection,
                            occupations: set[str]) -> dict[str, str | None | DomainError]:
    """Each distinct occupation's risk category, or the error refusing it."""
    found: dict[str, str | None | DomainError] = {}
    for occupation in sorted(occupations):
        try:
            await require_known_occupation(conn, occupation)
            found[occupation] = await store.occupation_risk_category(conn, occupation)
        except DomainError as error:
            found[occupation] = error
    return found


def _scope_errors(principal: Principal, worker: Any, existing: Worker | None,
                  employer: str | None) -> list[FieldError]:
    errors = []
    if principal.role == "rep":
        if worker.branch != principal.branch:
            errors.append(FieldError("branch", f"a rep imports workers of their own branch "
                                     f"({principal.branch!r}) only"))
        if existing is not None and existing.branch != principal.branch:
            errors.append(FieldError("external_ref", "this worker is recorded in another "
                                     "branch; ask an admin"))
    if employer is not None and worker.employer != employer:
        errors.append(FieldError("employer", f"the programme is for {employer!r}"))
    return errors


def _score(fields: dict[str, Any], risk: str | None, today: date, rules: PriorityPoints) -> int:
    facts = logic.WorkerFacts(fields["birth_date"], fields["weekly_hours"],
                              fields["contract_type"], fields["highest_qualification"],
                              fields["facing_redundancy"], risk)
    return logic.priority(facts, today, rules)[0]


async def import_workers(conn: asyncpg.Connection, principal: Principal, body: bytes, *,
                         programme_id: UUID | None, max_rows: int) -> ImportReport:
    if programme_id is not None and principal.role != "admin":
        raise Forbidden.on_field("programme", "only an admin adds an import to a programme")
    programme = (await programmes.import_programme(conn, programme_id)
                 if programme_id is not None else None)
    today = clock.today()
    parsed = csv_import.parse(body, today, max_rows)
    rejected = [RejectedRow(r.line, r.external_ref, r.errors) for r in parsed.rejected]
    risks = await _occupation_risks(conn, {r.worker.occupation for r in parsed.rows
                                           if r.worker.occupation is not None})
    existing = await store.workers_by_refs(
        conn, [(r.worker.employer, r.worker.external_ref) for r in parsed.rows])
    rules = await priority_rules(conn, today)
    creates: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    unchanged = 0
    for row in parsed.rows:
        worker = row.worker
        before = existing.get((worker.employer, worker.external_ref))
        errors = _scope_errors(principal, worker, before,
                               programme.employer if programme else None)
        risk = risks.get(worker.occupation) if worker.occupation is not None else None
        if isinstance(risk, DomainError):
            errors.extend(risk.errors)
            risk = None
        if errors:
            rejected.append(RejectedRow(row.line, worker.external_ref, errors))
            continue
        sent = msgspec.structs.asdict(worker)
        if before is None:
            fields = sent
        else:  # a column the file leaves out keeps what is stored
            fields = {c: sent[c] if c in parsed.columns else getattr(before, c) for c in COLUMNS}
            if all(fields[c] == getattr(before, c) for c in COLUMNS):
                unchanged += 1
                continue
            fields["id"] = before.id
        fields["priority_score"] = _score(fields, risk, today, rules)
        (creates if before is None else updates).append(fields)
    created = await store.insert_workers(conn, creates) if creates else {}
    if updates:
        await store.update_workers(conn, updates)
    actor = Actor.of(principal)
    await audit.record(conn, actor, "worker.import.create", list(created.values()))
    await audit.record(conn, actor, "worker.import.update", [u["id"] for u in updates])
    added = 0
    if programme is not None:
        refused = {r.line for r in rejected}
        ids = [created[(r.worker.employer, r.worker.external_ref)]
               if (r.worker.employer, r.worker.external_ref) in created
               else existing[(r.worker.employer, r.worker.external_ref)].id
               for r in parsed.rows if r.line not in refused]
        added = await programmes.add_imported(conn, actor, programme.id, ids)
    rejected.sort(key=lambda r: r.line)
    return ImportReport(len(parsed.rows) + len(parsed.rejected), len(creates), len(updates),
                        unchanged, rejected, programme.id if programme else None, added)
