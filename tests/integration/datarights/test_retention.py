import uuid
from datetime import UTC, datetime

from service.datarights import service
from tests.conftest import run_ladder
from tests.integration.reviews.helpers import Reviews

BACKDATE = """
WITH w AS (UPDATE workers SET created_at = now() - make_interval(years => $2),
                              updated_at = now() - make_interval(years => $2)
           WHERE id = $1 RETURNING id)
UPDATE audit_log SET at = now() - make_interval(years => $2) WHERE worker_id = $1
"""


async def aged(api, pool, years: int, **fields):
    worker = await api.worker(**fields)
    async with pool.acquire() as conn:
        await conn.execute(BACKDATE, uuid.UUID(worker["id"]), years)
    return worker


async def names(pool) -> dict[str, str]:
    async with pool.acquire() as conn:
        return {str(r["id"]): r["name"] for r in await conn.fetch("SELECT id, name FROM workers")}


async def test_retention_erases_the_inactive_and_deletes_old_audit_rows(api, pool):
    rv = await Reviews(api).setup()
    gone = await aged(api, pool, 8, name="Long Gone")
    recent = await aged(api, pool, 8, name="Old But Seen")
    await api.client.get(f"/v1/workers/{recent['id']}/account", headers=rv.rep_auth)
    system_only = await aged(api, pool, 8, name="Only Accrued")
    async with pool.acquire() as conn:  # the system's own work is not activity
        await conn.execute("INSERT INTO audit_log (actor_role, actor_name, action, worker_id) "
                           "VALUES ('system', 'ladder', 'account.accrual', $1)",
                           uuid.UUID(system_only["id"]))
        old_rows = await conn.fetchval("SELECT count(*) FROM audit_log "
                                       "WHERE at < now() - interval '7 years'")
    fresh = await api.worker(name="New Starter")

    async with pool.acquire() as conn:
        report = await service.retention(conn, 6, 7, batch=1)
    assert report.workers_erased == 2 and report.audit_rows_deleted == old_rows
    assert report.lines()[0].startswith("pseudonymised 2 workers inactive since before ")
    now = await names(pool)
    assert now[gone["id"]] == now[system_only["id"]] == "Erased worker"
    assert now[recent["id"]] == "Old But Seen" and now[fresh["id"]] == "New Starter"
    async with pool.acquire() as conn:
        assert await conn.fetchval("SELECT count(*) FROM audit_log "
                                   "WHERE at < now() - interval '7 years'") == 0
        erased_by = await conn.fetch("SELECT actor_role, actor_name FROM audit_log "
                                     "WHERE action = 'worker.erase'")
    assert [tuple(r) for r in erased_by] == [("system", "retention")] * 2

    async with pool.acquire() as conn:  # a second run finds nothing more to do
        again = await service.retention(conn, 6, 7, now=datetime.now(UTC))
    assert (again.workers_erased, again.audit_rows_deleted) == (0, 0)


async def test_ladder_retention_prints_what_it_did(api, pool, database_url):
    await aged(api, pool, 10, name="Long Gone")
    await api.worker(name="Still Here")
    done = run_ladder("retention", url=database_url)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("pseudonymised 1 workers inactive since before ")
    assert lines[1].startswith("deleted ") and "audit rows from before" in lines[1]
    assert "retention: workers inactive for 6 years" in done.stderr
    assert sorted((await names(pool)).values()) == ["Erased worker", "Still Here"]
