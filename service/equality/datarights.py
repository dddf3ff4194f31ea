"""Equality's part of data rights: the worker's own equality answers in their export (and only
theirs: an admin's export leaves them out, as no other route shows them). Erasure keeps them,
tied to a record that no longer names anyone, so that the equality report still adds up."""

from collections.abc import Mapping
from typing import Any
from uuid import UUID

import asyncpg

from service.datarights.logic import Erasure, Section, Viewer
from service.sql import load_queries

Q = load_queries(__file__)


async def export(conn: asyncpg.Connection, worker_id: UUID, viewer: Viewer) -> Mapping[str, Any]:
    if viewer.role != "worker":
        return {"equality_answers": None}
    row = await conn.fetchrow(*Q.answer_rows(worker_id=worker_id))
    return {"equality_answers": dict(row) if row else None}


async def erase(conn: asyncpg.Connection, erasure: Erasure) -> Mapping[str, int]:
    return {"equality_answers": 0}


SECTION = Section("equality", frozenset({"equality_answers"}), export, erase)
