import uuid

import pytest

from service.people.service import refresh_priorities

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
