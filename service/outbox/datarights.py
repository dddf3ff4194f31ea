"""The outbox's part of data rights: the messages to the worker in the export; on erasure the
pending ones are cancelled and all of them redacted (address, subject and text emptied)."""

from collections.abc import Mapping
from typing import Any
from uuid import UUID

import asyncpg

from service.datarights.logic import Erasure, Section, Viewer, changed, rows
from service.sql import load_queries

Q = load_queries(__file__)


async def export(conn: asyncpg.Connection, worker_id: UUID, viewer: Viewer) -> Mapping[str, Any]:
    return {"outbox": rows(await conn.fetch(*Q.message_rows(worker_id=worker_id)))}


async def erase(conn: asyncpg.Connection, erasure: Erasure) -> Mapping[str, int]:
    done = await conn.execute(*Q.erase_messages(worker_id=erasure.worker_id, now=erasure.now))
    return {"outbox": changed(done)}


SECTION = Section("outbox", frozenset({"outbox"}), export, erase)
