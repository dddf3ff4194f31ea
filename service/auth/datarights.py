"""Auth's part of data rights: the worker's tokens (never their hashes) in the export; on
erasure every token of theirs is revoked and its name, which may be theirs, cleared. The caller
then drops them from the app's token cache (`TokenCache.forget_worker`) once committed."""

from collections.abc import Mapping
from typing import Any
from uuid import UUID

import asyncpg

from service.datarights.logic import ERASED, Erasure, Section, Viewer, changed, rows
from service.sql import load_queries

Q = load_queries(__file__)


async def export(conn: asyncpg.Connection, worker_id: UUID, viewer: Viewer) -> Mapping[str, Any]:
    return {"api_tokens": rows(await conn.fetch(*Q.token_rows(worker_id=worker_id)))}


async def erase(conn: asyncpg.Connection, erasure: Erasure) -> Mapping[str, int]:
    done = await conn.execute(*Q.revoke_worker_tokens(worker_id=erasure.worker_id,
                                                      now=erasure.now, erased=ERASED))
    return {"api_tokens": changed(done)}


SECTION = Section("auth", frozenset({"api_tokens"}), export, erase)
