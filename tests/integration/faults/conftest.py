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
    """A PostgreSQL of this module's own, which its tests may stop and start."""
    server = EmbeddedServer(Path(tempfile.mkdtemp(prefix="ladder-private-pg-")))
    yield server
    server.close()


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
