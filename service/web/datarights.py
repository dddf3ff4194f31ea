"""The web pages' part of data rights: a worker's sessions and sign-in links (which name them,
by subject id rather than a worker column) in the export; on erasure every session ends and
every link is spent, and their names cleared."""

from collections.abc import Mapping
from typing import Any
from uuid import UUID

import asyncpg

from service.datarights.logic import ERASED, Erasure, Section, Viewer, changed, rows
from service.sql import load_queries

Q = load_queries(__file__)


async def export(conn: asyncpg.Connection, worker_id: UUID, viewer: Viewer) -> Mapping[str, Any]:
    return {"web_sessions_and_links": rows(await conn.fetch(*Q.session_rows(worker_id=worker_id)))}


async def erase(conn: asyncpg.Connection, erasure: Erasure) -> Mapping[str, int]:
    sessions = await conn.execute(*Q.end_sessions(worker_id=erasure.worker_id, now=erasure.now,
                                                  erased=ERASED))
    links = await conn.execute(*Q.spend_links(worker_id=erasure.worker_id, now=erasure.now,
                                              erased=ERASED))
    return {"web_sessions": changed(sessions), "web_sign_in_links": changed(links)}


# No table of web's has a worker column (a subject id stands for any role): `tables` is empty,
# and the export shows both under one part.
SECTION = Section("web", frozenset(), export, erase, frozenset({"web_sessions_and_links"}))
