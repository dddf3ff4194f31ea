import asyncio
import os
import sys
from datetime import date

import pytest

from service.accounts import service
from service.actor import SYSTEM
from service.errors import Conflict, Invalid
from tests.conftest import ROOT
from tests.integration.accounts.helpers import contribute

pytestmark = pytest.mark.asyncio
PERIOD = str(date.today().year)

CACHE_EQUALS_LEDGER = """
SELECT count(*) FROM accounts AS a
LEFT JOIN LATERAL (
    SELECT coalesce(sum(ledger_balance_delta(kind, amount_pence)), 0) AS balance,
           coalesce(sum(ledger_held_delta(kind, amount_pence)), 0) AS held,
           coalesce(sum(ledger_credited_delta(kind, amount_pence)), 0) AS credited
    FROM ledger_entries AS e WHERE e.worker_id = a.worker_id) AS l ON true
WHERE (a.balance_pence, a.held_pence, a.credited_pence) <> (l.balance, l.held, l.credited)
"""


async def accrue(api, period=PERIOD, headers=None):
    return await api.client.post("/v1/accruals", json={"period": period},
                                 headers=headers or await api.admin())


async def balance(api, worker) -> int:
    response = await api.client.get(f"/v1/workers/{worker['id']}/account",
                                    headers=await api.admin())
    return response.json()["balance_pence"]


async def test_accrual_credits_each_worker_once_up_to_their_ceiling(api, client, pool):
    standard = await api.worker(highest_qualification="4")
    enhanced = await api.worker(contract_type="agency", highest_qualification="4")
    near = await api.worker(highest_qualification="4")
    await contribute(api, near, 480_000)
    full = await api.worker(highest_qualification="4")
    await contribute(api, full, 500_000)

    first = await accrue(api)
    assert first.status_code == 200, first.text
    assert first.json() == {
        "period": PERIOD, "policy_version": 1, "workers_credited_now": 3,
        "credited_now_pence": 50_000 + 80_000 + 20_000, "workers_total": 4,
        "workers_at_ceiling_total": 1, "credited_total_pence": 150_000}
    assert [await balance(api, w) for w in (standard, enhanced, near, full)] == [
        50_000, 80_000, 500_000, 500_000]

    entries = (await client.get(f"/v1/workers/{enhanced['id']}/account/entries",
                                headers=await api.admin())).json()["items"]
    assert [(e["kind"], e["rule"], e["policy_version"], e["period"]) for e in entries] == [
        ("annual_credit", "enhanced_annual_credit", 1, PERIOD)]

    again = await accrue(api)
    assert again.json()["workers_credited_now"] == 0
    assert again.json()["credited_total_pence"] == 150_000
    late = await api.worker()
    third = (await accrue(api)).json()
    assert (third["workers_credited_now"], third["workers_total"]) == (1, 5)
    assert await balance(api, late) == 50_000
    async with pool.acquire() as conn:
        assert await conn.fetchval(CACHE_EQUALS_LEDGER) == 0
        audited = await conn.fetchval(
            "SELECT count(*) FROM audit_log WHERE action = 'account.accrual'")
    assert audited == 4


async def test_next_accrual_on_the_account(api, client):
    worker = await api.worker(highest_qualification="4")
    path = f"/v1/workers/{worker['id']}/account"
    before = (await client.get(path, headers=await api.admin())).json()["next_accrual"]
    assert before == {"period": PERIOD, "estimated_pence": 50_000}
    await accrue(api)
    after = (await client.get(path, headers=await api.admin())).json()["next_accrual"]
    assert after == {"period": str(int(PERIOD) + 1), "estimated_pence": 50_000}


async def test_simultaneous_runs_credit_once(api, pool):
    workers = [await api.worker() for _ in range(6)]
    responses = await asyncio.gather(*[accrue(api) for _ in range(4)])
    assert {r.status_code for r in responses} <= {200, 409}
    assert sum(r.json()["workers_credited_now"] for r in responses
               if r.status_code == 200) == len(workers)
    for response in responses:
        if response.status_code == 409:
            assert response.json()["errors"][0]["field"] == "period"
    async with pool.acquire() as conn:
        assert await conn.fetchval("SELECT count(*) FROM ledger_entries") == len(workers)


async def test_a_crashed_run_is_finished_by_the_next(api, pool):
    for _ in range(7):
        await api.worker()

    def crash_after_first_batch(message: str) -> None:
        raise RuntimeError("the machine fell over")

    async with pool.acquire() as conn:
        with pytest.raises(RuntimeError):
            await service.accrue(conn, SYSTEM, PERIOD, batch_size=3,
                                 progress=crash_after_first_batch)
        assert await conn.fetchval("SELECT count(*) FROM ledger_entries") == 3
        result = await service.accrue(conn, SYSTEM, PERIOD, batch_size=3)
        assert (result.workers_credited_now, result.workers_total) == (4, 7)
        assert await conn.fetchval(
            "SELECT count(DISTINCT worker_id) FROM ledger_entries") == 7
        assert await conn.fetchval(CACHE_EQUALS_LEDGER) == 0


async def test_a_running_period_refuses_a_second_run(pool):
    async with pool.acquire() as holder, pool.acquire() as conn:
        await holder.execute("SELECT pg_advisory_lock($1, hashtext($2))",
                             service.store.ACCRUAL_LOCK, PERIOD)
        try:
            with pytest.raises(Conflict):
                await service.accrue(conn, SYSTEM, PERIOD)
        finally:
            await holder.execute("SELECT pg_advisory_unlock($1, hashtext($2))",
                                 service.store.ACCRUAL_LOCK, PERIOD)


@pytest.mark.parametrize("period", ["2999", "1999", "26", "20260", "abcd", 2026, None])
async def test_bad_periods(api, period, pool):
    await api.worker()
    response = await accrue(api, period)
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["field"] == "period"
    async with pool.acquire() as conn:
        assert await conn.fetchval("SELECT count(*) FROM ledger_entries") == 0
        with pytest.raises(Invalid):
            await service.accrue(conn, SYSTEM, "x2026")


async def test_only_admins_accrue(api, client):
    worker = await api.worker()
    rep = await api.rep(branch=worker["branch"])
    for headers in (await api.worker_token(worker), await api.rep_token(rep),
                    await api.college_token(await api.provider())):
        assert (await accrue(api, headers=headers)).status_code == 403
    assert (await client.post("/v1/accruals", json={"period": PERIOD})).status_code == 401


async def test_past_period_uses_the_policy_of_its_year(api):
    await api.worker(highest_qualification="4")
    response = await accrue(api, str(int(PERIOD) - 1))
    assert response.status_code == 200
    assert response.json()["policy_version"] == 1


async def run_cli(database_url: str, *args: str) -> tuple[int, str]:
    env = os.environ | {"LADDER_DATABASE_URL": database_url}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "service.cli", *args, cwd=ROOT, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    _, stderr = await asyncio.wait_for(process.communicate(), timeout=60)
    return process.returncode, stderr.decode()


async def test_cli_accrue_prints_progress(api, database_url):
    worker = await api.worker()
    code, stderr = await run_cli(database_url, "accrue", "--period", PERIOD, "--batch-size", "1")
    assert code == 0, stderr
    assert f"accrual {PERIOD}: 1 workers done" in stderr
    assert await balance(api, worker) == 50_000
    code, stderr = await run_cli(database_url, "accrue", "--period", "3000")
    assert code == 2 and "period" in stderr
