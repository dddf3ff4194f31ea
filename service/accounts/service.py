"""Learning accounts: every change to an account goes through here, under the account's row
lock, writing ledger entries and the cached totals in the same transaction.

Other domains call `place_hold`, `release_hold`, `settle_hold` (enrolments) and
`grant_midlife_topup`, `grant_retraining_topup` (reviews, matching) inside their own
transaction."""

import csv
import io
from collections.abc import Callable
from datetime import date
from typing import Any, Literal
from uuid import UUID

import asyncpg

from service import clock
from service.accounts import logic, store
from service.accounts.logic import GENERAL, HoldPurpose
from service.accounts.schemas import (
    Account,
    AccrualResult,
    AdjustmentIn,
    ContributionIn,
    EarmarkedMoney,
    Entry,
    EntryPage,
    Hold,
    HoldPage,
    NextAccrual,
    PathwayEarmark,
    StatementLine,
)
from service.actor import SYSTEM, Actor
from service.auth.logic import Principal
from service.errors import Conflict, Forbidden, Invalid, NotFound
from service.oversight import service as audit
from service.pagination import decode_cursor, page, time_id_cursor
from service.people import service as people
from service.people.logic import age_on
from service.people.schemas import Worker
from service.people.service import audited_read, refuse_unseen, visible_worker
from service.policy.service import policy_on, rules_from_json

RetrainingReason = Literal["facing_redundancy", "high_risk_occupation"]
DEFAULT_BATCH = 5000
STATEMENT_COLUMNS = ("date", "description", "kind", "reference", "paid_in", "paid_out",
                     "held_change", "balance", "held", "available", "amount_pence",
                     "balance_pence", "available_pence")


async def _append(conn: asyncpg.Connection, worker_id: UUID, kind: str, amount: int,
                  actor: Actor, **fields: Any) -> Entry:
    """Insert one entry and move the cached totals with it; the caller holds the account lock."""
    entry = await store.insert_entry(conn, actor, worker_id=worker_id, kind=kind,
                                     amount_pence=amount, **fields)
    await store.add_to_account(conn, worker_id, logic.effect(kind, amount))
    return entry


async def _worker(conn: asyncpg.Connection, worker_id: UUID) -> Worker:
    worker = await people.get_worker(conn, worker_id)
    if worker is None:
        raise NotFound(f"no worker with id {worker_id}")
    return worker


async def check_contribution(conn: asyncpg.Connection, principal: Principal, worker_id: UUID,
                             data: ContributionIn) -> None:
    """Admins add any contribution; a rep only the union's, for a worker of their branch (the
    route admits only those two roles). The worker's row stays locked to the end, so that an
    erasure either waits for the contribution (and clears its reference) or comes first (and
    the contribution finds no worker)."""
    if principal.role == "rep" and data.source != "union":
        raise Forbidden.on_field("source", "a rep may add union contributions only")
    await visible_worker(conn, principal, worker_id, "account.contribute", for_update=True)


async def contribute(conn: asyncpg.Connection, actor: Actor, worker_id: UUID,
                     data: ContributionIn) -> Entry:
    await store.lock_account(conn, worker_id)
    return await _append(conn, worker_id, "contribution", data.amount_pence, actor,
                         pot=logic.pot_of(data.earmark), earmark=data.earmark,
                         source=data.source, reference=data.reference)


async def has_contribution(conn: asyncpg.Connection, worker_id: UUID, reference: str) -> bool:
    """Whether the account holds a contribution with this reference among its latest 200, with
    the account locked until the transaction ends, so that a once-only contribution (the demo's)
    is checked and added by one writer at a time."""
    await store.lock_account(conn, worker_id)
    entries = await store.list_entries(conn, worker_id, "contribution", None, 200)
    return any(entry.reference == reference for _, entry in entries)


async def adjust(conn: asyncpg.Connection, actor: Actor, worker_id: UUID,
                 data: AdjustmentIn) -> Entry:
    """An admin's correction, with its reason; a removal comes out of general money only."""
    if data.amount_pence == 0:
        raise Invalid.on_field("amount_pence", "must not be zero")
    await store.lock_account(conn, worker_id)
    if data.amount_pence < 0:
        general = (await store.pot_available(conn, worker_id)).get(GENERAL, 0)
        if general + data.amount_pence < 0:
            raise logic.InsufficientFunds.on_field(
                "amount_pence", f"only {logic.pounds(general)} of general money is available")
    return await _append(conn, worker_id, "adjustment", data.amount_pence, actor,
                         reason=data.reason)


