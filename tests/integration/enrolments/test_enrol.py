"""Enrolling: a hold for the cost with consent recorded, the waiting list of a full
presentation, and every bad input refused with no hold left behind."""

import uuid

import pytest

from tests.integration.enrolments.helpers import (
    COST,
    OTHER_BRANCH,
    Enrolments,
    course,
    days_ahead,
    presentation,
)


@pytest.fixture
async def en(api) -> Enrolments:
    return await Enrolments(api).setup()


async def test_enrolling_places_a_hold_and_records_consent(en: Enrolments):
    pid = await en.offer(min_places=4)
    worker, auth = await en.worker(credit=100_000)
    response = await en.enrol(worker, pid, auth)
    assert response.status_code == 201, response.text
    enrolment = response.json()
    assert enrolment["status"] == "booked" and enrolment["hold_id"]
    assert enrolment["cost_pence"] == COST and enrolment["requested_by"].startswith("worker: ")
    assert enrolment["presentation"] | {"title": None} == {
        "title": None, "starts_on": days_ahead(30), "ends_on": days_ahead(90), "places": 10,
        "places_taken": 1, "places_left": 9, "waiting": 0, "min_places": 4,
        "needed_to_run": 3}
    account = await en.account(worker)
    assert (account["held_pence"], account["available_pence"]) == (COST, 100_000 - COST)
    consents = (await en.client.get(f"/v1/workers/{worker['id']}/consents",
                                    headers=auth)).json()["items"]
    assert [(c["id"], c["purpose"], c["provider_id"], c["ukprn"], c["in_force"])
            for c in consents] == [(enrolment["consent_id"], "share_with_provider",
                                    en.provider["id"], en.provider["ukprn"], True)]
    assert consents[0]["given_by"].startswith("worker: ")


async def test_min_places_optional_and_needed_to_run_counts_down(en: Enrolments):
    pid = await en.offer(min_places=2)
    first, _ = await en.worker()
    second, _ = await en.worker()
    assert (await en.enrol(first, pid)).json()["presentation"]["needed_to_run"] == 1
    assert (await en.enrol(second, pid)).json()["presentation"]["needed_to_run"] == 0
    await en.catalogue(course(ref="C2", presentations=[presentation()]))
    other = await en.presentation_id(course_ref="C2")
    shown = (await en.enrol(first, other)).json()["presentation"]
    assert shown["min_places"] is None and shown["needed_to_run"] is None


async def test_a_min_class_size_above_the_places_is_rejected_by_the_sync(en: Enrolments):
    response = await en.api.client.put(
        f"/v1/providers/{en.provider['ukprn']}/catalogue", headers=en.admin,
        json={"courses": [course(presentations=[presentation(places=5, min_places=6)])]})
    report = response.json()
    assert report["rejected"] == 1
    assert "min_places" in report["rejected_records"][0]["reasons"][0]


async def test_a_rep_enrols_a_worker_of_their_branch_only(en: Enrolments):
    pid = await en.offer()
    ours, _ = await en.worker()
    theirs, _ = await en.worker(branch=OTHER_BRANCH)
    assert (await en.enrol(ours, pid, en.rep_auth)).json()["requested_by"].startswith("rep: ")
    refused = await en.enrol(theirs, pid, en.rep_auth)
    assert refused.status_code == 403
    assert await en.holds() == 1


async def test_roles_that_may_not_enrol(en: Enrolments):
    pid = await en.offer()
    worker, _ = await en.worker()
    other, other_auth = await en.worker()
    assert (await en.enrol(worker, pid, other_auth)).status_code == 403  # someone else
    assert (await en.enrol(worker, pid, en.college)).status_code == 403
    assert (await en.enrol(worker, pid, en.admin)).status_code == 403
    assert await en.holds() == 0


async def test_too_little_credit_is_422_naming_the_shortfall(en: Enrolments):
    pid = await en.offer()
    worker, auth = await en.worker(credit=10_050)
    response = await en.enrol(worker, pid, auth)
    assert response.status_code == 422
    problem = response.json()
    assert problem["type"] == "/problems/insufficient-credit"
    assert "£149.50 short" in problem["detail"] and "£250.00" in problem["detail"]
    assert problem["errors"][0]["field"] == "presentation_id"
    assert await en.holds() == 0
    assert (await en.account(worker))["held_pence"] == 0
    listed = await en.client.get(f"/v1/workers/{worker['id']}/consents", headers=auth)
    assert listed.json()["items"] == []  # nothing of the refused request is kept


async def test_earmarked_money_for_the_course_is_used_first(en: Enrolments):
    from tests.integration.accounts.helpers import contribute
    pid = await en.offer()
    worker, auth = await en.worker(credit=20_000)
    async with en.pool.acquire() as conn:
        course_id = await conn.fetchval("SELECT course_id FROM presentations WHERE id = $1",
                                        uuid.UUID(pid))
    await contribute(en.api, worker, 10_000, earmark={"kind": "course", "id": str(course_id)})
    assert (await en.enrol(worker, pid, auth)).status_code == 201
    async with en.pool.acquire() as conn:
        pots = await conn.fetch("SELECT pot, amount_pence FROM ledger_entries "
                                "WHERE worker_id = $1 AND kind = 'hold' ORDER BY seq",
                                uuid.UUID(worker["id"]))
    assert [(r["pot"], r["amount_pence"]) for r in pots] == [(f"course:{course_id}", 10_000),
                                                             ("general", 15_000)]


