"""The request path's guarantees: one connection per request, a revoked token refused at once on
every instance, and a personal-data read served only with its audit row."""

import asyncio

import httpx
import pytest

from service.app import create_app

FAIL_AUDIT = """
CREATE FUNCTION test_refuse_audit() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit log unavailable';
END $$;
CREATE TRIGGER test_refuse_audit BEFORE INSERT ON audit_log
FOR EACH ROW EXECUTE FUNCTION test_refuse_audit();
"""
RESTORE_AUDIT = """
DROP TRIGGER IF EXISTS test_refuse_audit ON audit_log;
DROP FUNCTION IF EXISTS test_refuse_audit();
"""


@pytest.fixture
async def second_instance(settings, pool):
    """Another app on the same database, as a second server process would be."""
    app = create_app(settings, pool=pool)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://ladder-2.test") as client:
        yield client


async def test_a_revoked_token_is_refused_at_once_on_every_instance(api, client,
                                                                    second_instance):
    worker = await api.worker()
    token = await api.worker_token(worker)
    assert (await client.get("/v1/me", headers=token)).status_code == 200
    assert (await second_instance.get("/v1/me", headers=token)).status_code == 200
    me = (await client.get("/v1/me", headers=token)).json()

    revoked = await client.delete(f"/v1/tokens/{me['token_id']}", headers=await api.admin())
    assert revoked.status_code == 200, revoked.text

    for instance in (client, second_instance):
        answer = await instance.get(f"/v1/workers/{worker['id']}/account", headers=token)
        assert answer.status_code == 401
        assert answer.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize("path", ["/v1/workers/{id}", "/v1/workers/{id}/account"])
async def test_a_read_whose_audit_row_cannot_be_written_is_not_served(api, client, pool, path):
    worker = await api.worker(name="Audrey Unaudited")
    admin = await api.admin()
    async with pool.acquire() as conn:
        await conn.execute(FAIL_AUDIT)
    try:
        answer = await client.get(path.format(id=worker["id"]), headers=admin)
    finally:
        async with pool.acquire() as conn:
            await conn.execute(RESTORE_AUDIT)
    assert answer.status_code == 500
    assert answer.headers["content-type"] == "application/problem+json"
    assert "Audrey" not in answer.text and "balance" not in answer.text
    served = await client.get(path.format(id=worker["id"]), headers=admin)
    assert served.status_code == 200


async def test_a_read_and_its_audit_row_come_from_one_statement(api, client, pool):
    """The audit row names the action and the reader; a refused read writes none."""
    worker = await api.worker(branch="Leeds UNISON")
    other_branch_rep = await api.rep(branch="Bristol UNISON")
    refused = await client.get(f"/v1/workers/{worker['id']}",
                               headers=await api.rep_token(other_branch_rep))
    assert refused.status_code == 403
    read = await client.get(f"/v1/workers/{worker['id']}/account", headers=await api.admin())
    assert read.status_code == 200
    async with pool.acquire() as conn:
        rows = await conn.fetch("SELECT actor_role, action FROM audit_log WHERE worker_id = $1 "
                                "AND action <> 'worker.create' ORDER BY id", worker["id"])
    assert [(r["actor_role"], r["action"]) for r in rows] == [("admin", "account.read")]


async def test_concurrent_requests_each_give_their_connection_back(api, client, pool):
    """Reads, refused reads and unauthenticated calls leave no connection checked out."""
    worker = await api.worker()
    admin = await api.admin()
    college = await api.college_token(await api.provider())
    idle_before = pool.get_idle_size() + (pool.get_max_size() - pool.get_size())
    calls = []
    for _ in range(20):
        calls += [client.get(f"/v1/workers/{worker['id']}/account", headers=admin),
                  client.get(f"/v1/workers/{worker['id']}", headers=college),
                  client.get(f"/v1/workers/{worker['id']}",
                             headers={"Authorization": "Bearer nope"})]
    statuses = sorted({r.status_code for r in await asyncio.gather(*calls)})
    assert statuses == [200, 401, 403]
    assert pool.get_idle_size() + (pool.get_max_size() - pool.get_size()) == idle_before


@pytest.mark.parametrize("path", ["/v1/workers/{id}/account/entries",
                                  "/v1/workers/{id}/account/holds",
                                  "/v1/workers/{id}/skills",
                                  "/v1/workers/{id}/skills/history"])
async def test_a_read_refused_for_its_cursor_records_no_read(api, client, pool, path):
    """Reads run without a transaction, so the parameters are checked before the audited read:
    a refused request must not leave an audit row saying the data was read."""
    worker = await api.worker()
    answer = await client.get(path.format(id=worker["id"]), params={"cursor": "zz"},
                              headers=await api.admin())
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["field"] == "cursor"
    async with pool.acquire() as conn:
        actions = await conn.fetch("SELECT action FROM audit_log WHERE worker_id = $1",
                                   worker["id"])
    assert [r["action"] for r in actions] == ["worker.create"]


async def test_options_needs_no_token_even_on_public_routes(client):
    for path in ("/health", "/v1/workers"):
        answer = await client.options(path)
        assert answer.status_code == 204, (path, answer.text)
