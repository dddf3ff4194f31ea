"""Cancelling (the hold released 7+ days ahead, settled later unless the college cancels), the
college's start (settles the hold to it) and completion (the course's skills in the profile),
offers from the waiting list and their expiry."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from service.enrolments import places
from tests.integration.enrolments.helpers import (
    COST,
    Enrolments,
    course,
    presentation,
)

FIRST_AID = "http://data.europa.eu/esco/skill/f7464f30-662b-4177-85a0-3df9693e9e58"


@pytest.fixture
async def en(api) -> Enrolments:
    return await Enrolments(api).setup()


async def booked(en: Enrolments, pid: str, **fields):
    worker, auth = await en.worker(**fields)
    response = await en.enrol(worker, pid, auth)
    assert response.status_code == 201, response.text
    return worker, auth, response.json()


async def settlements(en: Enrolments, provider_id: str) -> int:
    async with en.pool.acquire() as conn:
        return await conn.fetchval("SELECT coalesce(sum(amount_pence), 0) FROM ledger_entries "
                                   "WHERE kind = 'settlement' AND provider_id = $1",
                                   uuid.UUID(provider_id))


async def test_cancelling_7_days_ahead_releases_the_hold(en: Enrolments):
    pid = await en.offer()
    await en.move_start(pid, 7)
    worker, auth, enrolment = await booked(en, pid)
    response = await en.act(enrolment, "cancel", auth, reason="shift pattern changed")
    assert response.status_code == 200, response.text
    cancelled = response.json()
    assert (cancelled["status"], cancelled["hold_outcome"], cancelled["late_cancellation"]) == (
        "cancelled", "released", False)
    account = await en.account(worker)
    assert (account["held_pence"], account["available_pence"]) == (0, 100_000)
    assert (await en.act(enrolment, "cancel", auth)).status_code == 409
    again = await en.enrol(worker, pid, auth)  # a cancelled enrolment frees the worker too
    assert again.status_code == 201


async def test_cancelling_later_settles_the_hold_to_the_college(en: Enrolments):
    pid = await en.offer()
    await en.move_start(pid, 6)
    worker, auth, enrolment = await booked(en, pid)
    cancelled = (await en.act(enrolment, "cancel", en.rep_auth)).json()
    assert (cancelled["hold_outcome"], cancelled["late_cancellation"]) == ("settled", True)
    account = await en.account(worker)
    assert (account["held_pence"], account["balance_pence"]) == (0, 100_000 - COST)
    assert await settlements(en, en.provider["id"]) == COST


async def test_the_college_cancelling_late_releases_the_hold(en: Enrolments):
    pid = await en.offer()
    await en.move_start(pid, 1)
    worker, _, enrolment = await booked(en, pid)
    cancelled = (await en.act(enrolment, "cancel", en.college)).json()
    assert (cancelled["hold_outcome"], cancelled["late_cancellation"]) == ("released", False)
    assert cancelled["cancelled_by"].startswith("college: ")
    assert (await en.account(worker))["available_pence"] == 100_000
    assert await settlements(en, en.provider["id"]) == 0


async def test_start_settles_to_the_college_and_complete_records_skills(en: Enrolments,
                                                                         reference_data):
    await en.catalogue(course(skill_uris=[FIRST_AID]))
    pid = await en.presentation_id()
    worker, auth, enrolment = await booked(en, pid)
    early = await en.act(enrolment, "start")
    assert early.status_code == 409 and "starts on" in early.json()["detail"]
    assert (await en.act(enrolment, "complete")).status_code == 409  # not started
    await en.move_start(pid, 0)
    assert (await en.act(enrolment, "start", auth)).status_code == 403  # the worker may not
    started = await en.act(enrolment, "start")
    assert started.status_code == 200, started.text
    assert (started.json()["status"], started.json()["hold_outcome"]) == ("started", "settled")
    assert await settlements(en, en.provider["id"]) == COST
    account = await en.account(worker)
    assert (account["balance_pence"], account["held_pence"]) == (100_000 - COST, 0)
    assert (await en.act(enrolment, "start")).status_code == 409  # only once
    assert (await en.act(enrolment, "cancel", auth)).status_code == 409
    done = await en.act(enrolment, "complete")
    assert done.status_code == 200 and done.json()["status"] == "completed"
    skills = (await en.client.get(f"/v1/workers/{worker['id']}/skills",
                                  headers=auth)).json()["items"]
    entry = next(s for s in skills if s["uri"] == FIRST_AID)
    assert (entry["level"], entry["source"]) == (2, "course")
    assert (await en.act(enrolment, "complete")).status_code == 409


async def test_a_college_cannot_act_on_another_colleges_enrolment(en: Enrolments):
    pid = await en.offer()
    other = await en.api.provider(name="Another College")
    other_auth = await en.api.college_token(other)
    worker, _, enrolment = await booked(en, pid)
    await en.move_start(pid, 0)
    for action in ("start", "complete", "cancel"):
        refused = await en.act(enrolment, action, other_auth)
        assert refused.status_code == 403, action
    assert (await en.account(worker))["held_pence"] == COST
    unknown = await en.client.post(f"/v1/enrolments/{uuid.uuid4()}/start", headers=en.college)
    assert unknown.status_code == 404


async def test_a_waiting_enrolment_cannot_be_started(en: Enrolments):
    pid = await en.offer(places=1)
    await booked(en, pid)
    waiter, _, waiting = await booked(en, pid)
    assert waiting["status"] == "waiting"
    await en.move_start(pid, 0)
    refused = await en.act(waiting, "start")
    assert refused.status_code == 409 and "waiting" in refused.json()["detail"]
    assert await settlements(en, en.provider["id"]) == 0


async def test_a_cancelled_place_is_offered_to_the_first_in_line(en: Enrolments, pool):
    pid = await en.offer(places=1)
    _, auth, holder = await booked(en, pid)
    low, _, _ = await booked(en, pid, birth_date="1995-01-01")
    high, high_auth, first = await booked(en, pid, birth_date="1960-01-01",
                                          contract_type="zero_hours")
    await en.act(holder, "cancel", auth)
    offered = (await en.client.get(f"/v1/enrolments/{first['id']}", headers=high_auth)).json()
    assert offered["status"] == "offered" and offered["offer_expires_at"]
    expires = datetime.fromisoformat(offered["offer_expires_at"])
    assert timedelta(hours=47) < expires - datetime.now(UTC) <= timedelta(hours=48)
    assert (await en.account(high))["held_pence"] == 0  # no hold until accepted
    async with pool.acquire() as conn:
        sent = await conn.fetch("SELECT kind, recipient FROM outbox WHERE worker_id = $1",
                                uuid.UUID(high["id"]))
    assert [r["kind"] for r in sent] == ["enrolment.offered"]
    accepted = await en.act(first, "accept", high_auth)
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["status"] == "booked" and accepted.json()["hold_id"]
    assert (await en.account(high))["held_pence"] == COST
    assert (await en.act(first, "accept", high_auth)).status_code == 409


async def test_an_offer_that_lapses_passes_on_through_the_job(en: Enrolments, pool):
    pid = await en.offer(places=1)
    _, auth, holder = await booked(en, pid)
    _, first_auth, first = await booked(en, pid, birth_date="1960-01-01")
    _, second_auth, second = await booked(en, pid)
    await en.act(holder, "cancel", auth)
    later = datetime.now(UTC) + timedelta(hours=49)
    async with pool.acquire() as conn:
        assert await places.pass_on_lapsed(conn, later, 48) == 1
        assert await places.pass_on_lapsed(conn, later, 48) == 0
    lapsed = (await en.client.get(f"/v1/enrolments/{first['id']}", headers=first_auth)).json()
    assert lapsed["status"] == "expired"
    nxt = (await en.client.get(f"/v1/enrolments/{second['id']}", headers=second_auth)).json()
    assert nxt["status"] == "offered"


async def test_an_expired_offer_cannot_be_accepted(en: Enrolments, pool):
    pid = await en.offer(places=1)
    _, auth, holder = await booked(en, pid)
    worker, first_auth, first = await booked(en, pid)
    await en.act(holder, "cancel", auth)
    async with pool.acquire() as conn:
        await conn.execute("UPDATE enrolments SET offer_expires_at = now() - interval '1 second'"
                           " WHERE id = $1", uuid.UUID(first["id"]))
    refused = await en.act(first, "accept", first_auth)
    assert refused.status_code == 409 and "lapsed" in refused.json()["detail"]
    assert (await en.account(worker))["held_pence"] == 0


async def test_accepting_with_too_little_credit_keeps_the_offer(en: Enrolments):
    pid = await en.offer(places=1)
    _, auth, holder = await booked(en, pid)
    poor, poor_auth, waiting = await booked(en, pid, credit=5_000)
    await en.act(holder, "cancel", auth)
    refused = await en.act(waiting, "accept", poor_auth)
    assert refused.status_code == 422 and "£200.00 short" in refused.json()["detail"]
    still = (await en.client.get(f"/v1/enrolments/{waiting['id']}", headers=poor_auth)).json()
    assert still["status"] == "offered"
    assert await en.holds("open") == 0


async def test_leaving_the_waiting_list(en: Enrolments):
    pid = await en.offer(places=1)
    await booked(en, pid)
    _, auth, waiting = await booked(en, pid)
    left = (await en.act(waiting, "cancel", auth)).json()
    assert (left["status"], left["hold_outcome"]) == ("cancelled", None)


async def test_places_raised_by_a_sync_are_offered_by_the_job(en: Enrolments, pool):
    pid = await en.offer(places=1)
    await booked(en, pid)
    _, auth, waiting = await booked(en, pid)
    await en.catalogue(course(presentations=[presentation(places=2)]))
    async with pool.acquire() as conn:
        assert await places.pass_on_lapsed(conn, datetime.now(UTC), 48) == 1
    shown = (await en.client.get(f"/v1/enrolments/{waiting['id']}", headers=auth)).json()
    assert shown["status"] == "offered"


async def test_an_offer_on_a_presentation_withdrawn_since_cannot_be_accepted(en: Enrolments):
    pid = await en.offer(places=1)
    _, auth, holder = await booked(en, pid)
    worker, first_auth, first = await booked(en, pid)
    await en.act(holder, "cancel", auth)
    await en.catalogue(course(ref="C2"))  # C1 and its presentation withdrawn
    refused = await en.act(first, "accept", first_auth)
    assert refused.status_code == 409 and "withdrawn" in refused.json()["detail"]
    assert (await en.account(worker))["held_pence"] == 0
