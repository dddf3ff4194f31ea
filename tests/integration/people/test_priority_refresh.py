import asyncio
import uuid
from datetime import date, timedelta

import pytest

from service import scheduler
from service.people.service import refresh_priorities, refresh_priorities_if_due
from tests.conftest import worker_body
from tests.integration.locks import wait_for_lock_wait

pytestmark = pytest.mark.asyncio

PAYROLL_CLERK = "4313.1"  # High automation risk in Nesta's scores


async def test_stored_priority_scores_catch_up_with_reference_data(api, client, pool,
                                                                   reference_data):
    worker = await api.worker(occupation=PAYROLL_CLERK, birth_date="1990-01-01",
                              weekly_hours=37, contract_type="permanent",
                              highest_qualification="4")
    assert worker["priority_score"] == 3
    untouched = await api.worker(birth_date="1990-01-01", weekly_hours=37,
                                 contract_type="permanent", highest_qualification="4")
    async with pool.acquire() as conn:
        await conn.execute("UPDATE workers SET priority_score = 0")  # as if scored before a load
        assert await refresh_priorities(conn, batch=1) == 1
        assert await refresh_priorities(conn) == 0
        stored = dict(await conn.fetch("SELECT id::text, priority_score FROM workers"))
        actions = await conn.fetch("SELECT worker_id FROM audit_log WHERE action = $1",
                                   "worker.priority.refresh")
    assert stored == {worker["id"]: 3, untouched["id"]: 0}
    assert [a["worker_id"] for a in actions] == [uuid.UUID(worker["id"])]
    read = await client.get(f"/v1/workers/{worker['id']}", headers=await api.admin())
    assert read.json()["updated_at"] == worker["updated_at"]


async def test_the_stored_score_is_the_one_a_refresh_computes(api, client, pool):
    """Hours are stored to the hundredth (numeric(5, 2)). 36.996 used to be scored part-time as
    sent, stored as 37.00, and the next refresh took the part-time points away; now hours finer
    than the hundredth are refused, and what is accepted is scored as it is stored."""
    admin = await api.admin()
    young, full_qualified = "1990-01-01", "4"
    finer = await client.post("/v1/workers", headers=admin, json=worker_body(
        weekly_hours=36.996, birth_date=young, highest_qualification=full_qualified))
    assert finer.status_code == 422, finer.text
    assert [e["field"] for e in finer.json()["errors"]] == ["weekly_hours"]
    async with pool.acquire() as conn:
        assert await conn.fetchval("SELECT count(*) FROM workers") == 0

    worker = await api.worker(weekly_hours=36.99, birth_date=young,
                              highest_qualification=full_qualified)
    assert (worker["weekly_hours"], worker["priority_score"]) == (36.99, 2)  # part-time
    patched = await client.patch(f"/v1/workers/{worker['id']}", headers=admin,
                                 json={"weekly_hours": 36.996})
    assert patched.status_code == 422, patched.text
    assert [e["field"] for e in patched.json()["errors"]] == ["weekly_hours"]
    async with pool.acquire() as conn:
        assert await conn.fetchval("SELECT weekly_hours::text FROM workers") == "36.99"
        assert await refresh_priorities(conn) == 0  # the refresh agrees with the stored score
    assert await stored_score(pool, worker["id"]) == 2


async def stored_score(pool, worker_id: str) -> int:
    async with pool.acquire() as conn:
        return await conn.fetchval("SELECT priority_score FROM workers WHERE id = $1",
                                   uuid.UUID(worker_id))


async def refresh_if_due(pool, today: date | None = None) -> int | None:
    async with pool.acquire() as conn:
        return await refresh_priorities_if_due(conn, today)


