import asyncio
import csv
import io
import uuid

import pytest

from service.accounts import service
from service.accounts.logic import HoldPurpose
from service.accounts.schemas import ContributionIn
from service.actor import SYSTEM
from tests.integration.accounts.helpers import assert_cache_matches_ledger, contribute, key

pytestmark = pytest.mark.asyncio


def path(worker, rest=""):
    return f"/v1/workers/{worker['id']}/account{rest}"


async def entry_count(pool) -> int:
    async with pool.acquire() as conn:
        return await conn.fetchval("SELECT count(*) FROM ledger_entries")


async def test_new_account_is_empty_with_policy_terms(api, client):
    worker = await api.worker(highest_qualification="4", contract_type="permanent")
    response = await client.get(path(worker), headers=await api.admin())
    assert response.status_code == 200, response.text
    account = response.json()
    assert account | {"next_accrual": None} == {
        "worker_id": worker["id"], "currency": "GBP", "balance_pence": 0, "available_pence": 0,
        "held_pence": 0, "lifetime_credited_pence": 0, "ceiling_pence": 500_000,
        "annual_credit_pence": 50_000, "rate": "standard", "policy_version": 1,
        "earmarked": [], "next_accrual": None}
    assert account["next_accrual"]["estimated_pence"] == 50_000


async def test_enhanced_rate_for_low_qualification_or_insecure_contract(api, client):
    for fields in ({"highest_qualification": "2"}, {"contract_type": "zero_hours"}):
        worker = await api.worker(**fields)
        account = (await client.get(path(worker), headers=await api.admin())).json()
        assert (account["rate"], account["ceiling_pence"], account["annual_credit_pence"]) == (
            "enhanced", 800_000, 80_000)


async def test_who_may_read_an_account(api, client):
    rep = await api.rep(branch="Leeds UNISON")
    worker = await api.worker(branch="Leeds UNISON")
    other = await api.worker(branch="Cornwall UNISON")
    own = await api.worker_token(worker)
    rep_headers = await api.rep_token(rep)
    college = await api.college_token(await api.provider())
    for rest in ("", "/entries", "/holds", "/statement.csv"):
        assert (await client.get(path(worker, rest), headers=own)).status_code == 200
        assert (await client.get(path(worker, rest), headers=rep_headers)).status_code == 200
        assert (await client.get(path(other, rest), headers=own)).status_code == 403
        assert (await client.get(path(other, rest), headers=rep_headers)).status_code == 403
        assert (await client.get(path(worker, rest), headers=college)).status_code == 403
        assert (await client.get(path(worker, rest))).status_code == 401
        missing = {"id": str(uuid.uuid4())}
        assert (await client.get(path(missing, rest),
                                 headers=await api.admin())).status_code == 404


async def test_reads_are_audited(api, client, pool):
    worker = await api.worker()
    await client.get(path(worker), headers=await api.worker_token(worker))
    async with pool.acquire() as conn:
        actions = await conn.fetch("SELECT action, actor_role FROM audit_log WHERE worker_id = $1",
                                   uuid.UUID(worker["id"]))
    assert ("account.read", "worker") in [tuple(a) for a in actions]


async def test_contribution_credits_the_account(api, client, pool):
    worker = await api.worker()
    entry = await contribute(api, worker, 12_550, source="employer", reference="PO-77")
    assert entry["kind"] == "contribution"
    assert (entry["amount_pence"], entry["source"], entry["reference"]) == (12_550, "employer",
                                                                           "PO-77")
    account = (await client.get(path(worker), headers=await api.admin())).json()
    assert account["balance_pence"] == account["available_pence"] == 12_550
    assert account["lifetime_credited_pence"] == 12_550
    await assert_cache_matches_ledger(pool, worker["id"])


async def test_same_key_same_body_replays_the_first_answer(api, client, pool):
    worker = await api.worker()
    headers = await api.admin() | key()
    body = {"amount_pence": 5000, "source": "other", "reference": "gift"}
    first = await client.post(path(worker, "/contributions"), json=body, headers=headers)
    again = await client.post(path(worker, "/contributions"), headers=headers,
                              content=b'{"reference": "gift", "source": "other", '
                                      b'"amount_pence": 5000}')
    assert first.status_code == again.status_code == 201
    assert again.content == first.content
    assert again.headers["idempotent-replayed"] == "true"
    assert await entry_count(pool) == 1
    changed = await client.post(path(worker, "/contributions"), headers=headers,
                                json=body | {"amount_pence": 5001})
    assert changed.status_code == 409
    assert changed.json()["errors"][0]["field"] == "Idempotency-Key"
    elsewhere = await client.post(path(await api.worker(), "/contributions"), headers=headers,
                                  json=body)
    assert elsewhere.status_code == 409
    assert await entry_count(pool) == 1


