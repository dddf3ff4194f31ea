from collections.abc import Sequence
from datetime import date, datetime
from typing import Any, NamedTuple
from uuid import UUID

import asyncpg
import msgspec

from service.accounts.logic import GENERAL, Totals
from service.accounts.schemas import Earmark, Entry, Hold
from service.actor import Actor
from service.sql import load_queries

Q = load_queries(__file__)
ACCRUAL_LOCK = 0x4C4143  # "LAC": accrual runs, one per period at a time

ENTRY_FIELDS = ("worker_id", "kind", "amount_pence", "pot", "earmark", "source", "reference",
                "reason", "rule", "policy_version", "period", "hold_id", "provider_id",
                "created_by")


class AccountSummary(NamedTuple):
    visible: bool
    highest_qualification: str
    contract_type: str
    totals: Totals
    accrued: bool
    pots: dict[str, int]
    policy_version: int | None
    policy_rules: str | None  # JSON text


def created_by(actor: Actor) -> str:
    """Who made an entry, as the worker reads it on their statement: `rep: Rita Rep`, or
    `system`; the worker themself (a hold placed when they enrol) is `worker`, without their
    name, which erasure could not clear from an entry (the ledger is append-only)."""
    if actor.is_system:
        return "system"
    return "worker" if actor.role == "worker" else f"{actor.role}: {actor.name}"


def _entry(row: asyncpg.Record) -> Entry:
    fields = dict(row)
    fields.pop("seq", None)
    if fields["earmark"] is not None:
        fields["earmark"] = msgspec.convert(fields["earmark"], Earmark)
    return Entry(**fields)


def _totals(row: asyncpg.Record | None) -> Totals:
    if row is None:
        return Totals()
    return Totals(row["balance_pence"], row["held_pence"], row["credited_pence"])


async def lock_account(conn: asyncpg.Connection, worker_id: UUID) -> Totals:
    """Make the account if need be and hold its row lock until the transaction ends."""
    await conn.execute(*Q.ensure_account(worker_id=worker_id))
    return _totals(await conn.fetchrow(*Q.lock_account(worker_id=worker_id)))


async def get_totals(conn: asyncpg.Connection, worker_id: UUID) -> Totals:
    return _totals(await conn.fetchrow(*Q.get_account(worker_id=worker_id)))


async def ledger_totals(conn: asyncpg.Connection, worker_id: UUID) -> Totals:
    return _totals(await conn.fetchrow(*Q.ledger_totals(worker_id=worker_id)))


async def add_to_account(conn: asyncpg.Connection, worker_id: UUID, change: Totals) -> None:
    await conn.execute(*Q.add_to_account(worker_id=worker_id, balance=change.balance,
                                         held=change.held, credited=change.credited))


async def pot_available(conn: asyncpg.Connection, worker_id: UUID) -> dict[str, int]:
    rows = await conn.fetch(*Q.pot_available(worker_id=worker_id))
    return {r["pot"]: r["available_pence"] for r in rows}


def _entry_args(actor: Actor, fields: dict[str, Any]) -> dict[str, Any]:
    earmark = fields.get("earmark")
    fields = fields | {"earmark": msgspec.to_builtins(earmark) if earmark else None,
                       "pot": fields.get("pot") or GENERAL, "created_by": created_by(actor)}
    return {name: fields.get(name) for name in ENTRY_FIELDS}


async def insert_entry(conn: asyncpg.Connection, actor: Actor, **fields: Any) -> Entry:
    return _entry(await conn.fetchrow(*Q.insert_entry(**_entry_args(actor, fields))))


async def insert_topup(conn: asyncpg.Connection, actor: Actor, **fields: Any) -> Entry | None:
    args = _entry_args(actor, fields)
    row = await conn.fetchrow(*Q.insert_topup(**{p: args[p] for p in Q.insert_topup.params}))
    return _entry(row) if row else None


async def list_entries(conn: asyncpg.Connection, worker_id: UUID, kind: str | None,
                       before_seq: int | None, limit: int) -> list[tuple[int, Entry]]:
    rows = await conn.fetch(*Q.list_entries(worker_id=worker_id, kind=kind, before_seq=before_seq,
                                            limit=limit))
    return [(r["seq"], _entry(r)) for r in rows]


async def statement(conn: asyncpg.Connection, worker_id: UUID) -> list[asyncpg.Record]:
    return await conn.fetch(*Q.statement(worker_id=worker_id))


async def insert_hold(conn: asyncpg.Connection, worker_id: UUID, amount: int,
                      course_id: UUID | None, pathway_target: str | None,
                      reference: str) -> Hold:
    row = await conn.fetchrow(*Q.insert_hold(worker_id=worker_id, amount=amount,
                                             course_id=course_id, pathway_target=pathway_target,
                                             reference=reference))
    return Hold(**dict(row))