async def test_the_scheduler_refreshes_once_a_day_and_when_the_policy_changes(
        api, client, pool, settings):
    """Ages move scores with the calendar and priority points with the policy; queues order by
    the stored score, so a round recomputes it once a day and once per new policy version."""
    part_timer = await api.worker(weekly_hours=20, birth_date="1990-01-01",
                                  contract_type="permanent", highest_qualification="4")
    assert part_timer["priority_score"] == 2
    async with pool.acquire() as conn:
        await conn.execute("UPDATE workers SET priority_score = 0")  # stale
    said: list[str] = []
    days = {date.today()}
    await scheduler.run_round(pool, settings, said.append)
    days.add(date.today())  # in case midnight passed
    assert await stored_score(pool, part_timer["id"]) == 2
    assert len(said) == 1
    assert said[0] in {f"priority scores refreshed for {day}: 1 changed" for day in days}
    today = max(days)

    async with pool.acquire() as conn:
        await conn.execute("UPDATE workers SET priority_score = 0")
    assert await refresh_if_due(pool, today) is None  # done today under this policy
    assert await stored_score(pool, part_timer["id"]) == 0

    policy = (await client.get("/v1/policy", headers=await api.admin())).json()
    policy["rules"]["priority"]["part_time"] = 5
    new_year = date(today.year + 1, 1, 1)  # the earliest a new version may take effect
    published = await client.post("/v1/policy", headers=await api.admin(), json={
        "effective_from": new_year.isoformat(), "note": "part-time first",
        "rules": policy["rules"]})
    assert published.status_code == 201, published.text
    assert await refresh_if_due(pool, today) is None  # published, not yet in force
    assert await stored_score(pool, part_timer["id"]) == 0
    assert await refresh_if_due(pool, new_year) == 1  # the new version's first day
    assert await stored_score(pool, part_timer["id"]) == 5
    assert await refresh_if_due(pool, new_year) is None
    async with pool.acquire() as conn:
        assert await conn.fetchval("SELECT policy_version FROM priority_refreshes "
                                   "WHERE refreshed_on = $1", new_year) == 2


async def test_a_birthday_moves_the_stored_score_on_the_day(api, pool):
    today = date.today()
    tomorrow = today + timedelta(days=1)
    if (tomorrow.month, tomorrow.day) == (2, 29):
        pytest.skip("no one born fifty years before a 29 February")
    worker = await api.worker(weekly_hours=37, birth_date=tomorrow.replace(
        year=tomorrow.year - 50).isoformat(), contract_type="permanent",
                              highest_qualification="4")
    await refresh_if_due(pool, today)
    assert await stored_score(pool, worker["id"]) == 2  # 45 to 49
    assert await refresh_if_due(pool, tomorrow) == 1
    assert await stored_score(pool, worker["id"]) == 3  # 50 and over


async def test_an_edit_during_a_refresh_keeps_its_own_score(api, pool):
    """The refresh locks each batch before reading it, so it scores the edited facts; it does
    not overwrite the edit's score with one worked out from the facts before it."""
    worker = await api.worker(weekly_hours=37, birth_date="1990-01-01",
                              contract_type="permanent", highest_qualification="4")
    worker_id = uuid.UUID(worker["id"])
    async with pool.acquire() as conn:
        await conn.execute("UPDATE workers SET priority_score = 5 WHERE id = $1", worker_id)
    async with pool.acquire() as editor:
        edit = editor.transaction()
        await edit.start()
        await editor.execute("SELECT 1 FROM workers WHERE id = $1 FOR UPDATE", worker_id)
        refresh = asyncio.create_task(refresh_if_due(pool))
        await wait_for_lock_wait(pool, editor, refresh)  # the refresh reaches the locked row
        await editor.execute("UPDATE workers SET contract_type = 'zero_hours', "
                             "priority_score = 3 WHERE id = $1", worker_id)
        await edit.commit()
    assert await refresh == 0
    assert await stored_score(pool, worker["id"]) == 3


async def test_concurrent_rounds_refresh_once(api, pool):
    await api.worker(weekly_hours=20)
    results = await asyncio.gather(*(refresh_if_due(pool) for _ in range(4)))
    assert sorted(results, key=lambda r: r is None)[1:] == [None] * 3
    async with pool.acquire() as conn:
        assert await conn.fetchval("SELECT count(*) FROM priority_refreshes") == 1
