"""Accounts' part of data rights: the account's totals, ledger, holds and accruals in the export;
on erasure the free text of entries and holds (references, reasons) is cleared, and every amount
and link is kept, so balances, totals and reports still add up."""

from collections.abc import Mapping
from typing import Any
from uuid import UUID

import asyncpg

from service.datarights.logic import ERASED, Erasure, Section, Viewer, changed, rows
from service.sql import load_queries

Q = load_queries(__file__)


async def export(conn: asyncpg.Connection, worker_id: UUID, viewer: Viewer) -> Mapping[str, Any]:
    account = await conn.fetchrow(*Q.account_row(worker_id=worker_id))
    return {"accounts": dict(account) if account else None,
            "ledger_entries": rows(await conn.fetch(*Q.ledger_rows(worker_id=worker_id))),
            "holds": rows(await conn.fetch(*Q.hold_rows(worker_id=worker_id))),
            "accruals": rows(await conn.fetch(*Q.accrual_rows(worker_id=worker_id)))}


async def erase(conn: asyncpg.Connection, erasure: Erasure) -> Mapping[str, int]:
    await conn.execute(*Q.allow_ledger_erasure(worker_id=str(erasure.worker_id)))
    entries = await conn.execute(*Q.erase_ledger_text(worker_id=erasure.worker_id, erased=ERASED))
    holds = await conn.execute(*Q.erase_hold_text(worker_id=erasure.worker_id, erased=ERASED))
    return {"ledger_entries": changed(entries), "holds": changed(holds)}


SECTION = Section("accounts", frozenset({"accounts", "ledger_entries", "holds", "accruals"}),
                  export, erase)