async def test_no_consent_is_refused(en: Enrolments):
    pid = await en.offer()
    worker, auth = await en.worker()
    refused = await en.enrol(worker, pid, auth, consent=False)
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "consent_to_share"
    missing = await en.client.post("/v1/enrolments", headers=auth,
                                   json={"worker_id": worker["id"], "presentation_id": pid})
    assert missing.status_code == 422
    assert missing.json()["errors"][0]["field"] == "consent_to_share"
    as_text = await en.enrol(worker, pid, auth, consent="true")
    assert as_text.status_code == 422
    assert await en.holds() == 0


async def test_unknown_withdrawn_and_past_presentations_are_refused(en: Enrolments):
    await en.catalogue(course(presentations=[presentation("P1"), presentation("P2")]),
                       course(ref="C2", presentations=[presentation("P3")]))
    withdrawn = await en.presentation_id("P2")
    gone_course = await en.presentation_id("P3", "C2")
    past = await en.presentation_id("P1")
    await en.catalogue(course(presentations=[presentation("P1")]))  # P2 and C2 withdrawn
    await en.move_start(past, 0)
    worker, auth = await en.worker()
    unknown = await en.enrol(worker, str(uuid.uuid4()), auth)
    assert unknown.status_code == 404
    assert unknown.json()["errors"][0]["field"] == "presentation_id"
    for pid, words in ((withdrawn, "withdrawn"), (gone_course, "withdrawn"),
                       (past, "started")):
        response = await en.enrol(worker, pid, auth)
        assert response.status_code == 409, response.text
        assert words in response.json()["detail"]
        assert response.json()["errors"][0]["field"] == "presentation_id"
    assert await en.holds() == 0


async def test_a_presentation_with_no_cost_is_refused_and_a_free_one_needs_no_hold(
        en: Enrolments):
    await en.catalogue(course(presentations=[presentation("P1", cost_pence=None),
                                             presentation("P2", cost_pence=0)]))
    worker, auth = await en.worker(credit=0)
    no_cost = await en.enrol(worker, await en.presentation_id("P1"), auth)
    assert no_cost.status_code == 409 and "cost" in no_cost.json()["detail"]
    free = await en.enrol(worker, await en.presentation_id("P2"), auth)
    assert free.status_code == 201 and free.json()["status"] == "booked"
    assert free.json()["hold_id"] is None
    assert await en.holds() == 0


async def test_a_second_enrolment_on_the_same_presentation_is_refused(en: Enrolments):
    pid = await en.offer(places=1)
    worker, auth = await en.worker()
    waiter, waiter_auth = await en.worker()
    assert (await en.enrol(worker, pid, auth)).status_code == 201
    assert (await en.enrol(waiter, pid, waiter_auth)).json()["status"] == "waiting"
    for who, token in ((worker, auth), (waiter, waiter_auth)):
        again = await en.enrol(who, pid, token)
        assert again.status_code == 409
        assert again.json()["errors"][0]["field"] == "presentation_id"
    assert await en.holds() == 1
    assert (await en.account(worker))["held_pence"] == COST


async def test_a_full_presentation_puts_the_worker_on_its_waiting_list(en: Enrolments):
    pid = await en.offer(places=1)
    first, _ = await en.worker()
    low, low_auth = await en.worker(birth_date="1995-01-01")  # priority 0
    high, _ = await en.worker(birth_date="1960-01-01", contract_type="zero_hours")
    assert (await en.enrol(first, pid)).json()["status"] == "booked"
    waiting = (await en.enrol(low, pid)).json()
    assert (waiting["status"], waiting["hold_id"], waiting["position"]) == ("waiting", None, 1)
    assert (await en.enrol(high, pid)).json()["position"] == 1  # higher priority goes first
    mine = (await en.client.get(f"/v1/workers/{low['id']}/enrolments",
                                headers=low_auth)).json()["items"]
    assert [(e["status"], e["position"]) for e in mine] == [("waiting", 2)]
    assert mine[0]["presentation"]["waiting"] == 2
    assert (await en.account(low))["held_pence"] == 0


async def test_idempotency_key_replays_the_first_answer(en: Enrolments):
    pid = await en.offer()
    worker, auth = await en.worker()
    key = {"Idempotency-Key": str(uuid.uuid4())}
    first = await en.enrol(worker, pid, auth, headers=key)
    again = await en.enrol(worker, pid, auth, headers=key)
    assert first.status_code == again.status_code == 201
    assert again.content == first.content and again.headers["idempotent-replayed"] == "true"
    assert await en.holds() == 1
    without = await en.enrol(worker, pid, auth)
    assert without.status_code == 409  # no key: the request is made again, and refused


async def test_enrolments_are_audited(en: Enrolments):
    pid = await en.offer()
    worker, auth = await en.worker()
    await en.enrol(worker, pid, auth)
    await en.client.get(f"/v1/workers/{worker['id']}/enrolments", headers=en.rep_auth)
    entries = (await en.client.get(f"/v1/audit?worker={worker['id']}",
                                   headers=en.admin)).json()["items"]
    actions = {e["action"] for e in entries}
    assert {"enrolments.enrol", "enrolments.book", "consents.give",
            "enrolments.read"} <= actions
