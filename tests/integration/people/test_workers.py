import uuid

import pytest

from service.auth.logic import Principal
from service.errors import Forbidden
from service.people import service as people
from tests.conftest import worker_body

pytestmark = pytest.mark.asyncio


async def test_admin_creates_and_reads_a_worker(api, client):
    created = await api.worker(name="Maureen Walsh", contract_type="zero_hours", weekly_hours=16,
                               birth_date="1966-02-01", highest_qualification="1")
    assert created["priority_score"] == 3 + 2 + 3 + 1
    response = await client.get(f"/v1/workers/{created['id']}", headers=await api.admin())
    assert response.status_code == 200
    assert response.json() == created


async def test_no_token_is_401_problem(client):
    response = await client.get("/v1/workers")
    assert response.status_code == 401
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.headers["www-authenticate"].startswith("Bearer")
    response = await client.get("/v1/me", headers={"Authorization": "Bearer not-a-token"})
    assert response.status_code == 401


async def test_revoked_and_expired_tokens_are_refused(api, client, pool):
    admin = await api.admin()
    created = (await client.post("/v1/tokens", headers=admin,
                                 json={"role": "admin", "name": "short"})).json()
    headers = {"Authorization": f"Bearer {created['token']}"}
    assert (await client.get("/v1/me", headers=headers)).status_code == 200
    revoked = await client.delete(f"/v1/tokens/{created['id']}", headers=admin)
    assert revoked.status_code == 200
    assert (await client.get("/v1/me", headers=headers)).status_code == 401
    unused = (await client.post("/v1/tokens", headers=admin,
                                json={"role": "admin", "name": "expired"})).json()
    async with pool.acquire() as conn:  # as if its time had passed
        await conn.execute("UPDATE api_tokens SET expires_at = now() - interval '1 second' "
                           "WHERE id = $1", __import__("uuid").UUID(unused["id"]))
    expired = await client.get("/v1/me", headers={"Authorization": f"Bearer {unused['token']}"})
    assert expired.status_code == 401


async def test_tokens_are_stored_only_as_hashes(api, client, pool):
    created = (await client.post("/v1/tokens", headers=await api.admin(),
                                 json={"role": "admin", "name": "hash check"})).json()
    async with pool.acquire() as conn:
        stored = await conn.fetchval("SELECT token_hash FROM api_tokens WHERE id = $1",
                                     __import__("uuid").UUID(created["id"]))
    assert created["token"].encode() not in stored
    assert len(stored) == 32


async def test_rep_creates_only_in_own_branch_and_reads_only_own_branch(api, client):
    rep = await api.rep(branch="Leeds UNISON")
    rep_headers = await api.rep_token(rep)
    ours = await client.post("/v1/workers", headers=rep_headers,
                             json=worker_body(branch="Leeds UNISON"))
    assert ours.status_code == 201
    theirs = await client.post("/v1/workers", headers=rep_headers,
                               json=worker_body(branch="Cornwall UNISON"))
    assert theirs.status_code == 403
    assert theirs.json()["errors"][0]["field"] == "branch"
    other = await api.worker(branch="Cornwall UNISON")
    read = await client.get(f"/v1/workers/{other['id']}", headers=rep_headers)
    assert read.status_code == 403
    listed = (await client.get("/v1/workers", headers=rep_headers)).json()
    assert [w["id"] for w in listed["items"]] == [ours.json()["id"]]
    assert (await client.get("/v1/workers?branch=Cornwall%20UNISON",
                             headers=rep_headers)).status_code == 403


async def test_worker_sees_only_themself(api, client):
    me = await api.worker()
    other = await api.worker()
    headers = await api.worker_token(me)
    assert (await client.get(f"/v1/workers/{me['id']}", headers=headers)).status_code == 200
    assert (await client.get(f"/v1/workers/{other['id']}", headers=headers)).status_code == 403
    assert (await client.get(f"/v1/workers/{other['id']}/priority",
                             headers=headers)).status_code == 403
    assert (await client.get("/v1/workers", headers=headers)).status_code == 403
    assert (await client.post("/v1/workers", headers=headers,
                              json=worker_body())).status_code == 403


async def test_college_sees_no_worker(api, client):
    worker = await api.worker()
    headers = await api.college_token(await api.provider())
    assert (await client.get(f"/v1/workers/{worker['id']}", headers=headers)).status_code == 403
    assert (await client.get("/v1/workers", headers=headers)).status_code == 403


async def test_worker_may_change_only_contact_fields(api, client):
    worker = await api.worker()
    headers = await api.worker_token(worker)
    ok = await client.patch(f"/v1/workers/{worker['id']}", headers=headers,
                            json={"email": "new@example.org", "name": "Pat Renamed"})
    assert ok.status_code == 200
    assert ok.json()["email"] == "new@example.org"
    refused = await client.patch(f"/v1/workers/{worker['id']}", headers=headers,
                                 json={"contract_type": "zero_hours"})
    assert refused.status_code == 403
    assert refused.json()["errors"][0]["field"] == "contract_type"


