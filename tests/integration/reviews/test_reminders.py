"""What workers are told goes into the outbox in the change's own transaction."""

from datetime import datetime, timedelta

import pytest

from tests.integration.reviews.helpers import NOT_ELIGIBLE, Reviews, at, shift_into_past


@pytest.fixture
async def rv(api) -> Reviews:
    return await Reviews(api).setup()


async def outbox(pool) -> list[tuple[str, str, str]]:
    async with pool.acquire() as conn:
        rows = await conn.fetch("SELECT kind, status, recipient, due_at, body FROM outbox "
                                "ORDER BY created_at, kind")
    return rows


async def test_booking_sends_a_confirmation_and_a_reminder_the_day_before(rv: Reviews, pool):
    worker, auth = await rv.worker(email="ann@example.org", name="Ann Example")
    slot = await rv.slot(at(days=3))
    review = (await rv.book(worker, slot, auth)).json()
    rows = {r["kind"]: r for r in await outbox(pool)}
    assert set(rows) == {"review.booked", "review.reminder"}
    assert rows["review.booked"]["recipient"] == "ann@example.org"
    assert rows["review.booked"]["body"].startswith("Hello Ann,")
    start = datetime.fromisoformat(review["starts_at"])
    assert rows["review.reminder"]["due_at"] == start - timedelta(hours=24)

    await rv.client.post(f"/v1/reviews/{review['id']}/cancel", headers=auth,
                         json={"reason": "new shift"})
    # what was not sent yet is withdrawn (here the confirmation too): only the cancellation goes
    rows = {(r["kind"], r["status"]) for r in await outbox(pool)}
    assert rows == {("review.booked", "cancelled"), ("review.reminder", "cancelled"),
                    ("review.cancelled", "pending")}


async def test_a_refused_booking_sends_nothing(rv: Reviews, pool):
    worker, auth = await rv.worker(**NOT_ELIGIBLE)
    assert (await rv.book(worker, await rv.slot(), auth)).status_code == 403
    assert await outbox(pool) == []


async def test_offers_slot_cancellations_and_no_shows_are_told(rv: Reviews, pool):
    waiting, _ = await rv.worker(**NOT_ELIGIBLE)
    await rv.client.post("/v1/reviews/waitlist", headers=rv.rep_auth,
                         json={"worker_id": waiting["id"]})
    await rv.slot(at(days=2))
    assert [r["kind"] for r in await outbox(pool)] == ["review.offered"]

    booked, _ = await rv.worker()
    slot = await rv.slot(at(days=4))
    await rv.book(booked, slot)
    await rv.client.post(f"/v1/slots/{slot['id']}/cancel", headers=rv.rep_auth,
                         json={"reason": "rep ill"})
    cancelled = [r for r in await outbox(pool) if r["kind"] == "review.cancelled"]
    assert len(cancelled) == 1 and "rep ill" in cancelled[0]["body"]

    again = await rv.slot(at(days=6))
    review = (await rv.book(booked, again)).json()
    await shift_into_past(pool, again["id"], hours=24 * 8)
    await rv.client.post(f"/v1/reviews/{review['id']}/outcome", headers=rv.rep_auth,
                         json={"outcome": "no_show"})
    assert [r["kind"] for r in await outbox(pool)].count("review.no_show") == 1
