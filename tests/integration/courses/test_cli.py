"""`ladder catalogue import`, `ladder catalogue infer-skills` and `ladder worker --once`, run as
an operator would, on a fresh database."""

import asyncio
import os
import secrets
import subprocess
import sys

import asyncpg
import pytest

from service import db
from tests.conftest import ROOT, with_database
from tests.integration.courses.conftest import FIXTURES


@pytest.fixture
def fresh_url(database_url: str) -> str:
    name = f"ladder_courses_cli_{secrets.token_hex(4)}"
    db.ensure_database(database_url, name)
    return with_database(database_url, name)


def ladder(*args: str, url: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "service.cli", *args], cwd=ROOT, text=True,
                          capture_output=True, timeout=300,
                          env=os.environ | {"LADDER_DATABASE_URL": url})


def sql(url: str, statement: str) -> object:
    async def run() -> object:
        conn = await asyncpg.connect(url)
        try:
            return await conn.fetchval(statement)
        finally:
            await conn.close()

    return asyncio.run(run())


def test_import_infer_and_worker_once(fresh_url: str):
    assert ladder("migrate", url=fresh_url).returncode == 0
    poppleton = FIXTURES / "poppleton_pg_generic_xcri_cap_1.2_example.xml"
    missing = ladder("catalogue", "import", "--ukprn", "10099999", str(poppleton), url=fresh_url)
    assert missing.returncode == 2 and "no provider with UKPRN 10099999" in missing.stderr
    sql(fresh_url, "INSERT INTO providers (ukprn, name) VALUES ('10099999', 'Poppleton')")
    done = ladder("catalogue", "import", "--ukprn", "10099999", str(poppleton), url=fresh_url)
    assert done.returncode == 0, done.stderr
    assert "applied; 1 created" in done.stderr
    again = ladder("catalogue", "import", "--ukprn", "10099999", str(poppleton), url=fresh_url)
    assert "0 created, 0 updated, 1 unchanged" in again.stderr
    inferred = ladder("catalogue", "infer-skills", url=fresh_url)
    assert inferred.returncode == 0 and "skills inferred: 0" in inferred.stderr  # no ESCO here
    worker = ladder("worker", "--once", url=fresh_url)
    assert worker.returncode == 0, worker.stderr
    assert "pulling due feeds once" in worker.stderr
