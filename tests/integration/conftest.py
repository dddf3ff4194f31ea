import asyncpg
import pytest

from tests.conftest import KEEP_TABLES

TRUNCATE_ALL_BUT = """
SELECT format('TRUNCATE %s RESTART IDENTITY CASCADE', string_agg(quote_ident(tablename), ', '))
FROM pg_tables
WHERE schemaname = 'public' AND NOT (tablename = ANY($1::text[]))
"""


# Tables in KEEP_TABLES that tests may add to: back to what the migrations seeded.
RESTORE_SEEDED = "DELETE FROM policies WHERE version > 1"


@pytest.fixture(autouse=True)
async def empty_database(pool: asyncpg.Pool):
    """Each integration test starts from the migrated schema with no people, tokens or audit."""
    yield
    async with pool.acquire() as conn:
        statement = await conn.fetchval(TRUNCATE_ALL_BUT, sorted(KEEP_TABLES))
        if statement:
            await conn.execute(statement)
        await conn.execute(RESTORE_SEEDED)
