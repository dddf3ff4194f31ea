"""A sync's running row, renewals and failure record go through a small pool of their own
(`syncs.create_pool`), not the pool that serves the sync's request: with the request's pool
full, a second connection from it could only be had after the acquire timeout (503)."""

import asyncio
import json
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
from litestar import Litestar

from service.app import create_app
from tests.integration.locks import wait_for_lock_wait
from tests.integration.web.conftest import sign_in_as
from tests.integration.web.test_college_pages import upload


@asynccontextmanager
async def served(settings, size: int) -> AsyncIterator[tuple[Litestar, httpx.AsyncClient]]:
    """The app as `ladder serve` runs it: its lifespan opens its own pools, the request pool
    of `size` connections."""
    app = create_app(settings.model_copy(update={
        "pool_min_size": 1, "pool_max_size": size, "pool_acquire_timeout_seconds": 1.0,
        "lock_timeout_ms": 30000}))
    async with app.lifespan():
        transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 51000))
        async with httpx.AsyncClient(transport=transport, base_url="http://localhost") as client:
            yield app, client


def catalogue(title: str) -> dict:
    return {"courses": [{"ref": "S1", "title": title, "presentations": []}]}


async def test_an_app_whose_request_pool_holds_one_syncs_a_put_and_an_upload(api, pool,
                                                                              settings):
    provider = await api.provider(name="Small Pool College")
    headers = await api.college_token(provider)
    async with served(settings, size=1) as (app, client):
        put = await client.put(f"/v1/providers/{provider['ukprn']}/catalogue",
                               json=catalogue("Put"), headers=headers)
        assert put.status_code == 200, put.text
        assert put.json()["status"] == "applied"
        await sign_in_as(client, pool, app, "college", provider["id"], "Small Pool College")
        uploaded = await upload(client, json.dumps(catalogue("Uploaded")).encode())
        assert uploaded.status_code == 200, uploaded.text
        assert "Catalogue uploaded" in uploaded.text
        assert app.state.lease_pool is not app.state.pool
    async with pool.acquire() as conn:
        assert await conn.fetchval("SELECT array_agg(status ORDER BY started_at) FROM syncs "
                                   "WHERE provider_id = $1", uuid.UUID(provider["id"])
                                   ) == ["applied", "applied"]
        assert await conn.fetchval("SELECT title FROM courses WHERE provider_id = $1",
                                   uuid.UUID(provider["id"])) == "Uploaded"


async def test_as_many_syncs_at_once_as_the_request_pool_holds_all_apply(api, pool, settings):
    """Three colleges' PUTs, each holding one of the three request connections and all three
    waiting at once in their import (for the test's lock), then let go: all three apply."""
    colleges = [await api.provider() for _ in range(3)]
    tokens = [await api.college_token(c) for c in colleges]
    async with served(settings, size=3) as (_, client):
        async with pool.acquire() as holder:
            async with holder.transaction():  # each import's skills step waits for this
                await holder.execute("LOCK TABLE course_skills IN EXCLUSIVE MODE")
                puts = asyncio.gather(*(client.put(
                    f"/v1/providers/{c['ukprn']}/catalogue", json=catalogue(c["name"]),
                    headers=t) for c, t in zip(colleges, tokens, strict=True)))
                await wait_for_lock_wait(pool, holder, puts, waiters=3)
            answers = await puts
    assert [a.status_code for a in answers] == [200] * 3, [a.text for a in answers]
    async with pool.acquire() as conn:
        assert await conn.fetchval("SELECT count(*) FROM syncs WHERE status = 'applied'") == 3
