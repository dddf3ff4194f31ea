"""The waiting list: time is driven by passing `now` to the service, never by sleeping."""

import asyncio
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from service.errors import Conflict
from service.reviews import service, waitlist
from service.reviews.schemas import OfferIn
from service.scheduler import run_round
from tests.integration.locks import wait_for_lock_wait
from tests.integration.reviews.helpers import (
    ELIGIBLE,
    NOT_ELIGIBLE,
    OTHER_BRANCH,
    Reviews,
    at,
    worker_principal,
)

# An older, part-time, zero-hours worker (aged 50+ 3, part-time 2, insecure 3) and a younger,
# full-time, permanent one (0 points).
OLDER = ELIGIBLE | {"birth_date": "1966-01-01", "weekly_hours": 12}
YOUNGER = NOT_ELIGIBLE


@pytest.fixture
async def rv(api) -> Reviews:
    return await Reviews(api).setup()


async def join(rv: Reviews, worker, auth=None):
    return await rv.client.post("/v1/reviews/waitlist", headers=auth or rv.rep_auth,
                                json={"worker_id": worker["id"]})


async def queue(rv: Reviews, auth=None):
    response = await rv.client.get("/v1/reviews/waitlist", headers=auth or rv.rep_auth)
    assert response.status_code == 200, response.text
    return response.json()["items"]


async def test_priority_before_time_of_asking_and_a_lapsed_offer_passes_on(rv: Reviews, pool):
    younger, younger_auth = await rv.worker(**YOUNGER)
    older, _ = await rv.worker(**OLDER)
    assert (await join(rv, younger, younger_auth)).status_code == 201
    joined = await join(rv, older)
    assert joined.status_code == 201
    assert joined.json()["priority_score"] == 8
    assert {r["rule"] for r in joined.json()["reasons"]} == {
        "age_50_plus", "part_time", "insecure_contract"}

    entries = await queue(rv)
    assert [(e["worker_id"], e["position"], e["status"]) for e in entries] == [
        (older["id"], 1, "waiting"), (younger["id"], 2, "waiting")]

    slot = await rv.slot(at(days=3))
    assert slot["offered"] is True
    first, second = await queue(rv)
    assert (first["worker_id"], first["status"], first["offered_slot_id"]) == (
        older["id"], "offered", slot["id"])
    made = datetime.fromisoformat(first["offered_at"])
    assert datetime.fromisoformat(first["offer_expires_at"]) - made == timedelta(hours=24)
    assert second["status"] == "waiting" and second["offered_slot_id"] is None

    # while the offer holds, nobody else may book the slot, eligible or not
    someone, _ = await rv.worker()
    taken = await rv.book(someone, slot)
    assert taken.status_code == 409 and "offered to someone" in taken.json()["detail"]
    listed = await rv.client.get("/v1/slots", headers=await rv.api.worker_token(someone))
    assert listed.json()["items"] == []

    # a day later the offer has lapsed; the job passes it on, once, whichever instance runs
    later = datetime.fromisoformat(first["offer_expires_at"]) + timedelta(minutes=1)
    async with pool.acquire() as conn:
        assert await waitlist.pass_on_lapsed(conn, later, 24) == 1
        assert await waitlist.pass_on_lapsed(conn, later, 24) == 0
    first, second = await queue(rv)
    assert (first["worker_id"], first["status"], first["offered_slot_id"]) == (
        younger["id"], "offered", slot["id"])
    assert (second["worker_id"], second["status"], second["position"]) == (
        older["id"], "expired", None)

    # the younger worker is not directly eligible, but the offer lets them book it
    async with pool.acquire() as conn, conn.transaction():
        review = await service.book(conn, worker_principal(younger), uuid.UUID(younger["id"]),
                                    uuid.UUID(slot["id"]), later, 24)
    assert review.status == "booked"
    entry = next(e for e in await queue(rv) if e["worker_id"] == younger["id"])
    assert entry["status"] == "booked" and entry["review_id"] == str(review.id)


async def test_an_offer_lapsed_but_not_yet_passed_on_passes_on_at_booking(rv: Reviews, pool):
    older, _ = await rv.worker(**OLDER)
    await join(rv, older)
    younger, _ = await rv.worker(**YOUNGER)
    await join(rv, younger)
    slot = await rv.slot(at(days=3))
    eligible, _ = await rv.worker()
    later = at(hours=25)
    async with pool.acquire() as conn:
        with pytest.raises(Conflict, match="offered to someone"):
            async with conn.transaction():
                await service.book(conn, worker_principal(eligible), uuid.UUID(eligible["id"]),
                                   uuid.UUID(slot["id"]), later, 24)
    # the refused booking rolled back with it: the job still finds the lapsed offer
    async with pool.acquire() as conn:
        assert await waitlist.pass_on_lapsed(conn, later, 24) == 1
    assert (await queue(rv))[0]["worker_id"] == younger["id"]


