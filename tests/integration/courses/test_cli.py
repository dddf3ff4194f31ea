"""`ladder catalogue import`, `ladder catalogue infer-skills` and `ladder worker --once`, run as
an operator would, on a fresh database."""

import asyncio

import asyncpg

from tests.conftest import run_ladder
from tests.integration.courses.conftest import FIXTURES


def sql(url: str, statement: str) -> object:
    async def run() -> object:
        conn = await asyncpg.connect(url)
        try:
            return await conn.fetchval(statement)
        finally:
            await conn.close()

    return asyncio.run(run())


def test_import_infer_and_worker_once(fresh_url: str):
    assert run_ladder("migrate", url=fresh_url).returncode == 0
    poppleton = FIXTURES / "poppleton_pg_generic_xcri_cap_1.2_example.xml"
    missing = run_ladder("catalogue", "import", "--ukprn", "10099999", str(poppleton),
                         url=fresh_url)
    assert missing.returncode == 2 and "no provider with UKPRN 10099999" in missing.stderr
    sql(fresh_url, "INSERT INTO providers (ukprn, name) VALUES ('10099999', 'Poppleton')")
    done = run_ladder("catalogue", "import", "--ukprn", "10099999", str(poppleton), url=fresh_url)
    assert done.returncode == 0, done.stderr
    assert "applied; 1 created" in done.stderr
    again = run_ladder("catalogue", "import", "--ukprn", "10099999", str(poppleton), url=fresh_url)
    assert "0 created, 0 updated, 1 unchanged" in again.stderr
    inferred = run_ladder("catalogue", "infer-skills", url=fresh_url)
    assert inferred.returncode == 0 and "skills inferred: 0" in inferred.stderr  # no ESCO here
    worker = run_ladder("worker", "--once", url=fresh_url)
    assert worker.returncode == 0, worker.stderr
    assert "scheduler: one round of course feeds and skills, priority scores" in worker.stderr
    assert "priority scores refreshed for" in worker.stderr


def test_import_of_another_colleges_feed_is_a_stored_failed_sync(fresh_url: str):
    """As through the API and a pulled feed: refused, stored as failed, the exit status 1."""
    assert run_ladder("migrate", url=fresh_url).returncode == 0
    sql(fresh_url, "INSERT INTO providers (ukprn, name) VALUES ('10099998', 'Not Poppleton')")
    poppleton = FIXTURES / "poppleton_pg_generic_xcri_cap_1.2_example.xml"  # UKPRN 10099999
    refused = run_ladder("catalogue", "import", "--ukprn", "10099998", str(poppleton),
                         url=fresh_url)
    assert refused.returncode == 1, refused.stderr
    assert ": failed; 0 created" in refused.stderr
    assert refused.stderr.rstrip().endswith(
        "; provider.ukprn: the feed is for UKPRN 10099999, not 10099998")
    assert sql(fresh_url, "SELECT status || ': ' || error FROM syncs") == (
        "failed: provider.ukprn: the feed is for UKPRN 10099999, not 10099998")
    assert sql(fresh_url, "SELECT count(*) FROM courses") == 0
