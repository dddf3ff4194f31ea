"""A programme's member choosing a pathway: the retraining top-up, earmarked to it, is granted
once, for facing redundancy; the programme's report counts the choice."""

import uuid

from tests.integration.matching.helpers import OCCUPATIONS, occupation_id, worker


async def test_a_member_choosing_a_pathway_gets_the_top_up_once_and_is_counted(api, client,
                                                                                 pool):
    member = await worker(api, employer="Leeds City Council")
    admin = await api.admin()
    created = await client.post("/v1/programmes", headers=admin, json={
        "name": "Payroll digitisation", "employer": "Leeds City Council",
        "occupations": [OCCUPATIONS["source"][0]], "announced_on": "2026-01-15",
        "last_day": "2026-06-30", "reason": "self-service payroll"})
    assert created.status_code == 201 and created.json()["workers_added"] == 1, created.text
    headers = await api.worker_token(member)
    for target, granted in (("close", True), ("far", False)):
        response = await client.post(f"/v1/workers/{member['id']}/pathway", headers=headers,
                                     json={"target_occupation": str(occupation_id(target))})
        assert response.status_code == 201, response.text
        assert (response.json()["retraining_topup"] is not None) is granted
    async with pool.acquire() as conn:
        entries = await conn.fetch("SELECT amount_pence, pot, reason FROM ledger_entries WHERE "
                                   "worker_id = $1 AND kind = 'retraining_topup'",
                                   uuid.UUID(member["id"]))
    assert [dict(e) for e in entries] == [{"amount_pence": 150_000,
                                           "pot": f"pathway:{occupation_id('close')}",
                                           "reason": "facing redundancy"}]
    report = (await client.get(f"/v1/programmes/{created.json()['programme']['id']}/report",
                               headers=admin)).json()
    assert (report["workers"], report["pathway_chosen"], report["enrolled"]) == (1, 1, 0)


async def test_membership_alone_brings_the_top_up_to_a_worker_in_a_safe_occupation(api, client,
                                                                                  pool):
    """A Low-risk occupation: no top-up before the programme; a member gets it, once."""
    member = await worker(api, occupation=OCCUPATIONS["far"][0], employer="Leeds City Council")
    async with pool.acquire() as conn:  # a transition of the safe occupation's own
        await conn.execute("INSERT INTO occupation_transitions VALUES ($1, $2, 0.5, 1, 1)",
                           occupation_id("far"), occupation_id("close"))
    headers = await api.worker_token(member)

    async def choose():
        response = await client.post(f"/v1/workers/{member['id']}/pathway", headers=headers,
                                     json={"target_occupation": str(occupation_id("close"))})
        assert response.status_code == 201, response.text
        return response.json()["retraining_topup"]

    assert await choose() is None  # not at risk yet
    created = await client.post("/v1/programmes", headers=await api.admin(), json={
        "name": "Data stewardship moves", "employer": "Leeds City Council",
        "occupations": [OCCUPATIONS["far"][0]], "announced_on": "2026-01-15",
        "last_day": "2026-06-30", "reason": "automated data quality"})
    assert created.status_code == 201 and created.json()["workers_added"] == 1, created.text
    granted = await choose()
    assert granted is not None and granted["amount_pence"] == 150_000
    assert await choose() is None  # once
    async with pool.acquire() as conn:
        reasons = [r[0] for r in await conn.fetch(
            "SELECT reason FROM ledger_entries WHERE worker_id = $1 "
            "AND kind = 'retraining_topup'", uuid.UUID(member["id"]))]
    assert reasons == ["facing redundancy"]