async def test_keys_belong_to_their_caller(api, client, pool):
    worker = await api.worker()
    shared = key()
    body = {"amount_pence": 100, "source": "employer", "reference": "x"}
    for _ in range(2):
        admin = await api.token("admin", name="another admin")
        response = await client.post(path(worker, "/contributions"), json=body,
                                     headers=admin | shared)
        assert response.status_code == 201
    assert await entry_count(pool) == 2


async def test_concurrent_duplicates_write_once(api, client, pool):
    worker = await api.worker()
    headers = await api.admin() | key()
    body = {"amount_pence": 700, "source": "employer", "reference": "race"}
    responses = await asyncio.gather(*[
        client.post(path(worker, "/contributions"), json=body, headers=headers)
        for _ in range(8)])
    assert {r.status_code for r in responses} == {201}
    assert len({r.content for r in responses}) == 1
    assert await entry_count(pool) == 1


async def test_missing_or_bad_idempotency_key_writes_nothing(api, client, pool):
    worker = await api.worker()
    body = {"amount_pence": 100, "source": "employer", "reference": "x"}
    for headers in ({}, {"Idempotency-Key": ""}, {"Idempotency-Key": "k" * 201}):
        response = await client.post(path(worker, "/contributions"), json=body,
                                     headers=await api.admin() | headers)
        assert response.status_code == 422, response.text
        assert response.headers["content-type"].startswith("application/problem+json")
        assert response.json()["errors"][0]["field"] == "Idempotency-Key"
    assert await entry_count(pool) == 0


@pytest.mark.parametrize(("change", "field"), [
    ({"amount_pence": 0}, "amount_pence"),
    ({"amount_pence": -100}, "amount_pence"),
    ({"amount_pence": 12.5}, "amount_pence"),
    ({"amount_pence": "100"}, "amount_pence"),
    ({"amount_pence": True}, "amount_pence"),
    ({"amount_pence": 10**12}, "amount_pence"),
    ({"source": "lottery"}, "source"),
    ({"reference": ""}, "reference"),
    ({"earmark": {"kind": "holiday"}}, "earmark.kind"),
    ({"earmark": {"kind": "course", "id": "nope"}}, "earmark.id"),
    ({"surprise": 1}, "surprise"),
])
async def test_bad_contributions_name_the_field_and_write_nothing(api, client, pool, change,
                                                                  field):
    worker = await api.worker()
    body = {"amount_pence": 100, "source": "employer", "reference": "x"} | change
    response = await client.post(path(worker, "/contributions"), json=body,
                                 headers=await api.admin() | key())
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert [e["field"] for e in response.json()["errors"]] == [field]
    assert await entry_count(pool) == 0


async def test_who_may_contribute(api, client, pool):
    rep = await api.rep(branch="Leeds UNISON")
    worker = await api.worker(branch="Leeds UNISON")
    other = await api.worker(branch="Cornwall UNISON")
    rep_headers = await api.rep_token(rep)
    union = {"amount_pence": 2500, "source": "union", "reference": "branch fund"}
    ok = await client.post(path(worker, "/contributions"), json=union, headers=rep_headers | key())
    assert ok.status_code == 201, ok.text
    employer = await client.post(path(worker, "/contributions"), headers=rep_headers | key(),
                                 json=union | {"source": "employer"})
    assert employer.status_code == 403
    assert employer.json()["errors"][0]["field"] == "source"
    assert (await client.post(path(other, "/contributions"), json=union,
                              headers=rep_headers | key())).status_code == 403
    assert (await client.post(path(worker, "/contributions"), json=union,
                              headers=await api.worker_token(worker) | key())).status_code == 403
    college = await api.college_token(await api.provider())
    assert (await client.post(path(worker, "/contributions"), json=union,
                              headers=college | key())).status_code == 403
    assert (await client.post(path(worker, "/contributions"), json=union,
                              headers=key())).status_code == 401
    missing = {"id": str(uuid.uuid4())}
    assert (await client.post(path(missing, "/contributions"), json=union,
                              headers=await api.admin() | key())).status_code == 404
    assert await entry_count(pool) == 1


async def test_earmarked_contribution_is_shown_apart(api, client):
    worker = await api.worker()
    course = str(uuid.uuid4())
    await contribute(api, worker, 30_000, earmark={"kind": "course", "id": course})
    await contribute(api, worker, 1_000)
    account = (await client.get(path(worker), headers=await api.admin())).json()
    assert account["available_pence"] == 31_000
    assert account["earmarked"] == [{"earmark": {"kind": "course", "id": course},
                                     "available_pence": 30_000}]


