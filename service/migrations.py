"""Forward-only SQL migrations: `migrations/NNNN_name.sql`, each applied once in its own
transaction, tracked with a checksum, under an advisory lock so that instances starting together
apply each file exactly once."""

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import asyncpg

MIGRATION_LOCK_KEY = 0x4C41444452  # "LADDR"
_FILE_NAME = re.compile(r"^(?P<version>\d{4})_(?P<name>[a-z0-9_]+)\.sql$")

CREATE_TRACKING_TABLE = """
CREATE TABLE IF NOT EXISTS schema_migrations (
    version integer PRIMARY KEY,
    name text NOT NULL,
    checksum text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
)"""


class MigrationError(Exception):
    pass


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str
    checksum: str


def read_migrations(directory: Path) -> list[Migration]:
    migrations = []
    for path in sorted(directory.glob("*.sql")):
        match = _FILE_NAME.match(path.name)
        if not match:
            raise MigrationError(f"{path.name}: migration files are named NNNN_name.sql")
        sql = path.read_text(encoding="utf-8")
        migrations.append(Migration(int(match["version"]), match["name"], sql,
                                    hashlib.sha256(sql.encode()).hexdigest()))
    versions = [m.version for m in migrations]
    if len(set(versions)) != len(versions):
        raise MigrationError(f"{directory}: two migration files share a version number")
    return migrations


async def _applied(conn: asyncpg.Connection) -> dict[int, str]:
    exists = await conn.fetchval("SELECT to_regclass('schema_migrations') IS NOT NULL")
    if not exists:
        return {}
    rows = await conn.fetch("SELECT version, checksum FROM schema_migrations")
    return {row["version"]: row["checksum"] for row in rows}


def _check_unchanged(migrations: list[Migration], applied: dict[int, str]) -> None:
    for m in migrations:
        if m.version in applied and applied[m.version] != m.checksum:
            raise MigrationError(
                f"migration {m.version:04d}_{m.name}.sql was edited after it was applied "
                "(checksum differs). Migrations are forward-only: restore the file and put the "
                "change in a new migration."
            )


async def pending_migrations(conn: asyncpg.Connection, directory: Path) -> list[Migration]:
    """The migrations not yet applied; raises if an applied one was edited."""
    migrations = read_migrations(directory)
    applied = await _applied(conn)
    _check_unchanged(migrations, applied)
    return [m for m in migrations if m.version not in applied]


async def migrate(conn: asyncpg.Connection, directory: Path,
                  progress: Callable[[str], None] = lambda _: None) -> list[Migration]:
    """Apply every pending migration; returns those applied by this call."""
    await conn.execute("SELECT pg_advisory_lock($1)", MIGRATION_LOCK_KEY)
    try:
        await conn.execute(CREATE_TRACKING_TABLE)
        todo = await pending_migrations(conn, directory)
        for m in todo:
            progress(f"applying {m.version:04d}_{m.name}.sql")
            async with conn.transaction():
                await conn.execute(m.sql)
                await conn.execute(
                    "INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)",
                    m.version, m.name, m.checksum,
                )
        return todo
    finally:
        await conn.execute("SELECT pg_advisory_unlock($1)", MIGRATION_LOCK_KEY)
