"""Migrations against real, empty databases on the session's server, through the CLI."""

import asyncio
import shutil
from pathlib import Path

import asyncpg
import pytest

from service.migrations import MigrationError, migrate, read_migrations
from tests.conftest import ROOT, start_ladder


def applied_versions(url: str) -> list[int]:
    async def fetch() -> list[int]:
        conn = await asyncpg.connect(url)
        try:
            return [r["version"] for r in await conn.fetch(
                "SELECT version FROM schema_migrations ORDER BY version")]
        finally:
            await conn.close()

    return asyncio.run(fetch())


def test_all_migrations_apply_to_an_fresh_url(fresh_url: str):
    run = start_ladder("migrate", url=fresh_url)
    _, err = run.communicate(timeout=120)
    assert run.returncode == 0, err
    expected = [m.version for m in read_migrations(ROOT / "migrations")]
    assert applied_versions(fresh_url) == expected
    again = start_ladder("migrate", url=fresh_url)
    _, err = again.communicate(timeout=120)
    assert again.returncode == 0
    assert "0 applied" in err


def test_two_concurrent_migrate_runs_apply_each_file_once(fresh_url: str):
    runs = [start_ladder("migrate", url=fresh_url) for _ in range(2)]
    results = [run.communicate(timeout=120) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], results
    expected = [m.version for m in read_migrations(ROOT / "migrations")]
    assert applied_versions(fresh_url) == expected  # primary key: each version once
    applied_counts = sorted(int(err.split("migrations: ")[1].split()[0]) for _, err in results)
    assert applied_counts == [0, len(expected)]


def test_an_edited_applied_migration_stops_start_up(fresh_url: str, tmp_path: Path):
    migrations = tmp_path / "migrations"
    shutil.copytree(ROOT / "migrations", migrations)
    first = start_ladder("migrate", url=fresh_url, migrations=migrations)
    assert first.wait(timeout=120) == 0
    edited = sorted(migrations.glob("*.sql"))[0]
    edited.write_text(edited.read_text() + "\n-- a sneaky edit\n")
    for command in (["migrate"], ["serve", "--port", "1"]):
        run = start_ladder(*command, url=fresh_url, migrations=migrations)
        _, err = run.communicate(timeout=120)
        assert run.returncode == 2
        assert f"{edited.name} was edited after it was applied" in err


async def test_migrate_refuses_badly_named_files(tmp_path: Path, database_url: str):
    (tmp_path / "1_oops.sql").write_text("SELECT 1")
    conn = await asyncpg.connect(database_url)
    try:
        with pytest.raises(MigrationError, match="NNNN_name.sql"):
            await migrate(conn, tmp_path)
    finally:
        await conn.close()


async def test_0006_summarises_the_presentations_of_existing_courses(fresh_url: str,
                                                                    tmp_path: Path):
    for migration in sorted((ROOT / "migrations").glob("000[1-5]_*.sql")):
        shutil.copy(migration, tmp_path)
    conn = await asyncpg.connect(fresh_url)
    try:
        await migrate(conn, tmp_path)
        provider = await conn.fetchval(
            "INSERT INTO providers (ukprn, name) VALUES ('10000001', 'A college') RETURNING id")
        course = await conn.fetchval(
            "INSERT INTO courses (provider_id, ref, title, subjects, content_hash) "
            "VALUES ($1, 'C1', 'Welding', '{metalwork}', 'x') RETURNING id", provider)
        await conn.executemany(
            "INSERT INTO presentations (course_id, ref, starts_on, attendance_pattern, delivery, "
            "withdrawn_at) VALUES ($1, $2, $3::text::date, $4, $5, $6::text::timestamptz)",
            [(course, "P1", "2027-01-11", "evening", "online", None),
             (course, "P2", "2027-06-01", "weekend", None, None),
             (course, "GONE", "2028-01-01", "daytime", "classroom", "2026-01-01")])
        await migrate(conn, ROOT / "migrations")
        row = await conn.fetchrow("SELECT last_starts_on::text, attendance_patterns, deliveries, "
                                  "heading::text FROM courses")
        assert dict(row) == {"last_starts_on": "2027-06-01",
                             "attendance_patterns": ["evening", "weekend"],
                             "deliveries": ["online"], "heading": "'metalwork':2B 'weld':1A"}
    finally:
        await conn.close()