async def test_entries_newest_first_with_kind_filter_and_cursor(api, client):
    worker = await api.worker()
    amounts = [100, 200, 300, 400, 500]
    for amount in amounts:
        await contribute(api, worker, amount)
    adjustment = await client.post(path(worker, "/adjustments"), headers=await api.admin() | key(),
                                   json={"amount_pence": -50, "reason": "bank charge refund"})
    assert adjustment.status_code == 201, adjustment.text
    seen, cursor = [], None
    while True:
        params = {"limit": 2, "kind": "contribution"} | ({"cursor": cursor} if cursor else {})
        page = (await client.get(path(worker, "/entries"), params=params,
                                 headers=await api.admin())).json()
        seen += [e["amount_pence"] for e in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == amounts[::-1]
    everything = (await client.get(path(worker, "/entries"), headers=await api.admin())).json()
    assert [e["kind"] for e in everything["items"]][0] == "adjustment"
    bad = await client.get(path(worker, "/entries"), params={"kind": "gift"},
                           headers=await api.admin())
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "kind"


async def test_adjustments(api, client, pool):
    worker = await api.worker()
    await contribute(api, worker, 1_000)
    admin = await api.admin()
    too_much = await client.post(path(worker, "/adjustments"), headers=admin | key(),
                                 json={"amount_pence": -1_001, "reason": "error"})
    assert too_much.status_code == 409
    zero = await client.post(path(worker, "/adjustments"), headers=admin | key(),
                             json={"amount_pence": 0, "reason": "nothing"})
    assert zero.status_code == 422
    assert zero.json()["errors"][0]["field"] == "amount_pence"
    no_reason = await client.post(path(worker, "/adjustments"), headers=admin | key(),
                                  json={"amount_pence": 5})
    assert no_reason.status_code == 422
    rep = await api.rep_token(await api.rep(branch=worker["branch"]))
    assert (await client.post(path(worker, "/adjustments"), headers=rep | key(),
                              json={"amount_pence": 5, "reason": "x"})).status_code == 403
    ok = await client.post(path(worker, "/adjustments"), headers=admin | key(),
                           json={"amount_pence": -400, "reason": "duplicate payment"})
    assert ok.status_code == 201
    account = (await client.get(path(worker), headers=admin)).json()
    assert account["balance_pence"] == 600
    assert account["lifetime_credited_pence"] == 1_000
    await assert_cache_matches_ledger(pool, worker["id"])


async def test_statement_csv_has_running_balance(api, client):
    worker = await api.worker()
    await contribute(api, worker, 1_250, reference="=HYPERLINK(\"http://evil\")")
    await contribute(api, worker, 50_000, source="union", reference="branch")
    response = await client.get(path(worker, "/statement.csv"),
                                headers=await api.worker_token(worker))
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    disposition = response.headers["content-disposition"]
    assert disposition.startswith("attachment; filename=") and ".csv" in disposition
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [r["paid_in"] for r in rows] == ["12.50", "500.00"]
    assert [r["balance"] for r in rows] == ["12.50", "512.50"]
    assert [r["balance_pence"] for r in rows] == ["1250", "51250"]
    assert rows[0]["reference"].startswith("'=")
    assert rows[1]["description"] == "Contribution from the union"


async def test_holds_list_newest_first_by_status_with_paging(api, client, pool):
    worker = await api.worker()
    worker_id = uuid.UUID(worker["id"])
    holds = []
    async with pool.acquire() as conn:  # a transaction each, so each hold has its own time
        async with conn.transaction():
            await service.contribute(conn, SYSTEM, worker_id,
                                     ContributionIn(10_000, "employer", "t"))
        for n, amount in ((1, 1_000), (2, 2_000), (3, 3_000)):
            async with conn.transaction():
                holds.append(await service.place_hold(conn, worker_id, amount, HoldPurpose(),
                                                      f"enrolment {n}"))
        async with conn.transaction():
            await service.release_hold(conn, holds[0].id, "cancelled in time")
    _, second, third = holds
    headers = await api.worker_token(worker)
    listed = (await client.get(path(worker, "/holds"), headers=headers)).json()
    assert [(h["reference"], h["status"]) for h in listed["items"]] == [
        ("enrolment 3", "open"), ("enrolment 2", "open"), ("enrolment 1", "released")]
    assert listed["items"][2]["reason"] == "cancelled in time"
    open_holds = (await client.get(path(worker, "/holds"), params={"status": "open"},
                                   headers=headers)).json()["items"]
    assert [h["id"] for h in open_holds] == [str(third.id), str(second.id)]
    account = (await client.get(path(worker), headers=headers)).json()
    assert account["held_pence"] == sum(h["amount_pence"] for h in open_holds)
    seen, cursor = [], None
    while True:
        page = (await client.get(path(worker, "/holds"), headers=headers, params={
            "limit": 1, **({"cursor": cursor} if cursor else {})})).json()
        seen += [h["id"] for h in page["items"]]
        if not (cursor := page["next_cursor"]):
            break
    assert seen == [h["id"] for h in listed["items"]]
    bad = await client.get(path(worker, "/holds"), params={"status": "spent"}, headers=headers)
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "status"
    bad = await client.get(path(worker, "/holds"), params={"cursor": "xyz"}, headers=headers)
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "cursor"