async def test_patch_recomputes_priority(api, client):
    worker = await api.worker(birth_date="1990-01-01", weekly_hours=37,
                              contract_type="permanent", highest_qualification="4")
    assert worker["priority_score"] == 0
    response = await client.patch(f"/v1/workers/{worker['id']}", headers=await api.admin(),
                                  json={"facing_redundancy": True, "weekly_hours": 20})
    assert response.status_code == 200
    assert response.json()["priority_score"] == 3 + 2
    priority = (await client.get(f"/v1/workers/{worker['id']}/priority",
                                 headers=await api.admin())).json()
    assert priority["score"] == 5
    assert {r["rule"] for r in priority["reasons"]} == {"facing_redundancy", "part_time"}
    assert "20 hours" in next(r["reason"] for r in priority["reasons"] if r["rule"] == "part_time")


@pytest.mark.parametrize(("body", "field", "status"), [
    ({"name": 5}, "name", 422),
    ({"weekly_hours": -1}, "weekly_hours", 422),
    ({"weekly_hours": 101}, "weekly_hours", 422),
    ({"region": "X1"}, "region", 422),
    ({"contract_type": "gig"}, "contract_type", 422),
    ({"birth_date": "not a date"}, "birth_date", 422),
    ({"birth_date": "2020-01-01"}, "birth_date", 422),
    ({"email": "no-at-sign"}, "email", 422),
    ({"surprise": 1}, "surprise", 422),
    ({"weekly_hours": "20"}, "weekly_hours", 422),
    ({"facing_redundancy": "true"}, "facing_redundancy", 422),
    ({"name": None}, "name", 422),
])
async def test_bad_worker_bodies_name_the_field(api, client, body, field, status):
    response = await client.post("/v1/workers", headers=await api.admin(),
                                 json=worker_body(**body))
    assert response.status_code == status, response.text
    problem = response.json()
    assert response.headers["content-type"].startswith("application/problem+json")
    assert problem["status"] == status
    assert [e["field"] for e in problem["errors"]] == [field]


async def test_missing_field_and_malformed_json(api, client):
    body = worker_body()
    del body["name"]
    missing = await client.post("/v1/workers", headers=await api.admin(), json=body)
    assert missing.status_code == 422
    assert missing.json()["errors"][0]["field"] == "name"
    malformed = await client.post("/v1/workers", headers=await api.admin(),
                                  content=b'{"name": ')
    assert malformed.status_code == 400
    assert malformed.json()["errors"][0]["field"] == "body"


async def test_bad_uuid_in_path_is_4xx(api, client):
    response = await client.get("/v1/workers/not-a-uuid", headers=await api.admin())
    assert response.status_code == 404  # no route has a worker id that is not a UUID
    assert response.headers["content-type"].startswith("application/problem+json")


async def test_unknown_worker_is_404(api, client):
    response = await client.get("/v1/workers/00000000-0000-0000-0000-000000000000",
                                headers=await api.admin())
    assert response.status_code == 404


async def test_duplicate_external_ref_is_409(api, client):
    await api.worker(external_ref="EMP-1", employer="Leeds City Council")
    response = await client.post("/v1/workers", headers=await api.admin(), json=worker_body(
        external_ref="EMP-1", employer="Leeds City Council"))
    assert response.status_code == 409
    assert response.json()["errors"][0]["field"] == "external_ref"


async def test_workers_list_pages_with_cursor(api, client):
    ids = {(await api.worker())["id"] for _ in range(5)}
    seen, cursor = [], None
    while True:
        params = {"limit": 2} | ({"cursor": cursor} if cursor else {})
        page = (await client.get("/v1/workers", params=params, headers=await api.admin())).json()
        seen += [w["id"] for w in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert sorted(seen) == sorted(ids)
    bad = await client.get("/v1/workers", params={"cursor": "garbage!"},
                           headers=await api.admin())
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "cursor"


async def test_list_workers_scopes_every_caller_not_only_the_route(api, pool):
    """The service itself keeps a rep to their branch, whatever branch a caller passes."""
    ours = await api.worker(branch="Leeds UNISON")
    await api.worker(branch="Cornwall UNISON")
    rep = Principal(uuid.uuid4(), "rep", "Rita Rep", rep_id=uuid.uuid4(), branch="Leeds UNISON")
    async with pool.acquire() as conn:
        listed = await people.list_workers(conn, rep, None, None, 50)
        assert [w.id for w in listed.items] == [uuid.UUID(ours["id"])]
        with pytest.raises(Forbidden):
            await people.list_workers(conn, rep, "Cornwall UNISON", None, 50)
        worker = Principal(uuid.uuid4(), "worker", "Pat", worker_id=uuid.UUID(ours["id"]))
        with pytest.raises(Forbidden):
            await people.list_workers(conn, worker, None, None, 50)
