"""`sql.rows_as`: records as Structs, positionally only when the columns are the struct's
fields in order; by name otherwise, so a query selecting them in another order is read right."""

import uuid

import msgspec
import pytest

from service.sql import rows_as

pytestmark = pytest.mark.asyncio


class Hit(msgspec.Struct):
    id: uuid.UUID
    title: str
    rank: float


async def test_rows_in_the_structs_order_and_in_another(pool):
    first, second = uuid.UUID(int=1), uuid.UUID(int=2)
    async with pool.acquire() as conn:
        in_order = await conn.fetch(
            "SELECT * FROM (VALUES ($1::uuid, 'Care', 0.5::float8), ($2, 'Maths', 0.25)) "
            "AS v (id, title, rank)", first, second)
        reordered = await conn.fetch(
            "SELECT * FROM (VALUES (0.5::float8, 'Care', $1::uuid), (0.25, 'Maths', $2)) "
            "AS v (rank, title, id)", first, second)
    expected = [Hit(first, "Care", 0.5), Hit(second, "Maths", 0.25)]
    assert rows_as(Hit, in_order) == expected
    assert rows_as(Hit, reordered) == expected
    assert rows_as(Hit, []) == []
