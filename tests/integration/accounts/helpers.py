import uuid
from typing import Any

import asyncpg

from service.accounts import store


def key() -> dict[str, str]:
    return {"Idempotency-Key": str(uuid.uuid4())}


async def contribute(api, worker: dict[str, Any], amount: int, **fields: Any) -> dict[str, Any]:
    body = {"amount_pence": amount, "source": "employer", "reference": "PO-1"} | fields
    response = await api.client.post(f"/v1/workers/{worker['id']}/account/contributions",
                                      json=body, headers=await api.admin() | key())
    assert response.status_code == 201, response.text
    return response.json()


async def assert_cache_matches_ledger(pool: asyncpg.Pool, worker_id: Any) -> None:
    """The cached totals in `accounts` are exactly the sums of the ledger."""
    async with pool.acquire() as conn:
        wid = uuid.UUID(str(worker_id))
        assert await store.get_totals(conn, wid) == await store.ledger_totals(conn, wid)