async def test_an_offer_never_outlasts_the_slot(rv: Reviews):
    older, _ = await rv.worker(**OLDER)
    await join(rv, older)
    slot = await rv.slot(at(hours=5))
    entry = (await queue(rv))[0]
    assert entry["offered_slot_id"] == slot["id"]
    assert datetime.fromisoformat(entry["offer_expires_at"]) == datetime.fromisoformat(
        slot["starts_at"])


async def test_two_instances_pass_lapsed_offers_on_once(rv: Reviews, pool):
    first = [await rv.worker(**OLDER) for _ in range(3)]
    then = [await rv.worker(**YOUNGER) for _ in range(3)]
    for worker, _ in first + then:
        await join(rv, worker)
    slots = [await rv.slot(at(days=d)) for d in (3, 4, 5)]
    later = at(hours=25)

    async def instance() -> int:
        async with pool.acquire() as conn:
            return await waitlist.pass_on_lapsed(conn, later, 24, batch=1)

    counts = await asyncio.gather(instance(), instance())
    assert sum(counts) == 3
    entries = {e["worker_id"]: e for e in await queue(rv)}
    assert {entries[w["id"]]["status"] for w, _ in first} == {"expired"}
    assert sorted(entries[w["id"]]["offered_slot_id"] for w, _ in then) == sorted(
        s["id"] for s in slots)


async def test_joining_takes_a_free_slot_at_once(rv: Reviews):
    slot = await rv.slot()
    younger, auth = await rv.worker(**YOUNGER)
    entry = (await join(rv, younger, auth)).json()
    assert entry["status"] == "offered" and entry["offered_slot_id"] == slot["id"]
    assert (await rv.book(younger, slot, auth)).status_code == 201


async def test_a_cancellation_offers_the_freed_slot(rv: Reviews):
    slot = await rv.slot()
    booker, booker_auth = await rv.worker()
    review = (await rv.book(booker, slot, booker_auth)).json()
    waiting, _ = await rv.worker(**YOUNGER)
    assert (await join(rv, waiting)).json()["status"] == "waiting"
    await rv.client.post(f"/v1/reviews/{review['id']}/cancel", headers=booker_auth,
                         json={"reason": "shift changed"})
    entry = (await queue(rv))[0]
    assert entry["status"] == "offered" and entry["offered_slot_id"] == slot["id"]


async def test_a_rep_offers_out_of_order_only_with_a_reason_which_is_audited(rv: Reviews, pool):
    older, _ = await rv.worker(**OLDER)
    younger, _ = await rv.worker(**YOUNGER)
    await join(rv, older)
    younger_entry = (await join(rv, younger)).json()
    slot = await rv.slot()
    path = f"/v1/reviews/waitlist/{younger_entry['id']}/offer"
    no_reason = await rv.client.post(path, headers=rv.rep_auth, json={"slot_id": slot["id"]})
    assert no_reason.status_code == 422
    empty = await rv.client.post(path, headers=rv.rep_auth, json={"slot_id": slot["id"],
                                                                  "reason": ""})
    assert empty.status_code == 422
    worker_auth = await rv.api.worker_token(younger)
    assert (await rv.client.post(path, headers=worker_auth, json={
        "slot_id": slot["id"], "reason": "me first"})).status_code == 403
    response = await rv.client.post(path, headers=rv.rep_auth, json={
        "slot_id": slot["id"], "reason": "works nights; this is the only daytime slot"})
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "offered"
    assert response.json()["offer_reason"].startswith("works nights")
    first, second = await queue(rv)
    assert (first["worker_id"], first["status"]) == (older["id"], "waiting")
    assert (second["worker_id"], second["status"]) == (younger["id"], "offered")
    async with pool.acquire() as conn:
        row = await conn.fetchrow("SELECT actor_role, detail FROM audit_log "
                                  "WHERE action = 'reviews.waitlist.offer_out_of_order' "
                                  "AND detail IS NOT NULL")
    assert row["actor_role"] == "rep"
    assert row["detail"]["reason"].startswith("works nights")


