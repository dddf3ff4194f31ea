import asyncio
import uuid
from datetime import date

import pytest

from service.accounts import service as accounts
from service.accounts.schemas import ContributionIn
from service.actor import Actor
from service.datarights import service
from service.errors import Conflict
from tests.integration.accounts.test_accruals import CACHE_EQUALS_LEDGER
from tests.integration.datarights.helpers import ZEB, find_anywhere, populated
from tests.integration.datarights.test_export import OTHER
from tests.integration.locks import wait_for_lock_wait
from tests.integration.reviews.helpers import Reviews

pytestmark = pytest.mark.usefixtures("reference_data")

# Balances and lifetime credit; cancelling an erased worker's enrolment releases its hold, which
# adds entries that move neither.
TOTALS = """
SELECT coalesce(sum(ledger_balance_delta(kind, amount_pence)), 0),
       coalesce(sum(ledger_credited_delta(kind, amount_pence)), 0)
FROM ledger_entries
"""


@pytest.fixture
async def rv(api) -> Reviews:
    return await Reviews(api).setup()


async def programme_reports(api, rv, programmes: list[dict]) -> list[dict]:
    reports = []
    for programme in programmes:
        report = await api.client.get(f"/v1/programmes/{programme['id']}/report",
                                      headers=rv.admin)
        assert report.status_code == 200, report.text
        reports.append(report.json())
    return reports


def needles(facts: dict[str, str]) -> list[str]:
    first, last = facts["name"].split()
    return [first, last, facts["email"], facts["birth_date"], facts["external_ref"]]


async def test_after_erasure_they_are_gone_from_every_table_and_the_ledger_still_adds_up(
        api, rv, pool):
    zeb = await populated(api, rv, pool, ZEB, tag="zeb")
    other = await populated(api, rv, pool, OTHER, tag="other", shift=3)
    assert await find_anywhere(pool, needles(ZEB))  # the search finds them before
    async with pool.acquire() as conn:
        before = await conn.fetchrow(TOTALS)
        account_before = await conn.fetchrow(
            "SELECT balance_pence, credited_pence FROM accounts WHERE worker_id = $1",
            uuid.UUID(zeb.id))

    programmes = (await api.client.get("/v1/programmes", headers=rv.admin)).json()["items"]
    reports_before = await programme_reports(api, rv, programmes)

    response = await api.client.delete(f"/v1/workers/{zeb.id}", headers=rv.admin)
    assert response.status_code == 200, response.text
    changed = response.json()["changed"]
    assert changed["workers"] == 1 and changed["api_tokens"] == 2
    assert changed["erasure_requests"] == 1 and changed["idempotency_keys"] == 2

    assert await find_anywhere(pool, needles(ZEB)) == []
    assert len(await find_anywhere(pool, needles(OTHER))) > 3  # the other worker is untouched
    async with pool.acquire() as conn:
        assert await conn.fetchrow(TOTALS) == before
        assert await conn.fetchval(CACHE_EQUALS_LEDGER) == 0
        assert await conn.fetchrow(
            "SELECT balance_pence, credited_pence FROM accounts WHERE worker_id = $1",
            uuid.UUID(zeb.id)) == account_before
        enrolments = [r[0] for r in await conn.fetch(
            "SELECT status FROM enrolments WHERE worker_id = $1", uuid.UUID(zeb.id))]
        assert enrolments == ["cancelled"]
        row = await conn.fetchrow("SELECT name, email, birth_date, age_band, erased_at, branch "
                                  "FROM workers WHERE id = $1", uuid.UUID(zeb.id))
        assert (row["name"], row["email"], row["birth_date"]) == ("Erased worker", None, None)
        assert row["age_band"] == "50-64" and row["branch"] == rv.rep["branch"]
        statuses = [r[0] for r in await conn.fetch(
            "SELECT status FROM reviews WHERE worker_id = $1 ORDER BY starts_at",
            uuid.UUID(zeb.id))]
        assert statuses == ["attended", "cancelled"]  # the held review still counts
        pending = await conn.fetchval("SELECT count(*) FROM outbox WHERE worker_id = $1 "
                                      "AND status = 'pending'", uuid.UUID(zeb.id))
        assert pending == 0
        kept = await conn.fetchrow("SELECT actor_role, actor_name, detail FROM audit_log "
                                   "WHERE worker_id = $1 AND action = 'worker.erase'",
                                   uuid.UUID(zeb.id))
        assert kept["actor_role"] == "admin" and kept["detail"]["changed"]["workers"] == 1

    # the programme reports are unchanged: the erased member is still counted, by age too
    assert programmes
    assert await programme_reports(api, rv, programmes) == reports_before

    # the worker's tokens are refused, and every route about them finds nobody
    assert (await api.client.get("/v1/me", headers=zeb.auth)).status_code == 401
    for path in ("", "/account", "/export", "/priority"):
        response = await api.client.get(f"/v1/workers/{zeb.id}{path}", headers=rv.admin)
        assert response.status_code == 404, (path, response.text)
    listed = (await api.client.get("/v1/workers", headers=rv.admin)).json()["items"]
    assert [w["id"] for w in listed] == [other.id]
    # twice is a conflict; the other worker can still be read
    assert (await api.client.delete(f"/v1/workers/{zeb.id}",
                                    headers=rv.admin)).status_code == 409
    assert (await api.client.get("/v1/me", headers=other.auth)).status_code == 200


