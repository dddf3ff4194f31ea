"""The equality report reads other domains' data only through the views they publish
(migration 0023): people's `people_report_workers`, reviews' `reviews_outcomes`, accounts'
`accounts_movements`, equality's `equality_report_answers`, challenges' `challenges_outcomes`.
It owns no table."""

from datetime import date, datetime

import asyncpg

from service.sql import load_queries

Q = load_queries(__file__)


async def equality_sums(conn: asyncpg.Connection, from_at: datetime, to_at: datetime,
                        on_day: date, full_time_hours: float) -> list[asyncpg.Record]:
    return await conn.fetch(*Q.equality_sums(from_at=from_at, to_at=to_at, on_day=on_day,
                                             full_time_hours=full_time_hours))


async def challenge_outcomes(conn: asyncpg.Connection, from_at: datetime,
                             to_at: datetime) -> dict[str, int]:
    rows = await conn.fetch(*Q.challenge_outcomes(from_at=from_at, to_at=to_at))
    return {r["outcome"]: r["n"] for r in rows}
