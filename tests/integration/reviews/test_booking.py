import asyncio
import uuid
from datetime import UTC, datetime

import asyncpg
import pytest

from service.reviews import service
from tests.integration.reviews.helpers import NOT_ELIGIBLE, OTHER_BRANCH, Reviews, at


@pytest.fixture
async def rv(api) -> Reviews:
    return await Reviews(api).setup()


async def test_a_worker_books_for_themself(rv: Reviews):
    slot = await rv.slot()
    worker, auth = await rv.worker()
    response = await rv.book(worker, slot, auth)
    assert response.status_code == 201, response.text
    review = response.json()
    assert review["status"] == "booked" and review["slot_id"] == slot["id"]
    assert review["worker_id"] == worker["id"] and review["rep_id"] == rv.rep["id"]
    assert review["booked_by"].startswith("worker: ")
    listed = await rv.client.get("/v1/slots?available=false", headers=rv.rep_auth)
    assert [s["booked"] for s in listed.json()["items"]] == [True]


@pytest.mark.parametrize("fields", [
    {"birth_date": "1980-01-01", "contract_type": "zero_hours", "weekly_hours": 37},
    {"birth_date": "1995-01-01", "facing_redundancy": True, "contract_type": "permanent"},
    {"birth_date": "1975-01-01", "contract_type": "permanent", "weekly_hours": 37},
])
async def test_directly_eligible_workers_book(rv: Reviews, fields):
    worker, _ = await rv.worker(**fields)
    assert (await rv.book(worker, await rv.slot())).status_code == 201


async def test_a_worker_not_directly_eligible_is_pointed_to_the_waiting_list(rv: Reviews, pool):
    worker, auth = await rv.worker(**NOT_ELIGIBLE)
    response = await rv.book(worker, await rv.slot(), auth)
    assert response.status_code == 403
    problem = response.json()
    assert problem["type"] == "/problems/not-eligible"
    assert problem["errors"][0]["field"] == "worker_id"
    assert "aged 45+" in problem["detail"] and "/v1/reviews/waitlist" in problem["detail"]
    async with pool.acquire() as conn:
        assert await conn.fetchval("SELECT count(*) FROM reviews") == 0


async def test_one_booking_per_slot_and_one_upcoming_review_per_worker(rv: Reviews):
    slot, other_slot = await rv.slot(at(days=2)), await rv.slot(at(days=3))
    first, _ = await rv.worker()
    second, _ = await rv.worker()
    assert (await rv.book(first, slot)).status_code == 201
    taken = await rv.book(second, slot)
    assert taken.status_code == 409
    assert taken.json()["errors"][0]["field"] == "slot_id"
    assert "one booking per slot" in taken.json()["detail"]
    again = await rv.book(first, other_slot)
    assert again.status_code == 409
    assert again.json()["errors"][0]["field"] == "worker_id"
    assert "one upcoming review" in again.json()["detail"]


async def test_the_database_holds_both_rules(rv: Reviews, pool):
    """Not only the service's checks: the unique indexes refuse a second row whoever writes."""
    slot, other_slot = await rv.slot(at(days=2)), await rv.slot(at(days=3))
    first, _ = await rv.worker()
    second, _ = await rv.worker()
    review = (await rv.book(first, slot)).json()
    insert = ("INSERT INTO reviews (slot_id, worker_id, rep_id, branch, starts_at, booked_by) "
              "SELECT $1, $2, rep_id, branch, starts_at, 'test' FROM review_slots WHERE id = $1")
    async with pool.acquire() as conn:
        with pytest.raises(asyncpg.UniqueViolationError, match="reviews_one_per_slot"):
            await conn.execute(insert, uuid.UUID(slot["id"]), uuid.UUID(second["id"]))
        with pytest.raises(asyncpg.UniqueViolationError, match="reviews_one_upcoming"):
            await conn.execute(insert, uuid.UUID(other_slot["id"]), uuid.UUID(first["id"]))
        assert await conn.fetchval("SELECT count(*) FROM reviews") == 1
    assert review["status"] == "booked"


