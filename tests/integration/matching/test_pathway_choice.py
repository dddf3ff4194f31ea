"""POST /v1/workers/{id}/pathway: the choice is recorded; an at-risk worker gets the retraining
top-up earmarked to it, once, however many choices and instances."""

import asyncio
import uuid

import asyncpg
import httpx

from service.app import create_app
from tests.integration.matching.helpers import OCCUPATIONS, occupation_id, worker


async def choose(client, worker_id: str, target: str, headers) -> httpx.Response:
    return await client.post(f"/v1/workers/{worker_id}/pathway", headers=headers,
                             json={"target_occupation": target})


async def topups(pool: asyncpg.Pool, worker_id: str) -> list[asyncpg.Record]:
    async with pool.acquire() as conn:
        return await conn.fetch("SELECT amount_pence, pot FROM ledger_entries "
                                "WHERE worker_id = $1 AND kind = 'retraining_topup'",
                                uuid.UUID(worker_id))


async def choices(pool: asyncpg.Pool, worker_id: str) -> list[asyncpg.Record]:
    async with pool.acquire() as conn:
        return await conn.fetch("SELECT target_id, topup_entry_id, actor_role FROM "
                                "pathway_choices WHERE worker_id = $1 ORDER BY chosen_at",
                                uuid.UUID(worker_id))


async def test_an_at_risk_worker_gets_the_topup_earmarked_to_the_pathway_once(api, client, pool):
    w = await worker(api)  # in a High-risk occupation
    headers = await api.worker_token(w)
    close = str(occupation_id("close"))
    response = await choose(client, w["id"], close, headers)
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["target_occupation"]["id"] == close
    assert body["retraining_topup"]["amount_pence"] == 150_000
    assert body["retraining_topup"]["earmarked_for"] == f"pathway:{close}"
    assert "retraining top-up of £1500.00" in body["why"]
    assert [dict(r) for r in await topups(pool, w["id"])] == [
        {"amount_pence": 150_000, "pot": f"pathway:{close}"}]
    # the money shows as available and earmarked in the matches
    matches = (await client.get(f"/v1/workers/{w['id']}/matches", headers=headers)).json()
    assert (matches["available_pence"], matches["earmarked_pence"]) == (150_000, 150_000)
    # a second choice (by code this time) is recorded but grants nothing
    again = await choose(client, w["id"], OCCUPATIONS["far"][0], headers)
    assert again.status_code == 201, again.text
    assert again.json()["retraining_topup"] is None
    assert "granted before" in again.json()["why"]
    assert len(await topups(pool, w["id"])) == 1
    rows = await choices(pool, w["id"])
    assert [r["target_id"] for r in rows] == [occupation_id("close"), occupation_id("far")]
    assert rows[0]["topup_entry_id"] is not None and rows[1]["topup_entry_id"] is None
    async with pool.acquire() as conn:
        assert await conn.fetchval("SELECT count(*) FROM audit_log WHERE worker_id = $1 "
                                   "AND action = 'matching.pathway.choose'",
                                   uuid.UUID(w["id"])) == 2


async def test_facing_redundancy_in_a_safe_occupation_is_at_risk(api, client, pool):
    w = await worker(api, occupation=OCCUPATIONS["far"][0], facing_redundancy=True)
    async with pool.acquire() as conn:  # a safe occupation with a transition of its own
        await conn.execute("INSERT INTO occupation_transitions VALUES ($1, $2, 0.5, 1, 1)",
                           occupation_id("far"), occupation_id("close"))
    response = await choose(client, w["id"], str(occupation_id("close")), await api.admin())
    assert response.status_code == 201, response.text
    assert response.json()["retraining_topup"]["amount_pence"] == 150_000
    assert [r["actor_role"] for r in await choices(pool, w["id"])] == ["admin"]


async def test_a_worker_not_at_risk_is_recorded_without_a_topup(api, client, pool):
    w = await worker(api, occupation=OCCUPATIONS["far"][0])
    async with pool.acquire() as conn:
        await conn.execute("INSERT INTO occupation_transitions VALUES ($1, $2, 0.5, 1, 1)",
                           occupation_id("far"), occupation_id("close"))
    response = await choose(client, w["id"], str(occupation_id("close")),
                            await api.worker_token(w))
    assert response.status_code == 201, response.text
    assert response.json()["retraining_topup"] is None
    assert await topups(pool, w["id"]) == []


