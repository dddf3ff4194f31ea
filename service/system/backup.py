"""`ladder backup FILE` and `ladder restore FILE [--replace]`: the whole database in
pg_dump's custom format, with PostgreSQL's own client tools (`service.pgserver.client_bin_dir`:
`LADDER_PG_BIN`, the external server's version from /usr/lib/postgresql, or the embedded
wheel's). A backup is consistent (pg_dump reads one snapshot) and taken while serving; a restore
goes into an empty database, or with `--replace` over the one configured, in one transaction."""

import argparse
import asyncio
import sys
from pathlib import Path

import asyncpg

from service import db
from service.console import say
from service.pgserver import client_bin_dir, run_tool
from service.settings import Settings


async def _server_facts(url: str) -> tuple[int, bool]:
    """The server's major version, and whether the database holds any table."""
    conn = await asyncpg.connect(url)
    try:
        version = int(await conn.fetchval("SHOW server_version_num")) // 10000
        has_tables = await conn.fetchval(
            "SELECT EXISTS (SELECT 1 FROM pg_tables WHERE schemaname = 'public')")
    finally:
        await conn.close()
    return version, has_tables


async def _empty_public_schema(url: str) -> None:
    conn = await asyncpg.connect(url)
    try:
        await conn.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    finally:
        await conn.close()


def _fail(tool: str, result) -> None:
    say(f"error: {tool} failed (exit {result.returncode}): {result.stderr.strip()}")
    sys.exit(1)


def cmd_backup(args: argparse.Namespace, settings: Settings) -> None:
    url = db.database_url(settings, say)
    major, _ = asyncio.run(_server_facts(url))
    bin_dir = client_bin_dir(settings, major if settings.database_url else None)
    target: Path = args.file
    partial = target.with_name(target.name + ".partial")
    result = run_tool(bin_dir, "pg_dump", "--format=custom", "--no-owner", "--no-privileges",
                      f"--file={partial}", f"--dbname={url}")
    if result.returncode != 0:
        partial.unlink(missing_ok=True)
        _fail("pg_dump", result)
    partial.replace(target)  # a backup cut short never takes the name of a good one
    say(f"backup: {target} ({target.stat().st_size} bytes, PostgreSQL {major}, "
        f"{bin_dir / 'pg_dump'})")


def cmd_restore(args: argparse.Namespace, settings: Settings) -> None:
    url = db.database_url(settings, say)
    if not args.file.is_file():
        say(f"error: no backup file {args.file}")
        sys.exit(2)
    major, has_tables = asyncio.run(_server_facts(url))
    if has_tables and not args.replace:
        say("error: the database is not empty; restore into an empty database, or give "
            "--replace to drop everything in it first")
        sys.exit(2)
    bin_dir = client_bin_dir(settings, major if settings.database_url else None)
    listed = run_tool(bin_dir, "pg_restore", "--list", str(args.file))
    if listed.returncode != 0:  # not a backup: refuse before anything is dropped
        _fail("pg_restore", listed)
    if has_tables:
        asyncio.run(_empty_public_schema(url))
    result = run_tool(bin_dir, "pg_restore", "--no-owner", "--no-privileges",
                      "--single-transaction", "--exit-on-error", f"--dbname={url}",
                      str(args.file))
    if result.returncode != 0:
        _fail("pg_restore", result)
    say(f"restore: {args.file} restored" + (" over the previous contents" if has_tables
                                             else ""))


def register(commands: argparse._SubParsersAction) -> None:
    backup = commands.add_parser("backup", help="write the whole database to FILE "
                                 "(pg_dump custom format), while serving")
    backup.add_argument("file", type=Path)
    backup.set_defaults(run=cmd_backup)
    restore = commands.add_parser("restore", help="restore a backup FILE into the database "
                                  "(empty, or with --replace)")
    restore.add_argument("file", type=Path)
    restore.add_argument("--replace", action="store_true",
                         help="drop everything in the database first")
    restore.set_defaults(run=cmd_restore)
