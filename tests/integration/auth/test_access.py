import re
import uuid

import pytest

pytestmark = pytest.mark.asyncio


def operations(schema: dict) -> list[tuple[str, str]]:
    found = []
    for path, item in schema["paths"].items():
        if not path.startswith("/v1/"):
            continue
        concrete = re.sub(r"\{ukprn\}", "10000001", path)
        concrete = re.sub(r"\{[^}]+\}", str(uuid.uuid4()), concrete)
        # a public operation (the transparency record) says so: it has no security requirement
        found += [(method.upper(), concrete) for method in item
                  if method in {"get", "post", "put", "patch", "delete"}
                  and item[method].get("security")]
    return found


async def test_every_v1_operation_refuses_anonymous_callers_before_reading_the_body(client):
    schema = (await client.get("/schema/openapi.json")).json()
    ops = operations(schema)
    assert len(ops) >= 10
    for method, path in ops:
        for headers in ({}, {"Authorization": "Bearer nope"}, {"Authorization": "Basic abc"}):
            response = await client.request(method, path, headers=headers,
                                            content=b"{not json")
            assert response.status_code == 401, (method, path, response.text)
            assert response.headers["content-type"].startswith("application/problem+json")


@pytest.mark.parametrize("role", ["worker", "rep", "college"])
async def test_only_admins_manage_tokens_reps_providers_and_read_audit(api, client, role):
    worker = await api.worker()
    subject = {"worker": worker, "rep": await api.rep(),
               "college": await api.provider()}[role]
    headers = await api.token(role, subject["id"])
    admin_only = [
        ("POST", "/v1/tokens", {"role": "admin", "name": "x"}),
        ("DELETE", f"/v1/tokens/{uuid.uuid4()}", None),
        ("POST", "/v1/reps", {"name": "R", "email": "r@example.org", "branch": "B"}),
        ("POST", "/v1/providers", {"ukprn": "10000002", "name": "C"}),
        ("GET", "/v1/audit", None),
    ]
    for method, path, body in admin_only:
        response = await client.request(method, path, headers=headers, json=body)
        assert response.status_code == 403, (method, path, response.text)


async def test_admin_token_routes(api, client):
    admin = await api.admin()
    worker = await api.worker()
    made = await client.post("/v1/tokens", headers=admin,
                             json={"role": "worker", "name": "w", "subject_id": worker["id"]})
    assert made.status_code == 201
    me = await client.get("/v1/me", headers={"Authorization": f"Bearer {made.json()['token']}"})
    assert me.json()["worker"]["id"] == worker["id"]
    for body, field in [
        ({"role": "worker", "name": "w"}, "subject_id"),
        ({"role": "worker", "name": "w", "subject_id": str(uuid.uuid4())}, "subject_id"),
        ({"role": "admin", "name": "a", "subject_id": worker["id"]}, "subject_id"),
        ({"role": "rep", "name": "r", "subject_id": worker["id"]}, "subject_id"),
        ({"role": "king", "name": "k"}, "role"),
        ({"role": "admin", "name": "a", "expires_at": "2001-01-01T00:00:00Z"}, "expires_at"),
        ({"role": "admin", "name": ""}, "name"),
    ]:
        response = await client.post("/v1/tokens", headers=admin, json=body)
        assert response.status_code == 422, (body, response.text)
        assert response.json()["errors"][0]["field"] == field
    missing = await client.delete(f"/v1/tokens/{uuid.uuid4()}", headers=admin)
    assert missing.status_code == 404


async def test_a_token_holder_may_revoke_their_own_token(api, client):
    worker = await api.worker()
    headers = await api.worker_token(worker)
    token_id = (await client.get("/v1/me", headers=headers)).json()["token_id"]
    assert (await client.delete(f"/v1/tokens/{token_id}", headers=headers)).status_code == 200
    assert (await client.get("/v1/me", headers=headers)).status_code == 401


async def test_me_for_each_role(api, client):
    rep = await api.rep(branch="Leeds UNISON")
    provider = await api.provider(ukprn="10001696", name="Cornwall College")
    rep_me = (await client.get("/v1/me", headers=await api.rep_token(rep))).json()
    assert rep_me["role"] == "rep" and rep_me["rep"]["branch"] == "Leeds UNISON"
    college_me = (await client.get("/v1/me", headers=await api.college_token(provider))).json()
    assert college_me["provider"]["ukprn"] == "10001696"
    admin_me = (await client.get("/v1/me", headers=await api.admin())).json()
    assert admin_me["role"] == "admin" and admin_me["worker"] is None


async def test_reps_and_providers_are_validated(api, client):
    admin = await api.admin()
    for ukprn in ("20000000", "1000000", "1000000a", "100000001"):
        response = await client.post("/v1/providers", headers=admin,
                                     json={"ukprn": ukprn, "name": "X"})
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "ukprn"
    await api.provider(ukprn="10000009")
    dup = await client.post("/v1/providers", headers=admin, json={"ukprn": "10000009", "name": "Y"})
    assert dup.status_code == 409
    bad_rep = await client.post("/v1/reps", headers=admin,
                                json={"name": "R", "email": "not-email", "branch": "B"})
    assert bad_rep.status_code == 422
    assert bad_rep.json()["errors"][0]["field"] == "email"
