"""What a college sees of its enrolments (name, email only under consent, course, status), and
the worker's consents: listing, withdrawing (which hides the email at once), audited."""

import uuid
from typing import Any

import pytest

from tests.integration.enrolments.helpers import OTHER_BRANCH, Enrolments, course


@pytest.fixture
async def en(api) -> Enrolments:
    return await Enrolments(api).setup()


async def test_a_college_sees_name_email_course_and_status_of_its_own(en: Enrolments):
    pid = await en.offer(places=1, min_places=1)
    worker, auth = await en.worker(name="Maureen Walsh", email="maureen@example.org")
    waiter, _ = await en.worker()
    enrolment = (await en.enrol(worker, pid, auth)).json()
    await en.enrol(waiter, pid)
    response = await en.provider_list()
    assert response.status_code == 200, response.text
    items = response.json()["items"]
    assert len(items) == 1  # the worker only waiting is not sent to the college
    item = items[0]
    assert (item["id"], item["worker_name"], item["worker_email"], item["course_title"],
            item["status"]) == (enrolment["id"], "Maureen Walsh", "maureen@example.org",
                                "Spreadsheets for work", "booked")
    assert item["presentation"]["needed_to_run"] == 0 and item["presentation"]["waiting"] == 1
    assert not {"worker_id", "birth_date", "priority_score", "branch"} & set(item)
    audit = (await en.client.get(f"/v1/audit?worker={worker['id']}",
                                 headers=en.admin)).json()["items"]
    assert "enrolments.provider_list" in {e["action"] for e in audit}


async def test_a_college_lists_only_its_own(en: Enrolments):
    pid = await en.offer()
    worker, auth = await en.worker()
    await en.enrol(worker, pid, auth)
    other = await en.api.provider(name="Another College")
    other_auth = await en.api.college_token(other)
    assert (await en.provider_list(other_auth)).status_code == 403
    assert (await en.provider_list(other_auth, other)).json()["items"] == []
    assert (await en.provider_list(auth)).status_code == 403  # a worker
    assert (await en.provider_list(en.admin)).json()["items"][0]["worker_name"]
    unknown = await en.client.get("/v1/providers/19999999/enrolments", headers=en.admin)
    assert unknown.status_code == 404


async def test_the_college_list_pages_and_filters(en: Enrolments):
    pid = await en.offer()
    for _ in range(3):
        worker, auth = await en.worker()
        await en.enrol(worker, pid, auth)
    first = (await en.provider_list(limit=2)).json()
    assert len(first["items"]) == 2 and first["next_cursor"]
    rest = (await en.provider_list(limit=2, cursor=first["next_cursor"])).json()
    assert len(rest["items"]) == 1 and rest["next_cursor"] is None
    ids = [i["id"] for i in first["items"] + rest["items"]]
    assert len(set(ids)) == 3
    assert (await en.provider_list(status="started")).json()["items"] == []
    assert len((await en.provider_list(presentation=pid)).json()["items"]) == 3
    assert (await en.provider_list(cursor="nonsense")).status_code == 422


async def test_withdrawing_consent_hides_the_email_from_the_college_at_once(en: Enrolments):
    pid = await en.offer()
    worker, auth = await en.worker(email="pat@example.org")
    enrolment = (await en.enrol(worker, pid, auth)).json()
    assert (await en.provider_list()).json()["items"][0]["worker_email"] == "pat@example.org"
    path = f"/v1/workers/{worker['id']}/consents/{enrolment['consent_id']}/withdraw"
    assert (await en.client.post(path, headers=en.rep_auth)).status_code == 403  # the worker's
    response = await en.client.post(path, headers=auth)
    assert response.status_code == 200, response.text
    withdrawn = response.json()
    assert withdrawn["in_force"] is False and withdrawn["withdrawn_by"].startswith("worker: ")
    item = (await en.provider_list()).json()["items"][0]
    assert item["worker_email"] is None and item["worker_name"] == worker["name"]
    assert (await en.client.post(path, headers=auth)).status_code == 409
    audit = (await en.client.get(f"/v1/audit?worker={worker['id']}",
                                 headers=en.admin)).json()["items"]
    assert "consents.withdraw" in {e["action"] for e in audit}


