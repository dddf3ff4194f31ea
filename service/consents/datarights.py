"""Consents' part of data rights: what the worker agreed to share, in the export. On erasure
every consent still in force is withdrawn (nothing about the worker leaves Ladder afterwards)
and the worker's own name as who gave or withdrew one goes; purposes and dates stay."""

from collections.abc import Mapping
from typing import Any
from uuid import UUID

import asyncpg

from service.datarights.logic import ERASED, Erasure, Section, Viewer, changed, rows
from service.sql import load_queries

Q = load_queries(__file__)


async def export(conn: asyncpg.Connection, worker_id: UUID, viewer: Viewer) -> Mapping[str, Any]:
    return {"consents": rows(await conn.fetch(*Q.consent_rows(worker_id=worker_id)))}


async def erase(conn: asyncpg.Connection, erasure: Erasure) -> Mapping[str, int]:
    return {"consents": changed(await conn.execute(*Q.erase_consents(
        worker_id=erasure.worker_id, erased=ERASED, now=erasure.now)))}


SECTION = Section("consents", frozenset({"consents"}), export, erase)
