"""Who did it, as each record keeps it, over the API and from the system: the columns and the
answers are what they were before the code had one `Actor` type."""

import uuid
from datetime import date

import pytest

from service.accounts import service as accounts
from service.accounts.schemas import ContributionIn
from service.actor import SYSTEM
from tests.integration.accounts.helpers import key

pytestmark = pytest.mark.asyncio


async def test_ledger_and_audit_name_the_token_holder_or_the_system(api, client, pool):
    worker = await api.worker()
    admin = await api.admin()
    token_id = (await client.get("/v1/me", headers=admin)).json()["token_id"]
    made = await client.post(f"/v1/workers/{worker['id']}/account/contributions",
                             headers=admin | key(),
                             json={"amount_pence": 100, "source": "employer", "reference": "a"})
    assert made.status_code == 201 and made.json()["created_by"] == "admin: test admin"
    async with pool.acquire() as conn, conn.transaction():
        entry = await accounts.contribute(conn, SYSTEM, uuid.UUID(worker["id"]), ContributionIn(
            amount_pence=100, source="employer", reference="b"))
        await accounts.accrue(conn, SYSTEM, str(date.today().year))
    assert entry.created_by == "system"
    async with pool.acquire() as conn:
        rows = await conn.fetch("SELECT actor_role, actor_id, actor_name, token_id, action "
                                "FROM audit_log WHERE worker_id = $1 ORDER BY id",
                                uuid.UUID(worker["id"]))
    by_action = {r["action"]: tuple(r.values())[:4] for r in rows}
    assert by_action["account.contribute"] == ("admin", None, "test admin",
                                               uuid.UUID(token_id))
    assert by_action["account.accrual"] == ("system", None, "ladder", None)


async def test_a_published_policy_keeps_the_publishers_name(api, client, pool):
    body = {"effective_from": date(date.today().year + 1, 1, 1).isoformat(), "note": "n",
            "rules": (await client.get("/v1/policy", headers=await api.admin())).json()["rules"]}
    try:
        created = await client.post("/v1/policy", json=body, headers=await api.admin())
        assert created.status_code == 201 and created.json()["created_by"] == "test admin"
    finally:
        async with pool.acquire() as conn:
            await conn.execute("DELETE FROM policies WHERE version > 1")
