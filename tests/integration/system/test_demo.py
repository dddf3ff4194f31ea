"""The demo loader gives every demo worker an account with a history, once."""

from datetime import date

import pytest

from service.demo import DEMO_CONTRIBUTION, WORKERS, load_demo

pytestmark = pytest.mark.asyncio
PERIOD = str(date.today().year)


async def demo_accounts(api) -> dict[str, tuple[dict, list[dict]]]:
    """Each demo worker's account and ledger entries, by external reference, read as an admin."""
    admin = await api.admin()
    listed = await api.client.get("/v1/workers", params={"limit": 200}, headers=admin)
    assert listed.status_code == 200
    accounts = {}
    for worker in listed.json()["items"]:
        path = f"/v1/workers/{worker['id']}/account"
        account = await api.client.get(path, headers=admin)
        entries = await api.client.get(f"{path}/entries", headers=admin)
        assert account.status_code == entries.status_code == 200
        accounts[worker["external_ref"]] = (account.json(), entries.json()["items"])
    return accounts


async def test_every_demo_worker_is_credited_and_one_has_union_money_once(
        api, client, pool, settings, reference_data):
    messages: list[str] = []
    async with pool.acquire() as conn:
        first_tokens = await load_demo(conn, settings, progress=messages.append)
    first = await demo_accounts(api)
    assert set(first) == {w[0] for w in WORKERS}
    for ref, (account, entries) in first.items():
        credits = [e for e in entries if e["kind"] == "annual_credit"]
        assert [(e["period"], e["amount_pence"] > 0) for e in credits] == [(PERIOD, True)], ref
        assert account["next_accrual"]["period"] == str(date.today().year + 1)
    account, entries = first[WORKERS[0][0]]
    [union] = [e for e in entries if e["kind"] == "contribution"]
    assert (union["source"], union["amount_pence"], union["reference"]) == (
        "union", DEMO_CONTRIBUTION.amount_pence, DEMO_CONTRIBUTION.reference)
    assert union["created_by"].startswith("rep: ")
    credit = next(e["amount_pence"] for e in entries if e["kind"] == "annual_credit")
    assert account["balance_pence"] == credit + DEMO_CONTRIBUTION.amount_pence
    assert all(e["kind"] == "annual_credit" for ref, (_, entries) in first.items()
               if ref != WORKERS[0][0] for e in entries)

    # What the demo worker's own token shows: the same account, and a statement with both.
    worker_token = {"Authorization": f"Bearer {first_tokens[f'worker ({WORKERS[0][1]})']}"}
    worker_id = account["worker_id"]
    own = await client.get(f"/v1/workers/{worker_id}/account", headers=worker_token)
    assert own.status_code == 200
    assert own.json()["balance_pence"] == account["balance_pence"]
    statement = await client.get(f"/v1/workers/{worker_id}/account/statement.csv",
                                 headers=worker_token)
    assert statement.status_code == 200
    assert len(statement.text.strip().splitlines()) == 3  # header, credit, contribution

    async with pool.acquire() as conn:
        again = await load_demo(conn, settings, progress=messages.append)
    assert again.keys() == first_tokens.keys()
    assert await demo_accounts(api) == first
    assert f"demo: accrual {PERIOD}, 0 workers credited now, 6 in all" in messages