async def grant_midlife_topup(conn: asyncpg.Connection, worker_id: UUID, review_id: UUID, *,
                              actor: Actor = SYSTEM,
                              today: date | None = None) -> Entry | None:
    """The mid-life review top-up, once per worker aged 45+ (the policy's age); None if the
    worker already had it."""
    today = today or clock.today()
    worker = await _worker(conn, worker_id)
    policy = await policy_on(conn, today)
    age = age_on(worker.birth_date, today)
    if age < policy.rules.midlife_min_age:
        raise Invalid.on_field("birth_date", f"aged {age}; the mid-life top-up starts at "
                               f"{policy.rules.midlife_min_age}")
    return await _topup(conn, actor, worker_id, "midlife_topup",
                        policy.rules.midlife_topup_pence, policy.version, None,
                        reference=f"review {review_id}", reason=None)


async def grant_retraining_topup(conn: asyncpg.Connection, worker_id: UUID,
                                 reason: RetrainingReason, *, pathway_target: str | None = None,
                                 actor: Actor = SYSTEM,
                                 today: date | None = None) -> Entry | None:
    """The retraining top-up, once per worker facing redundancy or in a high-risk occupation,
    earmarked for courses on their matched pathways (or on the one to `pathway_target`)."""
    worker = await _worker(conn, worker_id)
    if reason == "facing_redundancy" and not worker.facing_redundancy:
        raise Invalid.on_field("reason", "the worker's record does not say facing redundancy")
    if reason == "high_risk_occupation" and await people.occupation_risk_category(
            conn, worker.occupation) != "High":
        raise Invalid.on_field("reason", "the worker's occupation is not at high risk")
    policy = await policy_on(conn, today)
    return await _topup(conn, actor, worker_id, "retraining_topup",
                        policy.rules.retraining_topup_pence, policy.version,
                        PathwayEarmark(pathway_target), reference=None,
                        reason=reason.replace("_", " "))


async def _topup(conn: asyncpg.Connection, actor: Actor, worker_id: UUID,
                 kind: str, amount: int, policy_version: int, earmark: PathwayEarmark | None,
                 **fields: Any) -> Entry | None:
    if amount <= 0:
        return None
    await store.lock_account(conn, worker_id)
    entry = await store.insert_topup(conn, actor, worker_id=worker_id, kind=kind,
                                     amount_pence=amount, pot=logic.pot_of(earmark),
                                     earmark=earmark, rule=kind, policy_version=policy_version,
                                     **fields)
    if entry is not None:
        await store.add_to_account(conn, worker_id, logic.effect(kind, amount))
        await audit.record(conn, actor, f"account.{kind}", [worker_id])
    return entry


async def place_hold(conn: asyncpg.Connection, worker_id: UUID, amount_pence: int,
                     purpose: HoldPurpose, reference: str, *,
                     actor: Actor = SYSTEM) -> Hold:
    """Set money aside for a course: refused (409) unless it fits what is available now.
    Earmarked money for the course or its pathway is used first."""
    if not 1 <= len(reference) <= 200:
        raise Invalid.on_field("reference", "1 to 200 characters")
    await _worker(conn, worker_id)
    await store.lock_account(conn, worker_id)
    portions = logic.allocate(amount_pence, await store.pot_available(conn, worker_id), purpose)
    hold = await store.insert_hold(conn, worker_id, amount_pence, purpose.course_id,
                                   purpose.pathway_target, reference)
    for pot, amount in portions:
        await _append(conn, worker_id, "hold", amount, actor, pot=pot,
                      earmark=logic.earmark_of(pot), hold_id=hold.id, reference=reference)
    return hold


async def release_hold(conn: asyncpg.Connection, hold_id: UUID, reason: str, *,
                       actor: Actor = SYSTEM) -> Hold:
    """Give held money back to the pots it came from (enrolment cancelled in time)."""
    return await _close_hold(conn, hold_id, "release", "released", None, reason, actor)