async def test_who_may_erase_and_unknown_workers(api, rv):
    worker, auth = await rv.worker(**ZEB)
    path = f"/v1/workers/{worker['id']}"
    for who in (auth, rv.rep_auth, await api.college_token(await api.provider())):
        assert (await api.client.delete(path, headers=who)).status_code == 403
    assert (await api.client.delete(path)).status_code == 401
    unknown = await api.client.delete(f"/v1/workers/{uuid.uuid4()}", headers=rv.admin)
    assert unknown.status_code == 404
    assert unknown.headers["content-type"].startswith("application/problem+json")
    assert (await api.client.get("/v1/me", headers=auth)).status_code == 200


async def test_an_erased_worker_gets_no_accrual(api, rv):
    erased, _ = await rv.worker(**ZEB)
    kept, _ = await rv.worker(**OTHER)
    assert (await api.client.delete(f"/v1/workers/{erased['id']}",
                                    headers=rv.admin)).status_code == 200
    response = await api.client.post("/v1/accruals", headers=rv.admin,
                                     json={"period": str(date.today().year)})
    assert response.status_code == 200, response.text
    assert response.json()["workers_total"] == 1


async def test_the_ledger_allows_only_the_erasure_edit(api, rv, pool):
    worker, _ = await rv.worker(**ZEB)
    await api.client.post(f"/v1/workers/{worker['id']}/account/contributions",
                          headers={**rv.rep_auth, "Idempotency-Key": "k1"},
                          json={"amount_pence": 100, "source": "union", "reference": "r"})
    worker_id = uuid.UUID(worker["id"])
    refused = [
        ("", "UPDATE ledger_entries SET reference = '[erased]' WHERE worker_id = $1"),
        (str(uuid.uuid4()), "UPDATE ledger_entries SET reference = '[erased]' "
                            "WHERE worker_id = $1"),
        (worker["id"], "UPDATE ledger_entries SET amount_pence = 1 WHERE worker_id = $1"),
        (worker["id"], "UPDATE ledger_entries SET reference = 'other' WHERE worker_id = $1"),
        (worker["id"], "DELETE FROM ledger_entries WHERE worker_id = $1"),
    ]
    async with pool.acquire() as conn:
        for setting, statement in refused:
            with pytest.raises(Exception, match="never updated or deleted"):
                async with conn.transaction():
                    await conn.execute("SELECT set_config('ladder.erasing_worker', $1, true)",
                                       setting)
                    await conn.execute(statement, worker_id)
        async with conn.transaction():
            await conn.execute("SELECT set_config('ladder.erasing_worker', $1, true)",
                               worker["id"])
            await conn.execute("UPDATE ledger_entries SET reference = '[erased]' "
                               "WHERE worker_id = $1", worker_id)


