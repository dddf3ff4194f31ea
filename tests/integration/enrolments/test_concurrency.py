"""Places are never oversold across instances: 30 workers enrol at once, through two app
instances with their own pools, on a presentation with 10 places."""

import asyncio
import uuid
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from service import db
from service.app import create_app
from service.enrolments import places
from tests.integration.accounts.helpers import assert_cache_matches_ledger
from tests.integration.enrolments.helpers import COST, Enrolments
from tests.integration.locks import wait_for_lock_wait

CREDIT = 60_000
AGES = ("1995-01-01", "1978-06-01", "1960-01-01")  # no points, 45-49 (2), 50+ (3)


@pytest.fixture
async def instances(settings, database_url):
    """Two more app instances, each with its own pool, as two servers would have."""
    pools = [await db.create_pool(database_url, min_size=1, max_size=16) for _ in range(2)]
    clients = []
    for pool in pools:
        transport = httpx.ASGITransport(app=create_app(settings, pool=pool))
        clients.append(httpx.AsyncClient(transport=transport, base_url="http://ladder.test"))
    yield clients
    for client in clients:
        await client.aclose()
    for pool in pools:
        await pool.close()


@pytest.fixture
async def en(api) -> Enrolments:
    return await Enrolments(api).setup()


async def test_30_workers_at_once_on_10_places_across_two_instances(en: Enrolments, instances,
                                                                    pool):
    pid = await en.offer(places=10)
    workers = []
    for i in range(30):
        worker, auth = await en.worker(
            credit=CREDIT, birth_date=AGES[i % 3],
            contract_type=("permanent", "zero_hours")[(i // 3) % 2],
            highest_qualification=("3", "2")[(i // 6) % 2])
        workers.append((worker, auth))
    assert len({w["priority_score"] for w, _ in workers}) >= 6  # a real mix of priorities

    responses = await asyncio.gather(*(
        en.enrol(worker, pid, auth, client=instances[i % 2])
        for i, (worker, auth) in enumerate(workers)))
    assert [r.status_code for r in responses] == [201] * 30, [r.text for r in responses]
    enrolments = [r.json() for r in responses]
    booked = [e for e in enrolments if e["status"] == "booked"]
    waiting_ids = [e["id"] for e in enrolments if e["status"] == "waiting"]
    assert (len(booked), len(waiting_ids)) == (10, 20)
    assert await en.holds("open") == 10 and await en.holds() == 10

    booked_ids = {e["worker_id"] for e in booked}
    for worker, _ in workers:
        account = await en.account(worker)
        held = COST if worker["id"] in booked_ids else 0
        assert (account["held_pence"], account["available_pence"]) == (held, CREDIT - held)
        await assert_cache_matches_ledger(pool, worker["id"])

    # the waiting list is in priority order, then time of asking
    waiting = [(await en.client.get(f"/v1/enrolments/{i}", headers=en.admin)).json()
               for i in waiting_ids]
    by_position = sorted(waiting, key=lambda e: e["position"])
    assert [e["position"] for e in by_position] == list(range(1, 21))
    assert by_position == sorted(waiting, key=lambda e: (-e["priority_score"], e["asked_at"],
                                                         e["id"]))

    # a cancellation offers the place to the first in line, who then books it
    holder = next((w, a) for w, a in workers if w["id"] == booked[0]["worker_id"])
    cancelled = await en.act(booked[0], "cancel", holder[1])
    assert cancelled.json()["hold_outcome"] == "released"
    first = by_position[0]
    offered = (await en.client.get(f"/v1/enrolments/{first['id']}", headers=en.admin)).json()
    assert offered["status"] == "offered"
    second = (await en.client.get(f"/v1/enrolments/{by_position[1]['id']}",
                                  headers=en.admin)).json()
    assert (second["status"], second["position"]) == ("waiting", 1)
    first_auth = next(a for w, a in workers if w["id"] == first["worker_id"])
    accepted = await en.act(first, "accept", first_auth)
    assert accepted.json()["status"] == "booked"
    assert await en.holds("open") == 10


async def test_the_last_place_waits_for_the_lock_and_then_waits_in_line(en: Enrolments,
                                                                        instances, pool):
    """A request on another instance queues on the presentation's row lock while the last
    place is being taken, and then finds the presentation full."""
    pid = await en.offer(places=1)
    first, first_auth = await en.worker()
    second, second_auth = await en.worker()
    async with pool.acquire() as holder:
        async with holder.transaction():
            await holder.execute("SELECT * FROM courses_lock_presentation($1)", uuid.UUID(pid))
            taking = asyncio.create_task(en.enrol(first, pid, first_auth, client=instances[0]))
            await wait_for_lock_wait(pool, holder, taking)
        assert (await taking).json()["status"] == "booked"
    late = await en.enrol(second, pid, second_auth, client=instances[1])
    assert late.json()["status"] == "waiting"
    assert await en.holds("open") == 1


async def test_two_instances_pass_a_lapsed_offer_on_once(en: Enrolments, pool):
    pid = await en.offer(places=1)
    holder, holder_auth = await en.worker()
    booking = (await en.enrol(holder, pid, holder_auth)).json()
    queued = []
    for _ in range(3):
        worker, auth = await en.worker()
        queued.append((await en.enrol(worker, pid, auth)).json())
    await en.act(booking, "cancel", holder_auth)
    later = datetime.now(UTC) + timedelta(hours=49)

    async def instance() -> int:
        async with pool.acquire() as conn:
            return await places.pass_on_lapsed(conn, later, 48)

    counts = await asyncio.gather(instance(), instance())
    assert sorted(counts) == [0, 1]  # the new offer holds until later + 48 hours
    async with pool.acquire() as conn:
        statuses = await conn.fetch("SELECT status, count(*) FROM enrolments "
                                    "WHERE presentation_id = $1 GROUP BY status",
                                    uuid.UUID(pid))
    found = {r["status"]: r["count"] for r in statuses}
    assert found == {"cancelled": 1, "expired": 1, "offered": 1, "waiting": 1}


async def test_the_same_enrolment_twice_at_once_on_two_instances_holds_once(en: Enrolments,
                                                                            instances):
    pid = await en.offer()
    worker, auth = await en.worker()
    responses = await asyncio.gather(*(en.enrol(worker, pid, auth, client=client)
                                       for client in instances))
    assert sorted(r.status_code for r in responses) == [201, 409]
    refused = next(r for r in responses if r.status_code == 409).json()
    assert refused["errors"][0]["field"] == "presentation_id"
    assert await en.holds() == 1
    assert (await en.account(worker))["held_pence"] == COST


async def test_a_contribution_waiting_for_the_account_lets_an_enrolment_refer_to_the_worker(
        en: Enrolments, pool):
    """A contribution locks the worker (its audited read), then waits for the account; an
    enrolment of the same worker holds the account (for its hold) and then inserts rows that
    refer to the worker (its consent, the enrolment), whose foreign key checks read the worker
    row. The worker's lock must not block those checks: with FOR UPDATE it did, the two
    deadlocked and PostgreSQL ended one of them (a 409 "retry" in the soak)."""
    worker, _ = await en.worker()
    worker_id = uuid.UUID(worker["id"])
    async with pool.acquire() as holder:
        async with holder.transaction():  # as an enrolment placing its hold ...
            await holder.execute("SET LOCAL lock_timeout = '5s'")  # bounded, should it wait
            await holder.execute("SELECT 1 FROM accounts WHERE worker_id = $1 FOR UPDATE",
                                 worker_id)
            contribution = asyncio.create_task(en.client.post(
                f"/v1/workers/{worker['id']}/account/contributions",
                json={"amount_pence": 500, "source": "employer", "reference": "PO-lock"},
                headers=en.admin | {"Idempotency-Key": str(uuid.uuid4())}))
            await wait_for_lock_wait(pool, holder, contribution)
            # ... then its consent, which refers to the worker the contribution has locked
            await holder.execute("INSERT INTO consents (worker_id, purpose, given_by, "
                                 "provider_id) VALUES ($1, 'share_with_provider', 'test', $2)",
                                 worker_id, uuid.UUID(en.provider["id"]))
        response = await contribution
    assert response.status_code == 201, response.text
    await assert_cache_matches_ledger(pool, worker_id)
