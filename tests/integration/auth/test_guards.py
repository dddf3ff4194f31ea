"""The role guards over HTTP: a wrong role is refused with a 403 problem naming the roles the
route admits, before the body is read; the right role gets through to the data-scope checks."""

import uuid

import pytest

pytestmark = pytest.mark.asyncio


async def tokens(api) -> dict[str, dict[str, str]]:
    worker = await api.worker()
    return {"admin": await api.admin(), "worker": await api.worker_token(worker),
            "rep": await api.rep_token(await api.rep()),
            "college": await api.college_token(await api.provider())}


def assert_refused(response, needs: str, role: str) -> None:
    assert response.status_code == 403, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json() == {
        "type": "/problems/forbidden", "title": "Forbidden", "status": 403,
        "detail": f"this needs the role {needs}; the token is {role}"}


@pytest.mark.parametrize(("method", "path", "needs", "roles"), [
    ("POST", "/v1/tokens", "admin", ["worker", "rep", "college"]),
    ("POST", "/v1/reps", "admin", ["worker", "rep", "college"]),
    ("POST", "/v1/providers", "admin", ["worker", "rep", "college"]),
    ("GET", "/v1/audit", "admin", ["worker", "rep", "college"]),
    ("POST", "/v1/accruals", "admin", ["worker", "rep", "college"]),
    ("POST", "/v1/policy", "admin", ["worker", "rep", "college"]),
    ("POST", "/v1/workers", "admin or rep", ["worker", "college"]),
    ("GET", "/v1/workers", "admin or rep", ["worker", "college"]),
    ("PATCH", "/v1/workers/{w}", "admin or rep or worker", ["college"]),
    ("POST", "/v1/workers/{w}/account/contributions", "admin or rep", ["worker", "college"]),
    ("POST", "/v1/workers/{w}/account/adjustments", "admin", ["worker", "rep", "college"]),
    ("PUT", "/v1/workers/{w}/skills/{w}", "admin or rep or worker", ["college"]),
    ("DELETE", "/v1/workers/{w}/skills/{w}", "admin or rep or worker", ["college"]),
    ("PUT", "/v1/providers/10000001/catalogue", "admin or college", ["worker", "rep"]),
    ("GET", "/v1/providers/10000001/syncs", "admin or college", ["worker", "rep"]),
    ("POST", "/v1/providers/10000001/feeds", "admin or college", ["worker", "rep"]),
    ("GET", "/v1/providers/10000001/feeds", "admin or college", ["worker", "rep"]),
    ("POST", f"/v1/providers/10000001/feeds/{uuid.uuid4()}/pull", "admin or college",
     ["worker", "rep"]),
])
async def test_a_wrong_role_gets_a_403_naming_the_roles_before_the_body_is_read(
        api, client, method, path, needs, roles):
    """The body is not JSON at all: a guard that ran after the body would answer 400."""
    headers = await tokens(api)
    url = path.replace("{w}", str(uuid.uuid4()))
    for role in roles:
        response = await client.request(method, url, content=b"{not json",
                                        headers=headers[role] | {"Content-Type":
                                                                 "application/json"})
        assert_refused(response, needs, role)


async def test_a_right_role_passes_the_guard_to_the_data_scope(api, client):
    """A rep passes the contribution guard; the worker of another branch is then refused by
    the data scope (visible_worker), not by the guard."""
    other = await api.worker(branch="Bristol UNISON")
    rep = await api.rep_token(await api.rep(branch="Leeds UNISON"))
    response = await client.post(f"/v1/workers/{other['id']}/account/contributions",
                                 headers=rep | {"Idempotency-Key": "k1"},
                                 json={"amount_pence": 100, "source": "union",
                                       "reference": "branch"})
    assert response.status_code == 403
    assert response.json()["detail"] == "this token may not see that worker's data"


async def test_a_college_acts_only_for_its_own_ukprn(api, client):
    mine = await api.provider(ukprn="10000011")
    other = await api.provider(ukprn="10000012")
    college = await api.college_token(mine)
    assert (await client.get("/v1/providers/10000011/syncs", headers=college)).status_code == 200
    refused = await client.get(f"/v1/providers/{other['ukprn']}/syncs", headers=college)
    assert refused.status_code == 403
    assert refused.json()["errors"] == [
        {"field": "ukprn", "message": "this college token may act only for UKPRN 10000011"}]


async def test_routes_open_to_every_role_admit_every_role(api, client):
    headers = await tokens(api)
    for role, header in headers.items():
        for path in ("/v1/me", "/v1/policy", "/v1/courses"):
            response = await client.get(path, headers=header)
            assert response.status_code == 200, (role, path, response.text)


async def test_options_needs_no_token_on_guarded_routes(client):
    for path in ("/v1/audit", "/v1/providers/10000001/catalogue", "/v1/tokens"):
        response = await client.options(path)
        assert response.status_code == 204, (path, response.text)
