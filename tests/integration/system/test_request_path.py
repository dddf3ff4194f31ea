"""The request path's guarantees: one connection per request, a revoked token refused at once
here and within the token cache's second elsewhere, and a personal-data read served only with
its audit row."""
import asyncio

import httpx
import pytest

from service.app import create_app
from service.auth.cache import TokenCache

FAIL_AUDIT = """
CREATE FUNCTION test_refuse_audit() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit log unavailable';
END $$;
CREATE TRIGGER test_refuse_audit BEFORE INSERT ON audit_log
FOR EACH ROW EXECUTE FUNCTION test_refuse_audit();
"""
END_CONNECTION_ON_AUDIT = """
CREATE FUNCTION test_end_connection() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_terminate_backend(pg_backend_pid());
    RETURN NEW;
END $$;
CREATE TRIGGER test_end_connection BEFORE INSERT ON audit_log
FOR EACH ROW EXECUTE FUNCTION test_end_connection();
"""
RESTORE_CONNECTION = """
DROP TRIGGER IF EXISTS test_end_connection ON audit_log;
DROP FUNCTION IF EXISTS test_end_connection();
"""
RESTORE_AUDIT = """
DROP TRIGGER IF EXISTS test_refuse_audit ON audit_log;
DROP FUNCTION IF EXISTS test_refuse_audit();
"""


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def second_instance(settings, pool, clock):
    """Another app on the same database, as a second server process would be, its token cache
    on a clock the test moves."""
    app = create_app(settings, pool=pool)
    app.state.token_cache = TokenCache(settings.token_cache_seconds, clock=clock)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://ladder-2.test") as client:
        yield client


async def test_a_revoked_token_is_refused_at_once_here_and_within_the_cache_time_elsewhere(
        api, client, second_instance, clock, settings):
    worker = await api.worker()
    token = await api.worker_token(worker)
    assert (await client.get("/v1/me", headers=token)).status_code == 200
    assert (await second_instance.get("/v1/me", headers=token)).status_code == 200
    me = (await client.get("/v1/me", headers=token)).json()

    revoked = await client.delete(f"/v1/tokens/{me['token_id']}", headers=await api.admin())
    assert revoked.status_code == 200, revoked.text

    account = f"/v1/workers/{worker['id']}/account"
    here = await client.get(account, headers=token)
    assert here.status_code == 401
    assert here.headers["content-type"] == "application/problem+json"
    # The other instance saw the token a moment ago: it may answer from memory until the
    # documented time has passed, and not after.
    assert settings.token_cache_seconds == 1.0
    clock.now += 0.5
    assert (await second_instance.get(account, headers=token)).status_code == 200
    clock.now += 0.5
    elsewhere = await second_instance.get(account, headers=token)
    assert elsewhere.status_code == 401
    assert elsewhere.headers["content-type"] == "application/problem+json"


async def test_without_the_token_cache_a_revocation_is_refused_at_once_everywhere(
        api, client, settings, pool):
    uncached = settings.model_copy(update={"token_cache_seconds": 0})
    other = create_app(uncached, pool=pool)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=other),
                                 base_url="http://ladder-3.test") as second:
        worker = await api.worker()
        token = await api.worker_token(worker)
        me = await second.get("/v1/me", headers=token)
        assert me.status_code == 200
        revoked = await client.delete(f"/v1/tokens/{me.json()['token_id']}",
                                      headers=await api.admin())
        assert revoked.status_code == 200
        assert (await second.get("/v1/me", headers=token)).status_code == 401


async def read_while(pool, install: str, restore: str, request):
    """The answer to `request` while the `install` SQL (a trigger on audit_log) is in place."""
    async with pool.acquire() as conn:
        await conn.execute(install)
    try:
        return await request
    finally:
        async with pool.acquire() as conn:
            await conn.execute(restore)


def refused_without_data(answer, status: int, name: str) -> None:
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    assert name not in answer.text and "balance" not in answer.text


@pytest.mark.parametrize("path", ["/v1/workers/{id}", "/v1/workers/{id}/account"])
async def test_a_read_whose_audit_row_cannot_be_written_is_not_served(api, client, pool, path):
    worker = await api.worker(name="Audrey Unaudited")
    admin = await api.admin()
    answer = await read_while(pool, FAIL_AUDIT, RESTORE_AUDIT,
                              client.get(path.format(id=worker["id"]), headers=admin))
    refused_without_data(answer, 500, "Audrey")
    served = await client.get(path.format(id=worker["id"]), headers=admin)
    assert served.status_code == 200


@pytest.mark.parametrize("path", ["/v1/workers/{id}", "/v1/workers/{id}/account"])
async def test_a_read_whose_connection_the_server_ends_answers_503_and_the_pool_heals(
        api, client, pool, path):
    """The server ends the request's connection in the middle of the audited read (GET
    /account reads through `db.read`, GET /workers/{id} through the `db` dependency): 503,
    nothing of the worker sent, no audit row kept, and the next read is served."""
    worker = await api.worker(name="Connie Cut")
    admin = await api.admin()
    answer = await read_while(pool, END_CONNECTION_ON_AUDIT, RESTORE_CONNECTION,
                              client.get(path.format(id=worker["id"]), headers=admin))
    refused_without_data(answer, 503, "Connie")
    for _ in range(pool.get_max_size() + 1):  # every pool connection works again
        assert (await client.get(path.format(id=worker["id"]), headers=admin)).status_code == 200
    async with pool.acquire() as conn:
        reads = await conn.fetchval("SELECT count(*) FROM audit_log WHERE worker_id = $1 "
                                    "AND action <> 'worker.create'", worker["id"])
    assert reads == pool.get_max_size() + 1


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