async def test_waiting_list_refusals(rv: Reviews, api):
    booked, _ = await rv.worker()
    assert (await rv.book(booked, await rv.slot(at(days=5)))).status_code == 201
    upcoming = await join(rv, booked)
    assert upcoming.status_code == 409 and "upcoming review" in upcoming.json()["detail"]
    worker, auth = await rv.worker()
    assert (await join(rv, worker, auth)).status_code == 201
    twice = await join(rv, worker, auth)
    assert twice.status_code == 409 and twice.json()["errors"][0]["field"] == "worker_id"
    york_rep = await api.rep_token(await api.rep(branch=OTHER_BRANCH))
    assert (await join(rv, worker, york_rep)).status_code == 403
    assert (await rv.client.get("/v1/reviews/waitlist", headers=auth)).status_code == 403
    assert (await rv.client.get(f"/v1/reviews/waitlist?branch={OTHER_BRANCH}",
                                headers=rv.rep_auth)).status_code == 403
    assert (await rv.client.get("/v1/reviews/waitlist?cursor=x",
                                headers=rv.rep_auth)).status_code == 422


async def test_withdrawing_passes_an_offer_on(rv: Reviews):
    older, older_auth = await rv.worker(**OLDER)
    younger, _ = await rv.worker(**YOUNGER)
    entry = (await join(rv, older, older_auth)).json()
    await join(rv, younger)
    slot = await rv.slot()
    response = await rv.client.post(f"/v1/reviews/waitlist/{entry['id']}/withdraw",
                                    headers=older_auth)
    assert response.status_code == 200 and response.json()["status"] == "withdrawn"
    entries = await queue(rv)
    assert (entries[0]["worker_id"], entries[0]["offered_slot_id"]) == (younger["id"],
                                                                        slot["id"])
    assert (await rv.client.post(f"/v1/reviews/waitlist/{entry['id']}/withdraw",
                                 headers=older_auth)).status_code == 409


async def test_waiting_list_pages_keep_the_order(rv: Reviews):
    workers = [await rv.worker(**YOUNGER) for _ in range(3)]
    for worker, _ in workers:
        await join(rv, worker)
    first = await rv.client.get("/v1/reviews/waitlist?limit=2", headers=rv.rep_auth)
    rest = await rv.client.get("/v1/reviews/waitlist", headers=rv.rep_auth, params={
        "limit": 2, "cursor": first.json()["next_cursor"]})
    got = [e["worker_id"] for e in first.json()["items"] + rest.json()["items"]]
    assert got == [w["id"] for w, _ in workers]
    assert [e["position"] for e in rest.json()["items"]] == [3]
    assert rest.json()["next_cursor"] is None


def test_now_is_aware():
    assert service.utcnow().tzinfo is UTC


async def test_the_scheduler_round_passes_lapsed_offers_on(rv: Reviews, pool, settings):
    older, _ = await rv.worker(**OLDER)
    younger, _ = await rv.worker(**YOUNGER)
    await join(rv, older)
    await join(rv, younger)
    slot = await rv.slot()
    async with pool.acquire() as conn:  # the offer's day has passed
        await conn.execute("UPDATE review_waitlist SET offer_expires_at = now() - interval "
                           "'1 minute' WHERE status = 'offered'")
    said: list[str] = []
    await run_round(pool, settings, said.append)
    assert "review offers: 1 lapsed and passed on" in said
    entries = {e["worker_id"]: e for e in await queue(rv)}
    assert entries[younger["id"]]["offered_slot_id"] == slot["id"]
    assert entries[older["id"]]["status"] == "expired"


async def test_booking_another_slot_gives_up_the_offer_held(rv: Reviews, pool):
    older, older_auth = await rv.worker(**OLDER)
    await join(rv, older, older_auth)
    offered = await rv.slot(at(days=3))
    other = await rv.slot(at(days=2))  # nobody else waits: it stays free
    mine = await rv.client.get("/v1/slots", headers=older_auth)
    assert [(s["id"], s["offered"]) for s in mine.json()["items"]] == [
        (other["id"], False), (offered["id"], True)]  # the slot offered to them is shown
    # the older worker is directly eligible and books the other slot for themself
    assert (await rv.book(older, other, older_auth)).status_code == 201
    entry = (await queue(rv))[0]
    assert entry["status"] == "booked"
    async with pool.acquire() as conn:
        assert await conn.fetchval("SELECT offered FROM review_slots_shown WHERE id = $1",
                                   uuid.UUID(offered["id"])) is False
    # so the next to join is offered it at once
    younger, _ = await rv.worker(**YOUNGER)
    assert (await join(rv, younger)).json()["offered_slot_id"] == offered["id"]


