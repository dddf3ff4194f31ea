"""The request transaction and the error mapping, on a small app wired like the real one."""

import asyncio

import asyncpg
import httpx
import pytest
from litestar import Litestar, post
from litestar.di import Provide

from service.db import RequestConnectionMiddleware, provide_connection
from service.deps import Db
from service.errors import EXCEPTION_HANDLERS, Conflict

pytestmark = pytest.mark.asyncio


@post("/write-then-fail")
async def write_then_fail(db: Db) -> None:
    await db.execute("INSERT INTO reps (name, email, branch) VALUES ('A', 'a@example.org', 'B')")
    raise Conflict("changed my mind")


@post("/write-then-crash")
async def write_then_crash(db: Db) -> None:
    await db.execute("INSERT INTO reps (name, email, branch) VALUES ('A', 'a@example.org', 'B')")
    raise RuntimeError("a bug")


@post("/violate-check")
async def violate_check(db: Db) -> None:
    await db.execute("INSERT INTO providers (ukprn, name) VALUES ('999', 'X')")


@post("/violate-unique")
async def violate_unique(db: Db) -> None:
    await db.execute("INSERT INTO providers (ukprn, name) VALUES ('10000001', 'X')")
    await db.execute("INSERT INTO providers (ukprn, name) VALUES ('10000001', 'Y')")


@post("/write")
async def write(db: Db) -> None:
    await db.execute("INSERT INTO reps (name, email, branch) VALUES ('A', 'ok@example.org', 'B')")


PAUSE: dict = {}  # the paused request's connection and the events of its pause


@post("/write-pause-write")
async def write_pause_write(db: Db) -> None:
    await db.execute("INSERT INTO reps (name, email, branch) VALUES ('A', 'a@example.org', 'B')")
    PAUSE["conn"] = db
    PAUSE["paused"].set()
    await PAUSE["go"].wait()  # between two statements, as a sync validating its body is
    await db.execute("INSERT INTO reps (name, email, branch) VALUES ('C', 'c@example.org', 'B')")


@pytest.fixture
async def small_client(pool):
    app = Litestar([write_then_fail, write_then_crash, violate_check, violate_unique, write,
                    write_pause_write],
                   dependencies={"db": Provide(provide_connection),
                                 "principal": Provide(lambda: None, sync_to_thread=False)},
                   middleware=[RequestConnectionMiddleware], exception_handlers=EXCEPTION_HANDLERS)
    app.state.pool = pool
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                 base_url="http://t") as client:
        yield client


async def count_reps(pool) -> int:
    async with pool.acquire() as conn:
        return await conn.fetchval("SELECT count(*) FROM reps")


async def test_a_failed_request_rolls_back(small_client, pool):
    response = await small_client.post("/write-then-fail")
    assert response.status_code == 409
    assert await count_reps(pool) == 0
    crashed = await small_client.post("/write-then-crash")
    assert crashed.status_code == 500
    assert crashed.json() == {"type": "/problems/internal", "title": "Internal server error",
                              "status": 500}
    assert await count_reps(pool) == 0
    assert (await small_client.post("/write")).status_code == 201
    assert await count_reps(pool) == 1


async def test_constraint_violations_are_4xx_naming_the_field(small_client):
    check = await small_client.post("/violate-check")
    assert check.status_code == 422
    assert check.json()["errors"] == [{"field": "ukprn", "message": "value not allowed"}]
    unique = await small_client.post("/violate-unique")
    assert unique.status_code == 409
    assert unique.json()["errors"][0]["field"] == "ukprn"


async def test_a_connection_closed_between_two_statements_answers_503(small_client, pool):
    """The server ends the request's connection while the request is between statements (a
    restart; a sync validating its body in a thread): asyncpg's pool takes the connection back
    at once, and the next statement raises "released back to the pool", which is answered 503
    like any lost connection, with nothing written."""
    PAUSE.update(paused=asyncio.Event(), go=asyncio.Event())
    request = asyncio.create_task(small_client.post("/write-pause-write"))
    await asyncio.wait_for(PAUSE["paused"].wait(), 30)
    conn = PAUSE["conn"]
    async with pool.acquire() as other:
        assert await other.fetchval("SELECT pg_terminate_backend($1)", conn.get_server_pid())
    for _ in range(3000):  # until the pool has noticed and taken it back; at most 30 s
        try:
            conn.is_closed()
        except asyncpg.InterfaceError:
            break
        await asyncio.sleep(0.01)
    else:
        raise AssertionError("the pool never took the ended connection back")
    PAUSE["go"].set()
    response = await request
    assert response.status_code == 503, response.text
    assert response.headers["retry-after"] == "5"
    assert response.json()["type"] == "/problems/unavailable"
    assert await count_reps(pool) == 0
    assert (await small_client.post("/write")).status_code == 201
