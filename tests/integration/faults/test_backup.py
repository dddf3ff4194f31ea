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
WITH w AS (SELECT id FROM workers AS x  -- one with no upcoming review (one each at most)
           WHERE NOT EXISTS (SELECT 1 FROM reviews AS v
                             WHERE v.worker_id = x.id AND v.status = 'booked')
           ORDER BY created_at, id LIMIT 1),
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
W1 = "(SELECT id FROM workers ORDER BY created_at LIMIT 1)"
FILL_LATER = """
INSERT INTO challenges (worker_id, decision, reason, raised_by, raised_by_role)
SELECT {W1}, 'priority', 'soak', 'test', 'admin' WHERE NOT EXISTS (SELECT 1 FROM challenges);
INSERT INTO consents (worker_id, purpose, given_by, provider_id)
SELECT {W1}, 'share_with_provider', 'test', c.provider_id FROM courses AS c
WHERE NOT EXISTS (SELECT 1 FROM consents) LIMIT 1;
INSERT INTO enrolments (worker_id, provider_id, course_id, presentation_id, consent_id,
                        priority_score, requested_by, status)
SELECT k.worker_id, c.provider_id, c.id, p.id, k.id, 0, 'test', 'waiting'
FROM consents AS k JOIN courses AS c ON c.provider_id = k.provider_id
JOIN presentations AS p ON p.course_id = c.id
WHERE NOT EXISTS (SELECT 1 FROM enrolments) LIMIT 1;
INSERT INTO equality_answers (worker_id, sex, ethnicity, disability, consented_at)
SELECT {W1}, 'prefer_not_to_say', 'white', 'prefer_not_to_say', now()
WHERE NOT EXISTS (SELECT 1 FROM equality_answers);
INSERT INTO erasure_requests (worker_id) SELECT {W1}
WHERE NOT EXISTS (SELECT 1 FROM erasure_requests);
INSERT INTO pathway_choices (worker_id, target_id, similarity, actor_role, actor_name)
SELECT {W1}, min(id::text)::uuid, 0.5, 'admin', 'test' FROM occupations
HAVING NOT EXISTS (SELECT 1 FROM pathway_choices);
INSERT INTO programmes (name, employer, announced_on, last_day, occupation_ids,
                        occupation_refs, reason, created_by)
SELECT 'Backup test', 'Leeds City Council', '2026-01-01', '2026-12-31', '{}', '{}', '',
       'test' WHERE NOT EXISTS (SELECT 1 FROM programmes);
INSERT INTO programme_members (programme_id, worker_id, source, added_by, added_reason,
                               was_facing_redundancy)
SELECT (SELECT id FROM programmes LIMIT 1), {W1}, 'added', 'test', '', false
WHERE NOT EXISTS (SELECT 1 FROM programme_members);
INSERT INTO destinations (programme_id, worker_id, type, pay_compared, recorded_by,
                          recorded_on)
SELECT (SELECT id FROM programmes LIMIT 1), {W1}, 'study', 'unknown', 'test', '2026-06-01'
WHERE NOT EXISTS (SELECT 1 FROM destinations);
INSERT INTO web_rate_limits (key, window_start) SELECT 'test', now()
WHERE NOT EXISTS (SELECT 1 FROM web_rate_limits);
INSERT INTO web_sessions (token_hash, role, subject_id, name, expires_at)
SELECT '\\x02', 'worker', {W1}, 'test', now() + interval '1 hour'
WHERE NOT EXISTS (SELECT 1 FROM web_sessions);
INSERT INTO web_sign_in_links (token_hash, role, subject_id, name, expires_at)
SELECT '\\x03', 'worker', {W1}, 'test', now() + interval '1 hour'
WHERE NOT EXISTS (SELECT 1 FROM web_sign_in_links);
""".replace("{W1}", W1)  # the first worker
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
            await conn.execute(FILL_HOLD)
            await conn.execute(FILL_LATER)
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