async def settle_hold(conn: asyncpg.Connection, hold_id: UUID, provider_id: UUID, *,
                      actor: Actor = SYSTEM) -> Hold:
    """Pay held money to the provider (the course started)."""
    return await _close_hold(conn, hold_id, "settlement", "settled", provider_id, None, actor)


async def _close_hold(conn: asyncpg.Connection, hold_id: UUID, kind: str, status: str,
                      provider_id: UUID | None, reason: str | None,
                      actor: Actor) -> Hold:
    worker_id = await store.hold_worker(conn, hold_id)
    if worker_id is None:
        raise NotFound(f"no hold with id {hold_id}")
    await store.lock_account(conn, worker_id)  # account first, then hold: one lock order
    hold = await store.lock_hold(conn, hold_id)
    if hold is None:  # holds are never deleted; kept for type checkers
        raise NotFound(f"no hold with id {hold_id}")
    if hold.status != "open":
        raise Conflict.on_field("hold_id", f"the hold is already {hold.status}")
    for portion in await store.hold_portions(conn, hold_id):
        await _append(conn, worker_id, kind, portion["amount_pence"], actor,
                      pot=portion["pot"], earmark=logic.earmark_of(portion["pot"]),
                      hold_id=hold_id, reference=hold.reference, reason=reason,
                      provider_id=provider_id)
    return await store.close_hold(conn, hold_id, status, provider_id, reason)


async def account(conn: asyncpg.Connection, principal: Principal, worker_id: UUID) -> Account:
    today = clock.today()
    period = str(today.year)
    summary = await store.account_summary(conn, worker_id, period, today,
                                          audited_read(principal, "account.read"))
    refuse_unseen(summary and summary.visible, worker_id)
    if summary.policy_rules is None:
        raise NotFound(f"no policy was in force on {today}")
    totals, accrued, pots = summary.totals, summary.accrued, summary.pots
    rules = rules_from_json(summary.policy_rules)
    enhanced = logic.is_enhanced(summary.highest_qualification, summary.contract_type, rules)
    _, credit, ceiling = logic.credit_terms(enhanced, rules)
    earmarked = [EarmarkedMoney(logic.earmark_of(pot), available)
                 for pot, available in pots.items()]
    if accrued:
        period = str(today.year + 1)
    return Account(worker_id, "GBP", totals.balance, totals.available, totals.held,
                   totals.credited, ceiling, credit, "enhanced" if enhanced else "standard",
                   summary.policy_version, earmarked,
                   NextAccrual(period, logic.annual_credit(totals.balance, credit, ceiling)))


async def entries_page(conn: asyncpg.Connection, principal: Principal, worker_id: UUID,
                       kind: str | None, cursor: str | None, limit: int) -> EntryPage:
    """A page of the worker's ledger, newest first, optionally of one kind."""
    key = decode_cursor(cursor, int)  # before the audited read: a bad cursor reads nothing
    await visible_worker(conn, principal, worker_id, "account.entries.read")
    rows = await store.list_entries(conn, worker_id, kind, key[0] if key else None, limit + 1)
    return EntryPage(*page(rows, limit, lambda r: (r[0],), lambda r: r[1]))


async def holds_page(conn: asyncpg.Connection, principal: Principal, worker_id: UUID,
                     status: str | None, cursor: str | None, limit: int) -> HoldPage:
    """A page of the worker's holds, newest first, optionally by status."""
    after = time_id_cursor(cursor)  # before the audited read: a bad cursor reads nothing
    await visible_worker(conn, principal, worker_id, "account.holds.read")
    rows = await store.list_holds(conn, worker_id, status, after, limit + 1)
    return HoldPage(*page(rows, limit, lambda h: (h.created_at, h.id)))