async def test_a_withdrawal_hides_the_email_on_every_enrolment_with_that_college(
        en: Enrolments):
    """Consent is to share with a college (one in force per worker and college), not per
    enrolment: withdrawing it hides the email on all the worker's enrolments there at once,
    and on none at another college; enrolling again gives it again for that college only."""
    await en.catalogue(*(course(ref, title=f"Course {ref}") for ref in ("C1", "C2", "C3")))
    other = await en.api.provider(name="Another College")
    await en.catalogue(course("B1", title="Course B1"), provider=other)
    other_college = await en.api.college_token(other)
    worker, auth = await en.worker(email="sam@example.org")
    first, second = [(await en.enrol(worker, await en.presentation_id(course_ref=ref),
                                     auth)).json() for ref in ("C1", "C2")]
    elsewhere = (await en.enrol(worker, await en.presentation_id(course_ref="B1",
                                                                 provider=other), auth)).json()
    assert first["consent_id"] == second["consent_id"] != elsewhere["consent_id"]

    async def emails(college: dict[str, str], provider: dict | None = None) -> dict[str, Any]:
        response = await en.provider_list(college, provider)
        assert response.status_code == 200, response.text
        return {i["id"]: i["worker_email"] for i in response.json()["items"]}

    assert await emails(en.college) == {first["id"]: "sam@example.org",
                                        second["id"]: "sam@example.org"}
    assert await emails(other_college, other) == {elsewhere["id"]: "sam@example.org"}

    withdraw = f"/v1/workers/{worker['id']}/consents/{{}}/withdraw"
    response = await en.client.post(withdraw.format(first["consent_id"]), headers=auth)
    assert response.status_code == 200, response.text
    assert await emails(en.college) == {first["id"]: None, second["id"]: None}
    assert await emails(other_college, other) == {elsewhere["id"]: "sam@example.org"}
    names = {i["worker_name"] for i in (await en.provider_list()).json()["items"]}
    assert names == {worker["name"]}  # the name still shows: the college needs to know who

    response = await en.client.post(withdraw.format(elsewhere["consent_id"]), headers=auth)
    assert response.status_code == 200, response.text
    assert await emails(other_college, other) == {elsewhere["id"]: None}

    again = (await en.enrol(worker, await en.presentation_id(course_ref="C3"), auth)).json()
    assert again["consent_id"] not in {first["consent_id"], elsewhere["consent_id"]}
    # in force again for the first college, for all its enrolments; still withdrawn for the other
    assert await emails(en.college) == {i: "sam@example.org"
                                        for i in (first["id"], second["id"], again["id"])}
    assert await emails(other_college, other) == {elsewhere["id"]: None}
    consents = (await en.client.get(f"/v1/workers/{worker['id']}/consents",
                                    headers=auth)).json()["items"]
    assert {(c["id"], c["in_force"]) for c in consents} == {
        (again["consent_id"], True), (first["consent_id"], False),
        (elsewhere["consent_id"], False)}


async def test_enrolling_again_gives_consent_again(en: Enrolments):
    await en.catalogue()
    pid = await en.presentation_id()
    worker, auth = await en.worker()
    enrolment = (await en.enrol(worker, pid, auth)).json()
    await en.client.post(f"/v1/workers/{worker['id']}/consents/{enrolment['consent_id']}"
                         "/withdraw", headers=auth)
    await en.act(enrolment, "cancel", auth)
    again = (await en.enrol(worker, pid, auth)).json()
    assert again["consent_id"] != enrolment["consent_id"]
    consents = (await en.client.get(f"/v1/workers/{worker['id']}/consents",
                                    headers=auth)).json()["items"]
    assert [c["in_force"] for c in consents] == [True, False]
    assert (await en.provider_list()).json()["items"][0]["worker_email"] == worker["email"]


async def test_consents_of_someone_else_are_refused(en: Enrolments):
    pid = await en.offer()
    worker, auth = await en.worker()
    other, other_auth = await en.worker(branch=OTHER_BRANCH)
    enrolment = (await en.enrol(worker, pid, auth)).json()
    path = f"/v1/workers/{worker['id']}/consents"
    assert (await en.client.get(path, headers=other_auth)).status_code == 403
    assert (await en.client.get(path, headers=en.college)).status_code == 403
    assert (await en.client.get(path, headers=en.rep_auth)).status_code == 200
    assert (await en.client.get(path, headers=en.admin)).status_code == 200
    theirs = f"/v1/workers/{other['id']}/consents/{enrolment['consent_id']}/withdraw"
    assert (await en.client.post(theirs, headers=other_auth)).status_code == 404
    mine = f"{path}/{enrolment['consent_id']}/withdraw"
    assert (await en.client.post(mine, headers=other_auth)).status_code == 403
    assert (await en.client.post(f"{path}/{uuid.uuid4()}/withdraw",
                                 headers=auth)).status_code == 404


async def test_worker_enrolments_are_the_workers_reps_and_admins(en: Enrolments):
    pid = await en.offer()
    worker, auth = await en.worker()
    other, other_auth = await en.worker(branch=OTHER_BRANCH)
    enrolment = (await en.enrol(worker, pid, auth)).json()
    path = f"/v1/workers/{worker['id']}/enrolments"
    for token in (auth, en.rep_auth, en.admin):
        assert (await en.client.get(path, headers=token)).json()["items"][0]["id"] == \
            enrolment["id"]
    for token in (other_auth, en.college):
        assert (await en.client.get(path, headers=token)).status_code == 403
    assert (await en.client.get(f"/v1/enrolments/{enrolment['id']}",
                                headers=other_auth)).status_code == 403
    assert (await en.client.get(f"/v1/workers/{uuid.uuid4()}/enrolments",
                                headers=en.admin)).status_code == 404
