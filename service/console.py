"""What commands share: progress output and running work on one database connection.

Any module may import this one (domains' `commands.py`, the demo, load hooks); it imports no
domain, so printing progress never pulls a domain, or `service.cli`, into an import cycle."""

import asyncio
import sys
from collections.abc import Awaitable, Callable
from typing import Any

import asyncpg

from service import db
from service.migrations import migrate
from service.settings import Settings

Progress = Callable[[str], None]


def say(message: str) -> None:
    """Progress and notices go to stderr, so that stdout holds only a command's answer (a token,
    a report) for scripts to read."""
    print(message, file=sys.stderr, flush=True)


def run_with_connection(settings: Settings,
                        work: Callable[[asyncpg.Connection], Awaitable[Any]]) -> Any:
    """Run `work` on one fresh connection (to the embedded PostgreSQL when no URL is set) and
    return its answer."""
    url = db.database_url(settings, say)

    async def main() -> Any:
        conn = await asyncpg.connect(url)
        await db.init_connection(conn)
        try:
            return await work(conn)
        finally:
            await conn.close()

    return asyncio.run(main())


async def apply_migrations(conn: asyncpg.Connection, settings: Settings) -> None:
    applied = await migrate(conn, settings.migrations_dir, progress=say)
    say(f"migrations: {len(applied)} applied, database is current")
