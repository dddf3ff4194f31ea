"""`ladder backup` and `ladder restore` round-trip a database with every table filled: the
restored copy holds the same rows in every table."""

import asyncio

import asyncpg

from service.demo import load_demo
from tests.conftest import run_ladder

# Rows for the tables the demo leaves empty, so that every table is in the round trip. (The
# reference load fills skill_tags and occupation_transitions: rows written here into those
# tables, which tests keep, would outlive the test and change what later tests read.)
FILL = """
INSERT INTO feeds (provider_id, url)
SELECT id, 'https://example.org/feed.xml' FROM providers ORDER BY created_at LIMIT 1;
INSERT INTO idempotency_keys (actor, key, request_hash, scope)
VALUES ('admin', 'k-1', '\\x00ff', 'contributions');
INSERT INTO outbox (kind, recipient, subject, body)
VALUES ('test', 'pat@example.org', 'Hello', 'Text');
INSERT INTO priority_refreshes (refreshed_on, policy_version, changed)
VALUES ('2026-01-01', 1, 0);
INSERT INTO review_calendar_tokens (rep_id, token_hash)
SELECT id, '\\x01' FROM reps ORDER BY created_at LIMIT 1;
INSERT INTO worker_skills (worker_id, skill_id, level, source, set_by_role, set_by_name)
SELECT (SELECT id FROM workers ORDER BY created_at LIMIT 1), min(id::text)::uuid, 2, 'self',
       'admin', 'test' FROM skills;
INSERT INTO worker_skill_history (worker_id, skill_id, change, actor_role, actor_name)
SELECT (SELECT id FROM workers ORDER BY created_at LIMIT 1), min(id::text)::uuid, 'set',
       'admin', 'test' FROM skills;
"""
FILL_REVIEWS = """
WITH w AS (SELECT id FROM workers ORDER BY created_at LIMIT 1),
     r AS (SELECT id, branch FROM reps ORDER BY created_at LIMIT 1),
     slot AS (INSERT INTO review_slots (rep_id, branch, starts_at, ends_at, mode)
              SELECT id, branch, now() + interval '2 days', now() + interval '2 days 1 hour',
                     'video' FROM r RETURNING id, rep_id, branch, starts_at),
     booked AS (INSERT INTO reviews (slot_id, worker_id, rep_id, branch, starts_at, booked_by)
                SELECT slot.id, w.id, slot.rep_id, slot.branch, slot.starts_at, 'test'
                FROM slot, w RETURNING 1)
INSERT INTO review_waitlist (worker_id, branch, priority_score, status)
SELECT w.id, r.branch, 3, 'withdrawn' FROM w, r
"""
FILL_PROGRAMME = """
WITH w AS (SELECT id, employer FROM workers ORDER BY created_at LIMIT 1),
     p AS (INSERT INTO programmes (name, employer, occupation_refs, occupation_ids,
                                   announced_on, last_day, reason, created_by)
           SELECT 'Backup programme', w.employer, '{}', '{}', DATE '2026-01-15',
                  DATE '2026-06-30', 'test', 'system: test' FROM w RETURNING id),
     m AS (INSERT INTO programme_members (programme_id, worker_id, source, added_by,
                                          added_reason, was_facing_redundancy)
           SELECT p.id, w.id, 'added', 'system: test', 'test', false FROM p, w)
INSERT INTO destinations (worker_id, programme_id, recorded_on, type, pay_compared, recorded_by)
SELECT w.id, p.id, DATE '2026-09-01', 'study', 'unknown', 'system: test' FROM p, w
"""

FILL_HOLD = """
INSERT INTO holds (worker_id, amount_pence, reference)
SELECT worker_id, 100, 'backup test' FROM accounts WHERE balance_pence >= 100 LIMIT 1
"""
TABLES = "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"


async def contents(url: str) -> dict[str, tuple[int, str]]:
    """Every table's row count and a digest of its rows."""
    conn = await asyncpg.connect(url)
    try:
        return {t: tuple(await conn.fetchrow(
            f'SELECT count(*), md5(coalesce(string_agg(md5(t::text), \'\' '  # noqa: S608
            f'ORDER BY md5(t::text)), \'\')) FROM "{t}" AS t'))
            for (t,) in await conn.fetch(TABLES)}
    finally:
        await conn.close()


async def test_backup_and_restore_round_trip_every_table(
        pool, settings, database_url, fresh_url, reference_data, tmp_path):
    async with pool.acquire() as conn:
        await load_demo(conn, settings, progress=lambda _: None)
        async with conn.transaction():
            await conn.execute(FILL)
            await conn.execute(FILL_REVIEWS)
            await conn.execute(FILL_PROGRAMME)
            await conn.execute(FILL_HOLD)
    before = await contents(database_url)
    empty = sorted(t for t, (rows, _) in before.items() if rows == 0)
    assert empty == [], f"fill these tables in this test too: {empty}"

    backup = tmp_path / "ladder.dump"
    made = await asyncio.to_thread(run_ladder, "backup", str(backup), url=database_url)
    assert made.returncode == 0, made.stderr
    assert "backup: " in made.stderr and backup.stat().st_size > 0
    restored = await asyncio.to_thread(run_ladder, "restore", str(backup), url=fresh_url)
    assert restored.returncode == 0, restored.stderr
    assert await contents(fresh_url) == before

    refused = await asyncio.to_thread(run_ladder, "restore", str(backup), url=fresh_url)
    assert refused.returncode == 2 and "not empty" in refused.stderr
    conn = await asyncpg.connect(fresh_url)
    try:
        await conn.execute("DELETE FROM outbox")
    finally:
        await conn.close()
    replaced = await asyncio.to_thread(run_ladder, "restore", "--replace", str(backup),
                                       url=fresh_url)
    assert replaced.returncode == 0, replaced.stderr
    assert await contents(fresh_url) == before


async def test_restore_refuses_what_is_not_a_backup(fresh_url, tmp_path):
    junk = tmp_path / "junk.dump"
    junk.write_text("not a dump")
    refused = await asyncio.to_thread(run_ladder, "restore", "--replace", str(junk),
                                      url=fresh_url)
    assert refused.returncode == 1 and "pg_restore failed" in refused.stderr
    missing = await asyncio.to_thread(run_ladder, "restore", str(tmp_path / "nothing"),
                                      url=fresh_url)
    assert missing.returncode == 2 and "no backup file" in missing.stderr
