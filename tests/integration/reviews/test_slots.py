import asyncio

import pytest

from tests.integration.reviews.helpers import (
    BRANCH,
    OTHER_BRANCH,
    Reviews,
    at,
    iso,
    slot_body,
)


@pytest.fixture
async def rv(api) -> Reviews:
    return await Reviews(api).setup()


async def test_a_rep_publishes_their_own_slot(rv: Reviews):
    start = at(days=2)
    response = await rv.client.post(f"/v1/reps/{rv.rep['id']}/slots", headers=rv.rep_auth,
                                    json=slot_body(start, mode="video", location="https://meet"))
    assert response.status_code == 201, response.text
    slot = response.json()
    assert slot["rep_id"] == rv.rep["id"] and slot["branch"] == BRANCH
    assert slot["mode"] == "video" and slot["status"] == "open"
    assert slot["booked"] is False and slot["offered"] is False


async def test_only_that_rep_or_an_admin_publishes(rv: Reviews, api):
    other = await api.rep(branch=BRANCH)
    body = slot_body(at(days=2))
    assert (await rv.client.post(f"/v1/reps/{other['id']}/slots", headers=rv.rep_auth,
                                 json=body)).status_code == 403
    worker, worker_auth = await rv.worker()
    assert (await rv.client.post(f"/v1/reps/{rv.rep['id']}/slots", headers=worker_auth,
                                 json=body)).status_code == 403
    assert (await rv.client.post(f"/v1/reps/{other['id']}/slots", headers=rv.admin,
                                 json=body)).status_code == 201
    missing = "00000000-0000-0000-0000-000000000001"
    assert (await rv.client.post(f"/v1/reps/{missing}/slots", headers=rv.admin,
                                 json=body)).status_code == 404


@pytest.mark.parametrize(("change", "field"), [
    ({"starts_at": iso(at(-1)), "ends_at": iso(at(0.5))}, "starts_at"),
    ({"starts_at": iso(at(24)), "ends_at": iso(at(27.01))}, "ends_at"),
    ({"starts_at": iso(at(24)), "ends_at": iso(at(23))}, "ends_at"),
    ({"starts_at": "2030-01-01T10:00:00"}, "starts_at"),
    ({"mode": "carrier_pigeon"}, "mode"),
    ({"location": "x" * 301}, "location"),
])
async def test_bad_slots_are_422_naming_the_field(rv: Reviews, change, field):
    body = slot_body(at(days=2)) | change
    response = await rv.client.post(f"/v1/reps/{rv.rep['id']}/slots", headers=rv.rep_auth,
                                    json=body)
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["field"] == field


async def test_a_reps_slots_never_overlap(rv: Reviews, api):
    start = at(days=2)
    await rv.slot(start)
    response = await rv.client.post(f"/v1/reps/{rv.rep['id']}/slots", headers=rv.rep_auth,
                                    json=slot_body(at(0.5, base=start)))
    assert response.status_code == 409
    assert response.json()["errors"][0]["field"] == "starts_at"
    assert "never overlap" in response.json()["detail"]
    # back to back is fine, and another rep may use the same hour
    await rv.slot(at(1, base=start))
    await rv.slot(start, rep=await api.rep(branch=BRANCH))


async def test_overlapping_slots_created_at_once_exactly_one_succeeds(rv: Reviews, pool):
    start = at(days=4)
    bodies = [slot_body(at(minutes / 60, base=start)) for minutes in range(0, 40, 2)]
    responses = await asyncio.gather(*[
        rv.client.post(f"/v1/reps/{rv.rep['id']}/slots", headers=rv.rep_auth, json=body)
        for body in bodies])
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [201] + [409] * (len(bodies) - 1), statuses
    async with pool.acquire() as conn:
        assert await conn.fetchval("SELECT count(*) FROM review_slots") == 1


async def test_a_cancelled_slot_frees_the_time(rv: Reviews):
    start = at(days=2)
    slot = await rv.slot(start)
    response = await rv.client.post(f"/v1/slots/{slot['id']}/cancel", headers=rv.rep_auth,
                                    json={"reason": "training day"})
    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"
    assert (await rv.client.post(f"/v1/slots/{slot['id']}/cancel", headers=rv.rep_auth,
                                 json={"reason": "again"})).status_code == 409
    await rv.slot(start)


async def test_another_rep_may_not_cancel_a_slot(rv: Reviews, api):
    slot = await rv.slot()
    other = await api.rep_token(await api.rep(branch=BRANCH))
    response = await rv.client.post(f"/v1/slots/{slot['id']}/cancel", headers=other,
                                    json={"reason": "mine now"})
    assert response.status_code == 403


async def test_slot_lists_by_scope(rv: Reviews, api):
    ours = [await rv.slot(at(days=d)) for d in (2, 3, 4)]
    york_rep = await api.rep(branch=OTHER_BRANCH)
    theirs = await rv.slot(at(days=2), rep=york_rep)
    worker, worker_auth = await rv.worker()
    await rv.book(worker, ours[0])

    seen = await rv.client.get("/v1/slots", headers=worker_auth)
    assert seen.status_code == 200
    assert [s["id"] for s in seen.json()["items"]] == [ours[1]["id"], ours[2]["id"]]
    assert (await rv.client.get(f"/v1/slots?branch={OTHER_BRANCH}",
                                headers=worker_auth)).status_code == 403

    rep_view = await rv.client.get("/v1/slots?limit=2", headers=rv.rep_auth)
    assert [s["id"] for s in rep_view.json()["items"]] == [s["id"] for s in ours[:2]]
    cursor = rep_view.json()["next_cursor"]
    rest = await rv.client.get("/v1/slots", params={"limit": 2, "cursor": cursor},
                               headers=rv.rep_auth)
    assert [s["id"] for s in rest.json()["items"]] == [ours[2]["id"]]
    assert rest.json()["next_cursor"] is None
    assert (await rv.client.get(f"/v1/slots?branch={OTHER_BRANCH}",
                                headers=rv.rep_auth)).status_code == 403
    booked = await rv.client.get("/v1/slots?available=false", headers=rv.rep_auth)
    assert [s["id"] for s in booked.json()["items"]] == [ours[0]["id"]]

    everything = await rv.client.get("/v1/slots", headers=rv.admin)
    assert len(everything.json()["items"]) == 4
    york = await rv.client.get(f"/v1/slots?branch={OTHER_BRANCH}", headers=rv.admin)
    assert [s["id"] for s in york.json()["items"]] == [theirs["id"]]
    window = await rv.client.get("/v1/slots", headers=rv.admin, params={
        "from": iso(at(days=2.9)), "to": iso(at(days=3.5)), "mode": "in_person"})
    assert [s["id"] for s in window.json()["items"]] == [ours[1]["id"]]
    naive = await rv.client.get("/v1/slots?from=2030-01-01T10:00:00", headers=rv.admin)
    assert naive.status_code == 422 and naive.json()["errors"][0]["field"] == "from"
    assert (await rv.client.get("/v1/slots?cursor=nope", headers=rv.admin)).status_code == 422
