"""Two instances loading the reference data at once both succeed, and the rows are written once:
one load writes them, the other (after the advisory lock) finds nothing to change."""

import asyncio

import asyncpg

from service.migrations import migrate
from service.reference.service import load_catalogue


def test_two_concurrent_loads_take_turns(fresh_url, settings):
    async def load() -> int:
        conn = await asyncpg.connect(fresh_url)
        try:
            report = await load_catalogue(conn, settings.catalogue_dir)
            return sum(report.changed.values())
        finally:
            await conn.close()

    async def both() -> list[int]:
        conn = await asyncpg.connect(fresh_url)
        try:
            await migrate(conn, settings.migrations_dir)
        finally:
            await conn.close()
        return sorted(await asyncio.gather(load(), load()))

    changed = asyncio.run(both())
    assert changed[0] == 0 and changed[1] > 270_000