async def test_who_may_book(rv: Reviews, api):
    slot = await rv.slot()
    worker, auth = await rv.worker()
    other, other_auth = await rv.worker()
    york_rep = await api.rep_token(await api.rep(branch=OTHER_BRANCH))
    college = await api.college_token(await api.provider())
    assert (await rv.book(worker, slot, other_auth)).status_code == 403  # someone else
    assert (await rv.book(worker, slot, york_rep)).status_code == 403  # another branch's worker
    assert (await rv.book(worker, slot, college)).status_code == 403  # wrong role
    york_worker, _ = await rv.worker(branch=OTHER_BRANCH)
    wrong_branch = await rv.book(york_worker, slot, rv.admin)  # a slot of another branch
    assert wrong_branch.status_code == 403
    assert wrong_branch.json()["errors"][0]["field"] == "slot_id"
    missing = {"id": str(uuid.uuid4())}
    assert (await rv.book(worker, missing)).status_code == 404
    assert (await rv.book(missing, slot)).status_code == 404
    assert (await rv.book(worker, slot, rv.admin)).status_code == 201


async def test_a_cancelled_slot_cannot_be_booked(rv: Reviews):
    slot = await rv.slot()
    await rv.client.post(f"/v1/slots/{slot['id']}/cancel", headers=rv.rep_auth,
                         json={"reason": "ill"})
    worker, _ = await rv.worker()
    response = await rv.book(worker, slot)
    assert response.status_code == 409


async def test_fifty_workers_book_one_slot_at_once(rv: Reviews, api, pool):
    slot = await rv.slot()
    workers = [await rv.worker() for _ in range(50)]
    responses = await asyncio.gather(*[rv.book(w, slot, auth) for w, auth in workers])
    statuses = [r.status_code for r in responses]
    assert sorted(statuses) == [201] + [409] * 49, statuses
    winner = workers[statuses.index(201)][0]
    async with pool.acquire() as conn:
        rows = await conn.fetch("SELECT worker_id, status FROM reviews")
        assert [(str(r["worker_id"]), r["status"]) for r in rows] == [(winner["id"], "booked")]
        audited = await conn.fetchval(
            "SELECT count(*) FROM audit_log WHERE action = 'reviews.book'")
        assert audited == 1  # the refused requests kept nothing, not even their audit rows


async def test_review_lists_by_scope(rv: Reviews, api):
    booked = []
    for day in (2, 3):
        worker, auth = await rv.worker()
        booked.append((worker, auth, (await rv.book(worker, await rv.slot(at(days=day)))).json()))
    york_rep = await api.rep(branch=OTHER_BRANCH)
    york_worker, _ = await rv.worker(branch=OTHER_BRANCH)
    york_slot = await rv.slot(at(days=2), rep=york_rep)
    await rv.book(york_worker, york_slot, rv.admin)

    worker, auth, review = booked[0]
    own = await rv.client.get("/v1/reviews", headers=auth)
    assert own.status_code == 200
    assert [r["id"] for r in own.json()["items"]] == [review["id"]]
    other = booked[1][0]
    assert (await rv.client.get(f"/v1/reviews?worker={other['id']}",
                                headers=auth)).status_code == 403
    rep_view = await rv.client.get("/v1/reviews", headers=rv.rep_auth)
    assert [r["id"] for r in rep_view.json()["items"]] == [b[2]["id"] for b in booked]
    assert (await rv.client.get(f"/v1/reviews?worker={york_worker['id']}",
                                headers=rv.rep_auth)).status_code == 403
    admin_view = await rv.client.get(f"/v1/reviews?rep={york_rep['id']}&status=booked",
                                     headers=rv.admin)
    assert [r["worker_id"] for r in admin_view.json()["items"]] == [york_worker["id"]]
    paged = await rv.client.get("/v1/reviews?limit=1", headers=rv.admin)
    assert paged.json()["next_cursor"] is not None
    assert (await rv.client.get(f"/v1/reviews/{review['id']}", headers=auth)).status_code == 200
    assert (await rv.client.get(f"/v1/reviews/{review['id']}",
                                headers=booked[1][1])).status_code == 403


async def test_eligibility_by_age_goes_by_the_uk_date(rv: Reviews, pool):
    """At 23:30 UTC on 10 July it is already 11 July in the UK (summer time): a worker born on
    11 July 1981 is 45 there, and may book; by the UTC date she would still be 44."""
    worker, _ = await rv.worker(**NOT_ELIGIBLE | {"birth_date": "1981-07-11"})
    slot = await rv.slot()
    now = datetime(2026, 7, 10, 23, 30, tzinfo=UTC)
    async with pool.acquire() as conn, conn.transaction():
        review = await service.book(conn, rv.rep_principal(), uuid.UUID(worker["id"]),
                                    uuid.UUID(slot["id"]), now, 24)
    assert review.status == "booked"
