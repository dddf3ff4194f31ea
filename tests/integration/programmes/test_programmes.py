"""Programmes: creating and widening marks exactly the matching workers, links them and
recomputes their priority; members added and removed by hand; who may; bad input."""

import uuid

import pytest

from service.accounts import service as accounts
from tests.integration.programmes.helpers import (
    COMPUTER_SCIENTIST,
    DATA_ENTRY_CLERK,
    PAYROLL_CLERK,
    create_programme,
    members,
    programme_body,
    worker,
)
from tests.integration.reviews.helpers import NOT_ELIGIBLE, Reviews, at

pytestmark = pytest.mark.usefixtures("reference_data")

YOUNG = {"birth_date": "1990-01-01", "contract_type": "permanent", "weekly_hours": 37,
         "highest_qualification": "4"}


async def test_creating_a_programme_flags_exactly_the_matching_workers(api, pool):
    matched = await api.worker(occupation=PAYROLL_CLERK, **YOUNG)
    already = await api.worker(occupation=PAYROLL_CLERK, facing_redundancy=True, **YOUNG)
    other_job = await api.worker(occupation=DATA_ENTRY_CLERK, **YOUNG)
    other_employer = await api.worker(occupation=PAYROLL_CLERK, employer="York Council", **YOUNG)
    no_job = await api.worker(**YOUNG)
    before = matched["priority_score"]

    change = await create_programme(api)
    assert (change["workers_added"], change["newly_facing_redundancy"],
            change["priority_changed"], change["note"]) == (2, 1, 1, None)
    assert change["programme"]["workers"] == 2
    programme_id = change["programme"]["id"]
    assert {m["worker_id"] for m in await members(api, programme_id)} == {matched["id"],
                                                                        already["id"]}
    now = await worker(api, matched["id"])
    assert now["facing_redundancy"] is True
    priority = (await api.client.get(f"/v1/workers/{matched['id']}/priority",
                                     headers=await api.admin())).json()
    assert now["priority_score"] == priority["score"] == before + 3
    assert "facing_redundancy" in {r["rule"] for r in priority["reasons"]}
    for untouched in (other_job, other_employer, no_job):
        assert await worker(api, untouched["id"]) | {"updated_at": None} == untouched | {
            "updated_at": None}
    async with pool.acquire() as conn:
        audited = await conn.fetch("SELECT action, worker_id, detail FROM audit_log "
                                   "WHERE action LIKE 'programmes.%' OR action = "
                                   "'worker.priority.programme' ORDER BY id")
    assert {(r["action"], str(r["worker_id"])) for r in audited} == {
        ("programmes.member.add", matched["id"]), ("programmes.member.add", already["id"]),
        ("worker.priority.programme", matched["id"])}


async def test_widening_adds_the_workers_of_the_new_occupations(api):
    clerk = await api.worker(occupation=DATA_ENTRY_CLERK, **YOUNG)
    programme = (await create_programme(api))["programme"]
    response = await api.client.post(f"/v1/programmes/{programme['id']}/occupations",
                                     json={"occupations": [DATA_ENTRY_CLERK, PAYROLL_CLERK],
                                           "reason": "data entry goes too"},
                                     headers=await api.admin())
    assert response.status_code == 200, response.text
    change = response.json()
    assert change["workers_added"] == 1 and change["programme"]["workers"] == 1
    assert change["programme"]["occupations"] == [PAYROLL_CLERK, DATA_ENTRY_CLERK]
    widened = await worker(api, clerk["id"])
    assert widened["facing_redundancy"] is True
    assert (change["newly_facing_redundancy"], change["priority_changed"]) == (1, 1)
    priority = (await api.client.get(f"/v1/workers/{clerk['id']}/priority",
                                     headers=await api.admin())).json()
    assert widened["priority_score"] == priority["score"] == clerk["priority_score"] + 3


async def test_a_programme_matching_nobody_is_made_and_says_so(api):
    change = await create_programme(api, employer="Nobody Here Ltd")
    assert change["workers_added"] == 0 and change["programme"]["workers"] == 0
    assert "no worker of 'Nobody Here Ltd'" in change["note"]
    listed = (await api.client.get("/v1/programmes", headers=await api.admin())).json()
    assert [p["id"] for p in listed["items"]] == [change["programme"]["id"]]
    one = await api.client.get(f"/v1/programmes/{change['programme']['id']}",
                               headers=await api.admin())
    assert one.status_code == 200 and one.json() == change["programme"]


@pytest.mark.parametrize(("fields", "field"), [
    ({"occupations": [PAYROLL_CLERK, "9999.9"]}, "occupations[1]"),
    ({"occupations": ["not an occupation"]}, "occupations[0]"),
    ({"announced_on": "2026-07-01", "last_day": "2026-06-30"}, "last_day"),
    ({"last_day": "9999-12-31"}, "last_day"),  # no twelve-month window after it
    ({"announced_on": "0001-01-01"}, "announced_on"),
    ({"occupations": []}, "occupations"),
    ({"employer": ""}, "employer"),
])
async def test_bad_programmes_are_refused_naming_the_field(api, fields, field):
    response = await api.client.post("/v1/programmes", json=programme_body(**fields),
                                     headers=await api.admin())
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert [e["field"] for e in response.json()["errors"]] == [field]
    listed = (await api.client.get("/v1/programmes", headers=await api.admin())).json()
    assert listed["items"] == []


