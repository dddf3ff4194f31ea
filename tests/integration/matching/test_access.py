"""Who may read a worker's matches, the audit of each read, and malformed input."""

import uuid

import pytest

from tests.integration.matching.helpers import worker


async def audited(pool, worker_id: str, action: str) -> int:
    async with pool.acquire() as conn:
        return await conn.fetchval("SELECT count(*) FROM audit_log WHERE action = $1 "
                                   "AND worker_id = $2", action, uuid.UUID(worker_id))


async def test_workers_see_their_own_reps_their_branch_admins_all(api, client, pool):
    own = await worker(api, branch="Leeds UNISON")
    other = await worker(api, branch="York UNISON")
    rep = await api.rep(branch="Leeds UNISON")
    provider = await api.provider()
    cases = [
        (await api.worker_token(own), own, 200), (await api.worker_token(own), other, 403),
        (await api.rep_token(rep), own, 200), (await api.rep_token(rep), other, 403),
        (await api.admin(), other, 200), (await api.college_token(provider), own, 403),
    ]
    for headers, target, status in cases:
        response = await client.get(f"/v1/workers/{target['id']}/matches", headers=headers)
        assert response.status_code == status, (target["branch"], response.text)
        if status == 403:
            assert response.headers["content-type"] == "application/problem+json"
    assert await audited(pool, own["id"], "matching.read") == 2
    assert await audited(pool, other["id"], "matching.read") == 1


async def test_unknown_worker_is_404_and_no_token_401(api, client):
    response = await client.get(f"/v1/workers/{uuid.uuid4()}/matches",
                                headers=await api.admin())
    assert response.status_code == 404
    w = await worker(api)
    assert (await client.get(f"/v1/workers/{w['id']}/matches")).status_code == 401


@pytest.mark.parametrize("params", [{"focus": "green"}, {"limit": "0"}, {"limit": "21"},
                                    {"limit": "five"}])
async def test_malformed_parameters_are_refused_and_read_nothing(api, client, pool, params):
    w = await worker(api)
    response = await client.get(f"/v1/workers/{w['id']}/matches", params=params,
                                headers=await api.admin())
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["field"] == next(iter(params))
    assert await audited(pool, w["id"], "matching.read") == 0


async def test_malformed_worker_id_is_404(api, client):
    response = await client.get("/v1/workers/not-a-uuid/matches", headers=await api.admin())
    assert response.status_code == 404
