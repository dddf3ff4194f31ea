"""Destinations: who may record them, which are refused; reps reminded of members with none at
six and eleven months."""

import asyncio
import uuid
from datetime import date

import pytest

from service.programmes.reminders import remind_reps
from tests.integration.programmes.helpers import PAYROLL_CLERK, create_programme

pytestmark = pytest.mark.usefixtures("reference_data")


def destination(**fields):
    return {"recorded_on": "2026-09-01", "type": "new_job_permanent",
            "pay_compared": "same"} | fields


async def record(api, worker_id, auth, **fields):
    return await api.client.post(f"/v1/workers/{worker_id}/destinations",
                                 json=destination(**fields), headers=auth)


async def test_the_worker_their_rep_and_admins_record_destinations(api):
    member = await api.worker(occupation=PAYROLL_CLERK)
    programme = (await create_programme(api))["programme"]
    rep = await api.rep(branch=member["branch"])
    other_rep = await api.rep(branch="York UNISON")
    for auth in (await api.worker_token(member), await api.rep_token(rep), await api.admin()):
        response = await record(api, member["id"], auth, occupation="2511.1")
        assert response.status_code == 201, response.text
        assert response.json()["programme_id"] == programme["id"]
    assert (await record(api, member["id"], await api.rep_token(other_rep))).status_code == 403
    college = await api.college_token(await api.provider())
    assert (await record(api, member["id"], college)).status_code == 403
    listed = await api.client.get(f"/v1/workers/{member['id']}/destinations",
                                  headers=await api.worker_token(member))
    assert listed.status_code == 200 and len(listed.json()["items"]) == 3
    missing = await record(api, uuid.uuid4(), await api.admin())
    assert missing.status_code == 404


@pytest.mark.parametrize(("fields", "field"), [
    ({"recorded_on": "2026-01-14"}, "recorded_on"),  # the day before the announcement
    ({"recorded_on": "2099-01-01"}, "recorded_on"),
    ({"occupation": "9999.9"}, "occupation"),
    ({"type": "lottery_win"}, "type"),
    ({"pay_compared": "more"}, "pay_compared"),
])
async def test_bad_destinations_are_refused(api, fields, field):
    member = await api.worker(occupation=PAYROLL_CLERK)
    await create_programme(api)
    response = await record(api, member["id"], await api.admin(), **fields)
    assert response.status_code == 422, response.text
    assert [e["field"] for e in response.json()["errors"]] == [field]


async def test_a_worker_outside_any_programme_has_no_destination(api):
    outsider = await api.worker()
    response = await record(api, outsider["id"], await api.admin())
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "worker_id"
    member = await api.worker(occupation=PAYROLL_CLERK)
    programme = (await create_programme(api))["programme"]
    await api.client.post(f"/v1/programmes/{programme['id']}/members/{member['id']}/remove",
                          json={"reason": "kept on"}, headers=await api.admin())
    removed = await record(api, member["id"], await api.admin())
    assert removed.status_code == 422


async def test_reps_are_reminded_at_six_and_eleven_months_once(api, pool):
    leeds = [await api.worker(occupation=PAYROLL_CLERK, name=f"Leeds {i}") for i in range(3)]
    await api.worker(occupation=PAYROLL_CLERK, branch="York UNISON", name="York 1")
    programme = (await create_programme(api, announced_on="2025-01-10",
                                        last_day="2025-03-31"))["programme"]
    leeds_rep = await api.rep(branch="Leeds UNISON", email="leeds-rep@example.org")
    await api.rep(branch="York UNISON", email="york-rep@example.org")
    await api.rep(branch="Hull UNISON", email="hull-rep@example.org")
    assert (await record(api, leeds[0]["id"], await api.rep_token(leeds_rep),
                         recorded_on="2025-05-01")).status_code == 201

    async def run(day: date) -> list:
        async with pool.acquire() as conn, conn.transaction():
            await remind_reps(conn, day)
        async with pool.acquire() as conn:
            return await conn.fetch("SELECT recipient, subject, body, dedupe_key FROM outbox "
                                    "ORDER BY recipient, dedupe_key")

    assert await run(date(2025, 9, 29)) == []  # not six months yet
    six = await run(date(2025, 10, 1))
    assert [m["recipient"] for m in six] == ["leeds-rep@example.org", "york-rep@example.org"]
    leeds_message = six[0]
    assert "Leeds 1" in leeds_message["body"] and "Leeds 2" in leeds_message["body"]
    assert "Leeds 0" not in leeds_message["body"] and "York 1" not in leeds_message["body"]
    assert leeds_message["dedupe_key"] == (f"programme:{programme['id']}:month-6:rep:"
                                           f"{leeds_rep['id']}")
    assert "2 with no destination" in leeds_message["subject"]
    assert await run(date(2025, 10, 2)) == six  # once per month
    eleven = await run(date(2026, 3, 1))
    assert len(eleven) == 4
    assert await run(date(2026, 3, 5)) == eleven
    async with pool.acquire() as conn:
        await conn.execute("UPDATE programmes SET reminded_month = NULL")
    assert await run(date(2026, 4, 1)) == eleven  # the window has closed


async def test_two_instances_reminding_at_once_send_each_reminder_once(api, pool):
    """Two scheduler rounds (here two connections) on the same day: the first claims the
    programme (SKIP LOCKED), the second passes it by without waiting; the first's messages are
    the only ones, and neither round sends them again."""
    for i in range(2):
        await api.worker(occupation=PAYROLL_CLERK, name=f"Leeds {i}")
    await create_programme(api, announced_on="2025-01-10", last_day="2025-03-31")
    await api.rep(branch="Leeds UNISON", email="leeds-rep@example.org")
    day = date(2025, 10, 1)
    async with pool.acquire() as first, pool.acquire() as second:
        transaction = first.transaction()
        await transaction.start()
        assert await remind_reps(first, day) == 1

        async def other_instance():
            async with second.transaction():
                return await remind_reps(second, day)

        assert await asyncio.wait_for(other_instance(), timeout=10) == 0
        await transaction.commit()
        async with second.transaction():
            assert await remind_reps(second, day) == 0
    async with pool.acquire() as conn:
        sent = await conn.fetch("SELECT recipient, dedupe_key FROM outbox")
        audited = await conn.fetch("SELECT actor_role, worker_id, detail FROM audit_log "
                                   "WHERE action = 'programmes.reminder'")
    assert [r["recipient"] for r in sent] == ["leeds-rep@example.org"]
    # one audit row per member named, from the one round that sent
    assert len(audited) == 2 and len({r["worker_id"] for r in audited}) == 2
    assert {r["detail"]["month"] for r in audited} == {6}
