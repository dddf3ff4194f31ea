"""Issue 13's bad input, each answered with its exact status as problem+json (RFC 9457: the
body's `status` is the answer's): a rep or college asking for equality data, the report, an
export or the access log of someone else; erasure of an unknown worker or twice; a report with
an inverted or open-ended range; equality values outside the lists; a challenge on an unknown
decision."""

import uuid

from tests.conftest import Api

BRANCH = "Leeds UNISON"
RANGE = {"from": "2026-01-01", "to": "2026-03-31"}
ANSWERS = {"sex": "female", "ethnicity": "asian", "disability": "prefer_not_to_say",
           "consent": True}


def problem(answer, status: int, field: str | None = None) -> dict:
    assert answer.status_code == status, (answer.request.method, answer.request.url,
                                          answer.text)
    assert answer.headers["content-type"].startswith("application/problem+json"), answer.headers
    body = answer.json()
    assert body["status"] == status and body["type"].startswith("/problems/") and body["title"]
    if field is not None:
        assert [e["field"] for e in body["errors"]] == [field], body
    return body


async def test_reps_and_colleges_asking_for_what_is_not_theirs_are_403(api: Api, client):
    worker = await api.worker(branch=BRANCH)
    me = await api.worker_token(worker)
    assert (await client.put(f"/v1/workers/{worker['id']}/equality", headers=me,
                             json=ANSWERS)).status_code == 200
    rep = await api.rep_token(await api.rep(branch=BRANCH))  # the worker's own rep
    other_rep = await api.rep_token(await api.rep(branch="York UNISON"))
    college = await api.college_token(await api.provider())
    other_worker = await api.worker_token(await api.worker(branch=BRANCH))
    path = f"/v1/workers/{worker['id']}"
    for who in (rep, other_rep, college):
        problem(await client.get(f"{path}/equality", headers=who), 403)
        problem(await client.put(f"{path}/equality", headers=who, json=ANSWERS), 403)
        problem(await client.delete(f"{path}/equality", headers=who), 403)
        problem(await client.get("/v1/reports/equality", params=RANGE, headers=who), 403)
        problem(await client.get(f"{path}/export", headers=who), 403)
        problem(await client.get(f"{path}/access-log", headers=who), 403)
    for who in (other_worker, await api.admin()):  # the answers and the log are the worker's
        problem(await client.get(f"{path}/equality", headers=who), 403)
        problem(await client.get(f"{path}/access-log", headers=who), 403)
    problem(await client.get(f"{path}/export", headers=other_worker), 403)
    problem(await client.get("/v1/reports/equality", params=RANGE, headers=me), 403)


async def test_erasing_an_unknown_worker_is_404_and_twice_is_409(api: Api, client):
    admin = await api.admin()
    problem(await client.delete(f"/v1/workers/{uuid.uuid4()}", headers=admin), 404)
    worker = await api.worker()
    assert (await client.delete(f"/v1/workers/{worker['id']}", headers=admin)).status_code == 200
    problem(await client.delete(f"/v1/workers/{worker['id']}", headers=admin), 409)


async def test_a_report_with_an_inverted_or_open_ended_range_is_422(api: Api, client):
    admin = await api.admin()
    cases = [({"from": RANGE["to"], "to": RANGE["from"]}, "to"), ({"from": RANGE["from"]}, "to"),
             ({"to": RANGE["to"]}, "from"), ({}, "from")]
    for params, field in cases:
        problem(await client.get("/v1/reports/equality", params=params, headers=admin), 422,
                field)


async def test_equality_values_outside_the_lists_are_422(api: Api, client):
    worker = await api.worker()
    me = await api.worker_token(worker)
    for field, value in (("sex", "other"), ("ethnicity", "british"), ("disability", "yes")):
        problem(await client.put(f"/v1/workers/{worker['id']}/equality", headers=me,
                                 json=ANSWERS | {field: value}), 422, field)


async def test_a_challenge_on_an_unknown_decision_is_422(api: Api, client):
    worker = await api.worker()
    me = await api.worker_token(worker)
    problem(await client.post(f"/v1/workers/{worker['id']}/challenges", headers=me,
                              json={"decision": "salary", "reason": "please look"}), 422,
            "decision")
    answer = {"outcome": "upheld", "explanation": "checked"}
    problem(await client.post(f"/v1/challenges/{uuid.uuid4()}/answer", headers=await api.admin(),
                              json=answer), 404)
