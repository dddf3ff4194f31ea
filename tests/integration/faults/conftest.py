import asyncio
import tempfile
from pathlib import Path

import asyncpg
import pytest

from service.auth.service import issue_token
from service.migrations import migrate
from service.pgserver import EmbeddedServer


@pytest.fixture(scope="module")
def private_server():
    """A PostgreSQL of this module's own, which its tests may stop and start. It allows
    prepared transactions: a lock that must outlive the sessions a fast shutdown ends (see
    `hold_through_shutdown`)."""
    server = EmbeddedServer(Path(tempfile.mkdtemp(prefix="ladder-private-pg-")))
    asyncio.run(_allow_prepared_transactions(server.url("postgres")))
    server.stop()
    server.start()
    yield server
    server.close()


async def _allow_prepared_transactions(url: str) -> None:
    conn = await asyncpg.connect(url)
    try:
        await conn.execute("ALTER SYSTEM SET max_prepared_transactions = 4")
    finally:
        await conn.close()


async def hold_through_shutdown(holder: asyncpg.Connection, name: str) -> None:
    """Hands the locks of `holder`'s open transaction to a prepared transaction `name`. A fast
    shutdown signals every backend at once: had the holder's session kept them, it could end
    first and free them, and a request waiting on them could commit before its own signal came.
    Held by a prepared transaction, they stay until `release_held(url, name)`; the holder's
    session is closed here, so nothing but the shutdown can end the wait."""
    await holder.execute(f"PREPARE TRANSACTION '{name}'")
    await holder.close()


async def release_held(url: str, name: str) -> None:
    conn = await asyncpg.connect(url)
    try:
        await conn.execute(f"ROLLBACK PREPARED '{name}'")
    finally:
        await conn.close()


async def migrated_database(server: EmbeddedServer, name: str, migrations: Path
                            ) -> tuple[str, str]:
    """A migrated database on `server`, and an admin token for it."""
    url = await asyncio.to_thread(server.url, name)
    conn = await asyncpg.connect(url)
    try:
        await migrate(conn, migrations)
        created = await issue_token(conn, "admin", "fault tests", None, None, 1)
    finally:
        await conn.close()
    return url, created.token