async def test_a_moved_workers_entry_waits_in_their_current_branchs_queue(rv: Reviews, api):
    """An entry follows the worker's current branch: after a move it leaves the old branch's
    queue and is offered only the new branch's slots."""
    worker, _ = await rv.worker(**OLDER)
    entry = (await join(rv, worker)).json()
    moved = await rv.client.patch(f"/v1/workers/{worker['id']}", headers=rv.admin,
                                  json={"branch": OTHER_BRANCH})
    assert moved.status_code == 200, moved.text
    assert await queue(rv) == []
    leeds = await rv.slot()
    assert leeds["offered"] is False
    york = await api.rep(branch=OTHER_BRANCH)
    york_auth = await api.rep_token(york)
    york_slot = await rv.slot(rep=york)
    (shown,) = await queue(rv, york_auth)
    assert (shown["id"], shown["status"], shown["offered_slot_id"], shown["branch"]) == (
        entry["id"], "offered", york_slot["id"], OTHER_BRANCH)


async def test_an_offer_taken_back_by_a_slot_cancellation_takes_another_free_slot(rv: Reviews):
    worker, _ = await rv.worker(**OLDER)
    await join(rv, worker)
    offered = await rv.slot(at(days=3))
    free = await rv.slot(at(days=4))
    assert (offered["offered"], free["offered"]) == (True, False)
    cancelled = await rv.client.post(f"/v1/slots/{offered['id']}/cancel", headers=rv.rep_auth,
                                     json={"reason": "rep off sick"})
    assert cancelled.status_code == 200, cancelled.text
    (entry,) = await queue(rv)
    assert (entry["status"], entry["offered_slot_id"]) == ("offered", free["id"])


async def test_an_entry_displaced_out_of_order_takes_another_free_slot(rv: Reviews, pool):
    """The younger entry holds a slot that starts before the rep's out-of-order offer (so it
    cannot pass on to the older entry the offer displaces); the older takes the free slot."""
    younger, _ = await rv.worker(**YOUNGER)
    younger_entry = (await join(rv, younger)).json()
    await rv.slot(at(hours=2))
    older, _ = await rv.worker(**OLDER)
    await join(rv, older)
    held = await rv.slot(at(days=3))
    free = await rv.slot(at(days=4))
    assert (held["offered"], free["offered"]) == (True, False)
    async with pool.acquire() as conn, conn.transaction():
        await waitlist.offer_out_of_order(
            conn, rv.rep_principal(), uuid.UUID(younger_entry["id"]),
            OfferIn(uuid.UUID(held["id"]), "only slot after their shift"), at(hours=3), 24)
    by_worker = {e["worker_id"]: e for e in await queue(rv)}
    assert (by_worker[younger["id"]]["status"], by_worker[younger["id"]]["offered_slot_id"]) == (
        "offered", held["id"])
    assert (by_worker[older["id"]]["status"], by_worker[older["id"]]["offered_slot_id"]) == (
        "offered", free["id"])


@pytest.mark.parametrize("first", ["book", "join"])
async def test_a_join_racing_a_booking_leaves_no_waiting_entry_beside_the_review(
        rv: Reviews, pool, first):
    """Booking and joining take the worker's row lock, so the second waits for the first:
    a join after a booking is refused (409), and a booking after a join marks the entry
    booked. Without the lock a join after an uncommitted booking goes through, leaving a
    review and an entry still waiting (the other order is also held by the slot locks of the
    join's offer)."""
    await rv.slot(at(days=3))  # the join is offered this one: the booking takes the other
    slot = await rv.slot(at(days=4))
    worker, _ = await rv.worker()
    worker_id, now = uuid.UUID(worker["id"]), datetime.now(UTC)

    async def book(conn):
        return await service.book(conn, rv.rep_principal(), worker_id, uuid.UUID(slot["id"]),
                                  now, 24)

    async def join_(conn):
        return await waitlist.join(conn, rv.rep_principal(), worker_id, now, 24)

    steps = {"book": book, "join": join_}
    second_step = steps["join" if first == "book" else "book"]
    async with pool.acquire() as holder, pool.acquire() as other:
        async def second():
            async with other.transaction():
                return await second_step(other)

        transaction = holder.transaction()
        await transaction.start()
        await steps[first](holder)
        racer = asyncio.create_task(second())
        await wait_for_lock_wait(pool, holder, racer)
        await transaction.commit()
        if first == "book":
            with pytest.raises(Conflict):
                await racer
        else:
            await racer
    async with pool.acquire() as conn:
        statuses = await conn.fetch("SELECT status FROM review_waitlist WHERE worker_id = $1",
                                    worker_id)
        reviews = await conn.fetchval("SELECT count(*) FROM reviews WHERE worker_id = $1 "
                                      "AND status = 'booked'", worker_id)
    assert reviews == 1
    assert [r["status"] for r in statuses] == ([] if first == "book" else ["booked"])
