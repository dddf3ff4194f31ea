import asyncpg
import pytest

from tests.integration.matching.helpers import install, uninstall


@pytest.fixture(autouse=True)
async def hand_made_reference(pool: asyncpg.Pool):
    async with pool.acquire() as conn:
        await install(conn)
    yield
    async with pool.acquire() as conn:
        await uninstall(conn)
