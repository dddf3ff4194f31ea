"""A section made of named queries alone, for the many domains whose export is "the worker's rows
of these tables" and whose erasure is "these UPDATEs": each query takes `worker_id`, and an
erasure query may also take `now` and `erased` (the marker text)."""

from collections.abc import Mapping
from typing import Any
from uuid import UUID

import asyncpg

from service.datarights.logic import ERASED, Erasure, Section, Viewer, changed, rows
from service.sql import Query


def query_section(domain: str, *, export: Mapping[str, Query], erase: Mapping[str, Query],
                  tables: frozenset[str] | None = None,
                  parts: frozenset[str] = frozenset()) -> Section:
    """`export`: part of the export (a table's name) -> the query listing its rows;
    `erase`: table -> the query erasing in it. `tables` are the worker tables covered (the
    export's parts by default)."""

    async def export_rows(conn: asyncpg.Connection, worker_id: UUID,
                          viewer: Viewer) -> Mapping[str, Any]:
        return {part: rows(await conn.fetch(*query(worker_id=worker_id)))
                for part, query in export.items()}

    async def erase_rows(conn: asyncpg.Connection, erasure: Erasure) -> Mapping[str, int]:
        values = {"worker_id": erasure.worker_id, "now": erasure.now, "erased": ERASED}
        done = {}
        for table, query in erase.items():
            done[table] = changed(await conn.execute(
                *query(**{param: values[param] for param in query.params})))
        return done

    covered = frozenset(export) if tables is None else tables
    return Section(domain, covered, export_rows, erase_rows, parts)
