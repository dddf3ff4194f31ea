"""Every wait a request can make has a time limit, and reaching one answers 503 problem+json with
Retry-After: a lock held elsewhere (lock_timeout), a slow statement (statement_timeout), no free
pool connection, a body that arrives too slowly."""

import asyncio
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg
import httpx

from service import db
from service.app import create_app
from service.courses import syncs
from tests.integration.locks import wait_for_lock_wait


@asynccontextmanager
async def limited_client(settings, database_url, max_size=3, **limits) -> AsyncIterator[
        tuple[httpx.AsyncClient, asyncpg.Pool]]:
    pool_limits = {k: limits.pop(k) for k in ("statement_timeout_ms", "lock_timeout_ms")
                   if k in limits}
    pool = await db.create_pool(database_url, 1, max_size, **pool_limits)
    lease_pool = await syncs.create_pool(database_url, settings)
    app = create_app(settings.model_copy(update=limits), pool=pool, lease_pool=lease_pool)
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                     base_url="http://ladder.test") as client:
            yield client, pool
    finally:
        await lease_pool.close()
        await pool.close()


def assert_unavailable(response: httpx.Response) -> None:
    assert response.status_code == 503, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.headers["retry-after"] == "5"
    assert response.json()["type"] == "/problems/unavailable"


async def patch_while_locked(api, pool, client, worker) -> tuple[httpx.Response, float]:
    """PATCH the worker while another connection holds its row lock; the name is unchanged."""
    async with pool.acquire() as holder, holder.transaction():
        await holder.execute("SELECT 1 FROM workers WHERE id = $1 FOR UPDATE",
                             uuid.UUID(worker["id"]))
        started = time.monotonic()
        request = asyncio.create_task(client.patch(
            f"/v1/workers/{worker['id']}", json={"name": "Changed"},
            headers=await api.admin()))
        await wait_for_lock_wait(pool, holder, request)
        response = await request
        elapsed = time.monotonic() - started
    async with pool.acquire() as conn:
        assert await conn.fetchval("SELECT name FROM workers WHERE id = $1",
                                   uuid.UUID(worker["id"])) == "Pat Example"
    return response, elapsed


async def test_a_write_waiting_for_a_lock_answers_503_within_the_lock_timeout(
        api, pool, settings, database_url):
    worker = await api.worker()
    async with limited_client(settings, database_url, lock_timeout_ms=300) as (client, _):
        response, elapsed = await patch_while_locked(api, pool, client, worker)
    assert_unavailable(response)
    assert "took too long" in response.json()["detail"]
    assert elapsed < 3


async def test_a_statement_over_the_statement_timeout_answers_503(
        api, pool, settings, database_url):
    worker = await api.worker()
    async with limited_client(settings, database_url, statement_timeout_ms=300,
                              lock_timeout_ms=0) as (client, _):
        response, elapsed = await patch_while_locked(api, pool, client, worker)
    assert_unavailable(response)
    assert elapsed < 3


async def test_an_exhausted_pool_answers_503_after_the_acquire_timeout(
        api, settings, database_url):
    headers = await api.admin()
    async with limited_client(settings, database_url, max_size=1,
                              pool_acquire_timeout_seconds=0.2) as (client, small):
        assert (await client.get("/v1/me", headers=headers)).status_code == 200
        async with small.acquire():
            response = await client.get("/v1/me", headers=headers)
            ready = await client.get("/ready")
        assert_unavailable(response)
        assert "no database connection is free" in response.json()["detail"]
        assert (await client.get("/v1/me", headers=headers)).status_code == 200
    assert ready.status_code == 503


async def test_a_body_arriving_too_slowly_answers_503(api, pool, settings, database_url):
    never = asyncio.Event()

    async def trickle() -> AsyncIterator[bytes]:
        yield b'{"name": '
        await never.wait()  # the rest never comes
        yield b'"x"}'

    worker = await api.worker()
    async with limited_client(settings, database_url,
                              body_timeout_seconds=0.3) as (client, _):
        started = time.monotonic()
        response = await client.patch(f"/v1/workers/{worker['id']}", content=trickle(),
                                      headers=await api.admin() | {
                                          "content-type": "application/json"})
        elapsed = time.monotonic() - started
        fast = await client.patch(f"/v1/workers/{worker['id']}", json={"name": "Quick"},
                                  headers=await api.admin())
    assert_unavailable(response)
    assert "did not arrive" in response.json()["detail"]
    assert elapsed < 3
    assert fast.status_code == 200


async def test_every_route_but_health_documents_503(app):
    schema = app.openapi_schema.to_schema()
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            documented = "503" in operation["responses"]
            assert documented == (path != "/health"), (method, path)