async def hold_worker(conn: asyncpg.Connection, hold_id: UUID) -> UUID | None:
    return await conn.fetchval(*Q.hold_worker(hold_id=hold_id))


async def lock_hold(conn: asyncpg.Connection, hold_id: UUID) -> Hold | None:
    row = await conn.fetchrow(*Q.lock_hold(hold_id=hold_id))
    return Hold(**dict(row)) if row else None


async def close_hold(conn: asyncpg.Connection, hold_id: UUID, status: str,
                     provider_id: UUID | None, reason: str | None) -> Hold:
    row = await conn.fetchrow(*Q.close_hold(hold_id=hold_id, status=status,
                                            provider_id=provider_id, reason=reason))
    return Hold(**dict(row))


async def hold_portions(conn: asyncpg.Connection, hold_id: UUID) -> list[asyncpg.Record]:
    return await conn.fetch(*Q.hold_portions(hold_id=hold_id))


async def account_summary(conn: asyncpg.Connection, worker_id: UUID, period: str, day: date,
                          audited_read: dict[str, Any]) -> AccountSummary | None:
    """Whether the caller may see the worker (people's `worker_audited`, read and audited with
    `audited_read`, people's arguments) and the two fields their rate depends on, with the
    totals, whether `period`'s credit has reached them, available earmarked money by pot, and
    the version and rules (JSON text) of the policy in force on `day` (None, None if none), in
    one query; None if there is no such worker."""
    row = await conn.fetchrow(*Q.account_summary(worker_id=worker_id, period=period, day=day,
                                               lazy_commit=not conn.is_in_transaction(),
                                               **audited_read))
    if row is None:
        return None
    return AccountSummary(row["visible"], row["highest_qualification"], row["contract_type"],
                          _totals(row), row["accrued"],
                          dict(zip(row["pots"], row["available"], strict=True)),
                          row["policy_version"], row["policy_rules"])


async def try_accrual_lock(conn: asyncpg.Connection, period: str) -> bool:
    return await conn.fetchval(*Q.try_accrual_lock(lock=ACCRUAL_LOCK, period=period))


async def accrual_unlock(conn: asyncpg.Connection, period: str) -> None:
    await conn.fetchval(*Q.accrual_unlock(lock=ACCRUAL_LOCK, period=period))


async def now(conn: asyncpg.Connection) -> datetime:
    return await conn.fetchval(*Q.now())


async def accrual_batch(conn: asyncpg.Connection, period: str, cutoff: datetime,
                        after: UUID | None, limit: int) -> list[asyncpg.Record]:
    return await conn.fetch(*Q.accrual_batch(period=period, cutoff=cutoff, after=after,
                                             limit=limit))


async def lock_accounts(conn: asyncpg.Connection, worker_ids: Sequence[UUID]) -> dict[UUID, int]:
    await conn.execute(*Q.ensure_accounts(worker_ids=worker_ids))
    rows = await conn.fetch(*Q.lock_accounts(worker_ids=worker_ids))
    return {r["worker_id"]: r["balance_pence"] for r in rows}


async def credit_batch(conn: asyncpg.Connection, period: str, policy_version: int,
                       credits: Sequence[tuple[UUID, int, str]], actor: Actor) -> None:
    """Annual credits for a batch, with the accrual record of every worker in it (a worker at
    the ceiling gets a record with nothing credited, so a re-run skips them too)."""
    paid = [c for c in credits if c[1] > 0]
    rows = await conn.fetch(*Q.insert_credits(
        worker_ids=[c[0] for c in paid], amounts=[c[1] for c in paid],
        rules=[c[2] for c in paid], policy_version=policy_version, period=period,
        created_by=created_by(actor)))
    entry_of = {r["worker_id"]: r["id"] for r in rows}
    await conn.execute(*Q.insert_accruals(
        period=period, worker_ids=[c[0] for c in credits], amounts=[c[1] for c in credits],
        rules=[c[2] for c in credits], policy_version=policy_version,
        entry_ids=[entry_of.get(c[0]) for c in credits]))
    await conn.execute(*Q.add_credits(worker_ids=[c[0] for c in paid],
                                      amounts=[c[1] for c in paid]))


async def accrual_summary(conn: asyncpg.Connection, period: str) -> asyncpg.Record:
    return await conn.fetchrow(*Q.accrual_summary(period=period))


async def list_holds(conn: asyncpg.Connection, worker_id: UUID, status: str | None,
                     after: tuple[datetime | None, UUID | None], limit: int) -> list[Hold]:
    rows = await conn.fetch(*Q.list_holds(worker_id=worker_id, status=status,
                                          after_created_at=after[0], after_id=after[1],
                                          limit=limit))
    return [Hold(**dict(r)) for r in rows]


async def spent_since(conn: asyncpg.Connection, worker_ids: list[UUID], since: datetime) -> int:
    return await conn.fetchval(*Q.spent_since(worker_ids=worker_ids, since=since))