async def test_bad_choices_are_422_and_leave_nothing(api, client, pool):
    w = await worker(api)
    admin = await api.admin()
    cases = {
        str(occupation_id("risky")): "not one of the worker's transitions",  # riskier
        str(occupation_id("high")): "not one of the worker's transitions",  # High
        str(occupation_id("source")): "not one of the worker's transitions",  # itself
        str(uuid.uuid4()): "not a known ESCO occupation",
        "9999.999": "not a known ESCO occupation",
    }
    for target, message in cases.items():
        response = await choose(client, w["id"], target, admin)
        assert response.status_code == 422, response.text
        assert response.json()["errors"][0]["field"] == "target_occupation"
        assert message in response.json()["detail"]
    none = await worker(api, occupation=None)
    response = await choose(client, none["id"], str(occupation_id("close")), admin)
    assert response.status_code == 422
    assert "Add their current occupation" in response.json()["detail"]
    for body in ({}, {"target_occupation": ""}, {"target_occupation": 5},
                 {"target_occupation": "x", "extra": 1}):
        response = await client.post(f"/v1/workers/{w['id']}/pathway", headers=admin,
                                     json=body)
        assert response.status_code == 422, (body, response.text)
    assert await choices(pool, w["id"]) == [] and await topups(pool, w["id"]) == []


async def test_who_may_choose(api, client):
    own = await worker(api, branch="Leeds UNISON")
    other = await worker(api, branch="York UNISON")
    rep = await api.rep(branch="Leeds UNISON")
    target = str(occupation_id("close"))
    assert (await choose(client, other["id"], target, await api.worker_token(own))
            ).status_code == 403
    assert (await choose(client, other["id"], target, await api.rep_token(rep))
            ).status_code == 403
    assert (await choose(client, own["id"], target,
                         await api.college_token(await api.provider()))).status_code == 403
    assert (await choose(client, str(uuid.uuid4()), target, await api.admin())
            ).status_code == 404
    assert (await choose(client, own["id"], target, await api.rep_token(rep))
            ).status_code == 201


async def test_two_instances_choosing_at_once_grant_the_topup_once(api, settings, pool):
    """Two app instances take the worker's choice at the same moment (each waiting on the
    worker's row lock, which this test holds until both wait): both are recorded, one top-up."""
    w = await worker(api)
    headers = await api.worker_token(w)
    targets = [str(occupation_id("close")), str(occupation_id("far"))]
    apps = [create_app(settings, pool=pool) for _ in targets]
    async with pool.acquire() as holder:
        transaction = holder.transaction()
        await transaction.start()
        await holder.execute("SELECT 1 FROM workers WHERE id = $1 FOR UPDATE",
                             uuid.UUID(w["id"]))

        async def post(app, target):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://x") as c:
                return await choose(c, w["id"], target, headers)

        racers = [asyncio.create_task(post(app, t)) for app, t in zip(apps, targets,
                                                                       strict=True)]
        await both_wait(pool, holder, racers)
        await transaction.commit()
        responses = await asyncio.gather(*racers)
    assert [r.status_code for r in responses] == [201, 201], [r.text for r in responses]
    granted = [r.json()["retraining_topup"] for r in responses]
    assert sorted(g is None for g in granted) == [False, True]
    assert len(await topups(pool, w["id"])) == 1
    assert len(await choices(pool, w["id"])) == 2


async def both_wait(pool: asyncpg.Pool, holder: asyncpg.Connection,
                    racers: list[asyncio.Task]) -> None:
    """Until every racer waits for a lock (the first for the holder's, the next behind the
    first: polling pg_stat_activity, not sleeping a guessed time); fails after 30 s or if a
    racer ends first."""
    async with pool.acquire() as conn:
        for _ in range(3000):
            waiting = await conn.fetchval(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND cardinality(pg_blocking_pids(pid)) > 0 AND pid <> $1",
                holder.get_server_pid())
            if waiting >= len(racers):
                return
            for racer in racers:
                if racer.done():
                    raise AssertionError(f"a racer finished without waiting: {racer.result()}")
            await asyncio.sleep(0.01)
    raise AssertionError("the racers never both waited for the lock")
