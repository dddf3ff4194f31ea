"""PostgreSQL restarted under a serving app: requests in flight and while it is down answer 503
and leave nothing half-written; /ready says so; once it is back the same app (the same pool)
answers again and the background jobs pick up where they were."""

import asyncio
import uuid

import asyncpg
import httpx

from service import db
from service.app import create_app
from service.outbox import service as outbox
from service.scheduler import run_round
from tests.conftest import worker_body
from tests.integration.faults.conftest import migrated_database
from tests.integration.locks import wait_for_lock_wait


async def test_a_database_restart_while_serving(private_server, settings):
    url, token = await migrated_database(private_server, "ladder_restart",
                                         settings.migrations_dir)
    config = settings.model_copy(update={"database_url": url, "token_cache_seconds": 0,
                                         "pool_acquire_timeout_seconds": 2})
    pool = await db.create_app_pool(url, config)
    app = create_app(config, pool=pool)
    admin = {"Authorization": f"Bearer {token}"}
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                     base_url="http://ladder.test") as client:
            assert (await client.get("/ready")).status_code == 200
            worker = (await client.post("/v1/workers", json=worker_body(),
                                        headers=admin)).json()
            async with pool.acquire() as conn:
                await outbox.enqueue(conn, kind="test", to="pat@example.org",
                                     subject="Queued before the restart", body="Hello")

            # a write in flight, waiting for a row lock, when the server stops
            holder = await asyncpg.connect(url)
            await holder.execute("BEGIN")
            await holder.execute("SELECT 1 FROM workers WHERE id = $1 FOR UPDATE",
                                 uuid.UUID(worker["id"]))
            in_flight = asyncio.create_task(client.patch(
                f"/v1/workers/{worker['id']}", json={"name": "Half Written"}, headers=admin))
            await wait_for_lock_wait(pool, holder, in_flight)
            await asyncio.to_thread(private_server.stop)
            interrupted = await in_flight
            holder.terminate()

            down = [await client.get("/ready"), await client.get("/v1/me", headers=admin),
                    await client.post("/v1/workers", json=worker_body(), headers=admin),
                    await client.get(f"/v1/workers/{worker['id']}", headers=admin)]
            await run_round(pool, config, progress=lambda _: None)  # logs, does not raise

            await asyncio.to_thread(private_server.start)
            ready = await client.get("/ready")
            after = await client.get(f"/v1/workers/{worker['id']}", headers=admin)
            await run_round(pool, config, progress=lambda _: None)
            written = await client.post("/v1/workers", json=worker_body(), headers=admin)
    finally:
        await pool.close()

    assert interrupted.status_code == 503, interrupted.text
    assert interrupted.json()["type"] == "/problems/unavailable"
    assert interrupted.headers["retry-after"] == "5"
    assert [r.status_code for r in down] == [503] * 4, [r.text for r in down]
    assert down[0].json()["database"] == "unreachable"
    assert all(r.headers["retry-after"] == "5" for r in down[1:])
    assert ready.status_code == 200, ready.text
    assert after.status_code == 200 and after.json()["name"] == "Pat Example"
    assert written.status_code == 201
    conn = await asyncpg.connect(url)
    try:
        assert await conn.fetchval("SELECT count(*) FROM workers") == 2
        assert await conn.fetchval("SELECT status FROM outbox") == "sent"
    finally:
        await conn.close()
