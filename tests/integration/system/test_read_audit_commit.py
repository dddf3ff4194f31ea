"""Reads' audit rows commit without waiting for the disk; writes' commits stay durable
(migration 0018). A deferred trigger on audit_log notes, at commit, the synchronous_commit in
force for the transaction that wrote each audit row."""
import httpx
import pytest

from service import db
from service.app import create_app

WATCH_COMMITS = """
CREATE TABLE test_audit_commits (action text NOT NULL, synchronous_commit text NOT NULL);
CREATE FUNCTION test_note_audit_commit() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO test_audit_commits VALUES (NEW.action, current_setting('synchronous_commit'));
    RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER test_note_audit_commit AFTER INSERT ON audit_log
DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION test_note_audit_commit();
"""
STOP_WATCHING = """
DROP TRIGGER IF EXISTS test_note_audit_commit ON audit_log;
DROP FUNCTION IF EXISTS test_note_audit_commit();
DROP TABLE IF EXISTS test_audit_commits;
"""


@pytest.fixture(autouse=True)
async def durable_by_default(pool):
    """These tests tell a lazy commit from the server's own setting; a server run with
    synchronous_commit off (as .ci/run starts its PostgreSQL 15, to be quick) has nothing to
    tell apart."""
    async with pool.acquire() as conn:
        if await conn.fetchval("SHOW synchronous_commit") != "on":
            pytest.skip("the server runs with synchronous_commit off")


@pytest.fixture
async def commits(pool):
    """What each audit row's transaction committed with, as [(action, synchronous_commit)]."""
    async with pool.acquire() as conn:
        await conn.execute(WATCH_COMMITS)

    async def seen() -> list[tuple[str, str]]:
        async with pool.acquire() as conn:
            rows = await conn.fetch("SELECT action, synchronous_commit FROM test_audit_commits")
        return sorted((r["action"], r["synchronous_commit"]) for r in rows)

    try:
        yield seen
    finally:
        async with pool.acquire() as conn:
            await conn.execute(STOP_WATCHING)


async def test_reads_commit_their_audit_rows_lazily_and_writes_durably(api, client, commits):
    worker = await api.worker()
    admin = await api.admin()
    assert (await client.get(f"/v1/workers/{worker['id']}", headers=admin)).status_code == 200
    account = await client.get(f"/v1/workers/{worker['id']}/account", headers=admin)
    assert account.status_code == 200
    changed = await client.patch(f"/v1/workers/{worker['id']}", json={"weekly_hours": 20},
                                 headers=admin)
    assert changed.status_code == 200, changed.text
    seen = await commits()
    assert ("worker.read", "off") in seen
    assert ("account.read", "off") in seen
    writes = [setting for action, setting in seen if not action.endswith(".read")]
    assert writes and set(writes) == {"on"}


async def test_the_lazy_commit_ends_with_its_statement(pool):
    async with pool.acquire() as conn:
        assert await conn.fetchval(
            "SELECT audit_commit_lazily(true) AND current_setting('synchronous_commit') = 'off'")
        assert await conn.fetchval("SHOW synchronous_commit") == "on"
        async with conn.transaction():
            assert await conn.fetchval("SELECT audit_commit_lazily(false)")
            assert await conn.fetchval("SHOW synchronous_commit") == "on"


async def test_durable_read_audit_makes_reads_wait_for_the_disk(api, settings, database_url,
                                                                commits):
    worker = await api.worker()
    durable_pool = await db.create_pool(database_url, min_size=1, max_size=2,
                                        durable_read_audit=True)
    try:
        durable = create_app(settings.model_copy(update={"durable_read_audit": True}),
                             pool=durable_pool)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=durable),
                                     base_url="http://ladder-durable.test") as second:
            answer = await second.get(f"/v1/workers/{worker['id']}/account",
                                      headers=await api.admin())
            assert answer.status_code == 200, answer.text
    finally:
        await durable_pool.close()
    assert ("account.read", "on") in await commits()