async def statement(conn: asyncpg.Connection, principal: Principal,
                    worker_id: UUID) -> list[StatementLine]:
    """Every entry, oldest first, with its description and the running balance, held and
    available after it (the statement the CSV and the web page show)."""
    await visible_worker(conn, principal, worker_id, "account.statement")
    return [StatementLine(
        day=r["created_at"].date(),
        description=logic.describe(r["kind"], r["period"], r["source"], r["rule"], r["reason"]),
        kind=r["kind"], reference=r["reference"], amount_pence=r["amount_pence"],
        balance_change_pence=r["balance_change_pence"], held_change_pence=r["held_change_pence"],
        balance_pence=r["balance_pence"], held_pence=r["held_pence"],
        available_pence=r["balance_pence"] - r["held_pence"],
    ) for r in await store.statement(conn, worker_id)]


def statement_text(lines: list[StatementLine]) -> str:
    """The statement as CSV, in pounds for people and pence for programs."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(STATEMENT_COLUMNS)
    pounds = logic.pounds
    for line in lines:
        change = line.balance_change_pence
        writer.writerow([
            line.day.isoformat(), logic.spreadsheet_text(line.description),
            line.kind, logic.spreadsheet_text(line.reference),
            pounds(change) if change > 0 else "", pounds(-change) if change < 0 else "",
            pounds(line.held_change_pence) if line.held_change_pence else "",
            pounds(line.balance_pence), pounds(line.held_pence), pounds(line.available_pence),
            line.amount_pence, line.balance_pence, line.available_pence,
        ])
    return out.getvalue()


async def statement_csv(conn: asyncpg.Connection, principal: Principal, worker_id: UUID) -> str:
    """Every entry, oldest first, with running balance, held and available, in pounds for
    people and pence for programs."""
    return statement_text(await statement(conn, principal, worker_id))


async def accrue(conn: asyncpg.Connection, actor: Actor, period: str, *,
                 batch_size: int = DEFAULT_BATCH, today: date | None = None,
                 progress: Callable[[str], None] = lambda _: None) -> AccrualResult:
    """Credit every eligible worker once for `period`, in batches each committed on its own.

    `conn` must not be inside a transaction. One run per period at a time (an advisory lock:
    a second caller gets 409); a run that died part-way is finished by the next one, and a
    finished period gains nothing from a re-run except workers added since."""
    day = logic.check_period(period, today or clock.today())
    if batch_size < 1:
        raise Invalid.on_field("batch_size", "at least 1")
    if not await store.try_accrual_lock(conn, period):
        raise Conflict.on_field("period", f"an accrual for {period} is already running")
    try:
        return await _accrue(conn, actor, period, day, batch_size, progress)
    finally:
        await store.accrual_unlock(conn, period)


async def _accrue(conn: asyncpg.Connection, actor: Actor, period: str, day: date,
                  batch_size: int, progress: Callable[[str], None]) -> AccrualResult:
    policy = await policy_on(conn, day)
    cutoff = await store.now(conn)
    after, workers, paid, credited = None, 0, 0, 0
    while True:
        async with conn.transaction():
            batch = await store.accrual_batch(conn, period, cutoff, after, batch_size)
            if not batch:
                break
            balances = await store.lock_accounts(conn, [r["id"] for r in batch])
            credits = []
            for row in batch:
                enhanced = logic.is_enhanced(row["highest_qualification"], row["contract_type"],
                                             policy.rules)
                rule, credit, ceiling = logic.credit_terms(enhanced, policy.rules)
                credits.append((row["id"], logic.annual_credit(balances[row["id"]], credit,
                                                               ceiling), rule))
            await store.credit_batch(conn, period, policy.version, credits, actor)
            await audit.record(conn, actor, "account.accrual",
                               [c[0] for c in credits if c[1]], {"period": period})
        after = batch[-1]["id"]
        workers += len(batch)
        paid += sum(1 for c in credits if c[1])
        credited += sum(c[1] for c in credits)
        progress(f"accrual {period}: {workers} workers done, {logic.pounds(credited)} GBP "
                 "credited so far")
    summary = await store.accrual_summary(conn, period)
    return AccrualResult(period, policy.version, paid, credited, summary["workers"],
                         summary["at_ceiling"], summary["credited_pence"])


async def spent_since(conn: asyncpg.Connection, worker_ids: list[UUID], day: date) -> int:
    """Credit spent (settled to providers) by these workers since the UK day, in pence: a
    programme's report."""
    since = clock.start_of(day)
    return await store.spent_since(conn, worker_ids, since)