async def test_two_erasures_at_once_one_wins_and_the_other_is_a_conflict(api, rv, pool):
    worker, _ = await rv.worker(**ZEB)
    worker_id = uuid.UUID(worker["id"])
    admin = Actor("admin", "test admin")
    async with pool.acquire() as first, pool.acquire() as second:
        transaction = first.transaction()
        await transaction.start()
        await service.erase(first, admin, worker_id)

        async def erase_again():
            async with second.transaction():
                await service.erase(second, admin, worker_id)

        racer = asyncio.create_task(erase_again())
        await wait_for_lock_wait(pool, first, racer)
        await transaction.commit()
        with pytest.raises(Conflict):
            await racer
        assert await second.fetchval("SELECT count(*) FROM audit_log WHERE worker_id = $1 "
                                     "AND action = 'worker.erase'", worker_id) == 1


async def test_a_contribution_racing_an_erasure_either_is_erased_or_finds_nobody(api, rv, pool):
    admin = Actor("admin", "test admin")
    body = {"amount_pence": 700, "source": "union", "reference": "for Zebedee Quartermaine"}

    # the erasure first: the contribution waits for it, then finds no worker
    worker, _ = await rv.worker(**ZEB)
    async with pool.acquire() as conn:
        transaction = conn.transaction()
        await transaction.start()
        await service.erase(conn, admin, uuid.UUID(worker["id"]))
        contribution = asyncio.create_task(api.client.post(
            f"/v1/workers/{worker['id']}/account/contributions", json=body,
            headers={**rv.rep_auth, "Idempotency-Key": "race-1"}))
        await wait_for_lock_wait(pool, conn, contribution)
        await transaction.commit()
    assert (await contribution).status_code == 404

    # the contribution first: the erasure waits for it, then clears its reference
    worker, _ = await rv.worker(**OTHER)
    worker_id = uuid.UUID(worker["id"])
    async with pool.acquire() as conn, pool.acquire() as eraser:
        transaction = conn.transaction()
        await transaction.start()
        await accounts.check_contribution(conn, rv.rep_principal(), worker_id,
                                          ContributionIn(**body))
        await accounts.contribute(conn, admin, worker_id, ContributionIn(**body))

        async def erase():
            async with eraser.transaction():
                return await service.erase(eraser, admin, worker_id)

        erasure = asyncio.create_task(erase())
        await wait_for_lock_wait(pool, conn, erasure)
        await transaction.commit()
        assert (await erasure).changed["ledger_entries"] == 1
    assert await find_anywhere(pool, ["Zebedee", "Quartermaine"]) == []


async def test_the_equality_report_still_adds_up_after_an_erasure(api, rv):
    """Every figure of the report, totals included, is the same after two erasures: a
    part-time worker with equality answers and a challenge, and a full-time one credited £100."""
    from tests.integration.reports.test_equality_report import RANGE, eleven_workers
    workers = await eleven_workers(api, api.client)
    part_time, credited = workers[0], workers[3]
    raised = await api.client.post(f"/v1/workers/{part_time['id']}/challenges",
                                   headers=rv.admin | await api.worker_token(part_time),
                                   json={"decision": "priority", "reason": "16 hours"})
    assert raised.status_code == 201, raised.text

    async def report():
        answer = await api.client.get("/v1/reports/equality", params=RANGE, headers=rv.admin)
        assert answer.status_code == 200, answer.text
        return answer.json()

    before = await report()
    assert before["totals"]["workers"] == 11
    assert before["totals"]["credit_credited_pence"] == 60_000
    for worker in (part_time, credited):
        erased = await api.client.delete(f"/v1/workers/{worker['id']}", headers=rv.admin)
        assert erased.status_code == 200, erased.text
    after = await report()
    # the birth dates are gone, but the age bands they gave are kept: totals, every breakdown
    # and the challenge counts are unchanged
    assert after["totals"] == before["totals"]
    assert after["dimensions"] == before["dimensions"]
    assert after == before