async def test_only_admins_handle_programmes(api):
    rep = await api.rep()
    member = await api.worker()
    for auth in (await api.rep_token(rep), await api.worker_token(member)):
        assert (await api.client.post("/v1/programmes", json=programme_body(),
                                      headers=auth)).status_code == 403
        assert (await api.client.get("/v1/programmes", headers=auth)).status_code == 403
    missing = await api.client.get(f"/v1/programmes/{uuid.uuid4()}", headers=await api.admin())
    assert missing.status_code == 404


async def test_members_are_added_and_removed_with_a_reason(api):
    programme = (await create_programme(api))["programme"]
    path = f"/v1/programmes/{programme['id']}/members"
    admin = await api.admin()
    person = await api.worker(occupation=COMPUTER_SCIENTIST, **YOUNG)
    stranger = await api.worker(employer="York Council", **YOUNG)

    added = await api.client.post(path, json={"worker_id": person["id"], "reason": "told HR "
                                              "they are affected"}, headers=admin)
    assert added.status_code == 201, added.text
    assert added.json()["source"] == "added"
    assert added.json()["added_reason"] == "told HR they are affected"
    marked = await worker(api, person["id"])
    assert marked["facing_redundancy"] and marked["priority_score"] == person["priority_score"] + 3
    again = await api.client.post(path, json={"worker_id": person["id"], "reason": "x"},
                                  headers=admin)
    assert again.status_code == 409
    elsewhere = await api.client.post(path, json={"worker_id": stranger["id"], "reason": "x"},
                                      headers=admin)
    assert elsewhere.status_code == 422 and elsewhere.json()["errors"][0]["field"] == "worker_id"
    nobody = await api.client.post(path, json={"worker_id": str(uuid.uuid4()), "reason": "x"},
                                   headers=admin)
    assert nobody.status_code == 404

    removed = await api.client.post(f"{path}/{person['id']}/remove",
                                    json={"reason": "redeployed within the council"},
                                    headers=admin)
    assert removed.status_code == 200, removed.text
    assert removed.json()["removed_reason"] == "redeployed within the council"
    cleared = await worker(api, person["id"])
    assert not cleared["facing_redundancy"]
    assert cleared["priority_score"] == person["priority_score"]
    twice = await api.client.post(f"{path}/{person['id']}/remove", json={"reason": "x"},
                                  headers=admin)
    assert twice.status_code == 404
    assert await members(api, programme["id"]) == []
    assert [m["worker_id"] for m in await members(api, programme["id"], current=False)] == [
        person["id"]]


async def test_a_removed_member_is_not_matched_again_and_keeps_an_earlier_mark(api):
    affected = await api.worker(occupation=PAYROLL_CLERK, facing_redundancy=True, **YOUNG)
    removed_one = await api.worker(occupation=PAYROLL_CLERK, **YOUNG)
    programme = (await create_programme(api))["programme"]
    path = f"/v1/programmes/{programme['id']}"
    admin = await api.admin()
    for person in (affected, removed_one):
        response = await api.client.post(f"{path}/members/{person['id']}/remove",
                                         json={"reason": "role kept"}, headers=admin)
        assert response.status_code == 200
    # the mark made before the programme stays; the programme's own is cleared
    assert (await worker(api, affected["id"]))["facing_redundancy"] is True
    assert (await worker(api, removed_one["id"]))["facing_redundancy"] is False
    widen = await api.client.post(f"{path}/occupations", json={
        "occupations": [DATA_ENTRY_CLERK], "reason": "more"}, headers=admin)
    assert widen.json()["workers_added"] == 0
    assert (await worker(api, removed_one["id"]))["facing_redundancy"] is False


async def test_a_programme_member_may_book_a_review_directly(api):
    rv = await Reviews(api).setup()
    person, auth = await rv.worker(occupation=COMPUTER_SCIENTIST, **NOT_ELIGIBLE)
    slot = await rv.slot(at(days=3))
    refused = await rv.book(person, slot, auth)
    assert refused.status_code == 403 and refused.json()["type"] == "/problems/not-eligible"
    await create_programme(api, occupations=[COMPUTER_SCIENTIST])
    booked = await rv.book(person, slot, auth)
    assert booked.status_code == 201, booked.text


async def test_a_member_qualifies_for_the_retraining_top_up_once(api, pool):
    """Choosing a pathway (matching) will call this; here: a member's record qualifies them,
    and the ledger grants it once."""
    person = await api.worker(**YOUNG)
    programme = (await create_programme(api, occupations=[COMPUTER_SCIENTIST]))["programme"]
    added = await api.client.post(f"/v1/programmes/{programme['id']}/members",
                                  json={"worker_id": person["id"], "reason": "affected"},
                                  headers=await api.admin())
    assert added.status_code == 201
    async with pool.acquire() as conn, conn.transaction():
        worker_id = uuid.UUID(person["id"])
        first = await accounts.grant_retraining_topup(conn, worker_id, "facing_redundancy")
        assert first is not None and first.amount_pence == 150_000
        assert await accounts.grant_retraining_topup(conn, worker_id, "facing_redundancy") is None
