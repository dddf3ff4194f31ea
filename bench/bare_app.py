"""The baseline for bench/request_path.py: a bare Litestar handler doing one asyncpg `select 1`
through a pool, on the same database and server as Ladder. Nothing of Ladder's request path."""

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg
from litestar import Litestar, get
from litestar.datastructures import State


@asynccontextmanager
async def lifespan(app: Litestar) -> AsyncIterator[None]:
    app.state.pool = await asyncpg.create_pool(
        os.environ["LADDER_DATABASE_URL"], min_size=2,
        max_size=int(os.environ.get("LADDER_POOL_MAX_SIZE", "10")))  # as Ladder's pool
    try:
        yield
    finally:
        await app.state.pool.close()


@get("/bare")
async def bare(state: State) -> dict[str, int]:
    async with state.pool.acquire() as conn:
        return {"value": await conn.fetchval("SELECT 1")}


@get("/health")
async def health() -> dict[str, str]:
    return {"status": "ok"}


app = Litestar([bare, health], lifespan=[lifespan])
