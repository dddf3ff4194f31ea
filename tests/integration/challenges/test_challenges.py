"""Challenges to automated decisions: raised by the worker or their rep, listed by scope,
answered once by a rep of the branch or an admin; open ones past 14 days are overdue."""

import uuid

import pytest

from tests.conftest import Api

BRANCH, OTHER = "Leeds UNISON", "York UNISON"


class Setup:
    def __init__(self, api: Api) -> None:
        self.api = api

    async def make(self) -> "Setup":
        api = self.api
        self.worker = await api.worker(branch=BRANCH)
        self.me = await api.worker_token(self.worker)
        self.rep = await api.rep_token(await api.rep(branch=BRANCH))
        self.other_rep = await api.rep_token(await api.rep(branch=OTHER))
        self.admin = await api.admin()
        return self

    async def raise_(self, auth=None, worker=None, **body):
        worker = worker or self.worker
        return await self.api.client.post(
            f"/v1/workers/{worker['id']}/challenges", headers=auth or self.me,
            json={"decision": "priority", "reason": "my hours are 16, not 37"} | body)


@pytest.fixture
async def s(api: Api) -> Setup:
    return await Setup(api).make()


async def test_the_worker_or_their_rep_raises_a_challenge(s: Setup):
    mine = await s.raise_()
    assert mine.status_code == 201, mine.text
    body = mine.json()
    assert (body["decision"], body["status"], body["outcome"], body["overdue"]) == (
        "priority", "open", None, False)
    assert body["worker_id"] == s.worker["id"] and body["branch"] == BRANCH
    assert body["raised_by"].startswith("worker")
    by_rep = await s.raise_(s.rep, decision="waiting_list_order")
    assert by_rep.status_code == 201 and by_rep.json()["raised_by"].startswith("rep")


@pytest.mark.parametrize("body", [{"decision": "salary"}, {"decision": ""},
                                  {"decision": None}, {"reason": ""}])
async def test_an_unknown_decision_or_no_reason_is_422(s: Setup, body):
    answer = await s.raise_(**body)
    assert answer.status_code == 422, answer.text
    assert [e["field"] for e in answer.json()["errors"]] == [next(iter(body))]


async def test_others_may_not_raise_one(s: Setup, api: Api):
    assert (await s.raise_(s.other_rep)).status_code == 403  # another branch's worker
    other = await api.worker_token(await api.worker(branch=BRANCH))
    assert (await s.raise_(other)).status_code == 403  # another worker
    assert (await s.raise_(s.admin)).status_code == 403  # the worker or their rep only
    college = await api.college_token(await api.provider())
    assert (await s.raise_(college)).status_code == 403
    nobody = {"id": str(uuid.uuid4())}
    assert (await s.raise_(s.rep, worker=nobody)).status_code == 404


async def test_lists_follow_the_callers_scope(s: Setup, api: Api, client):
    await s.raise_()
    elsewhere = await api.worker(branch=OTHER)
    assert (await s.raise_(s.other_rep, worker=elsewhere)).status_code == 201

    def listed(answer):
        assert answer.status_code == 200, answer.text
        return sorted(c["worker_id"] for c in answer.json()["items"])

    assert listed(await client.get("/v1/challenges", headers=s.rep)) == [s.worker["id"]]
    assert listed(await client.get("/v1/challenges", headers=s.other_rep)) == [elsewhere["id"]]
    assert listed(await client.get("/v1/challenges", headers=s.me)) == [s.worker["id"]]
    assert listed(await client.get("/v1/challenges", headers=s.admin)) == sorted(
        [s.worker["id"], elsewhere["id"]])
    assert listed(await client.get("/v1/challenges", headers=s.admin,
                                   params={"branch": OTHER})) == [elsewhere["id"]]
    refused = await client.get("/v1/challenges", headers=s.rep, params={"branch": OTHER})
    assert refused.status_code == 403
    college = await api.college_token(await api.provider())
    assert (await client.get("/v1/challenges", headers=college)).status_code == 403
    assert (await client.get("/v1/challenges", headers=s.admin,
                             params={"status": "closed"})).status_code == 422


async def test_a_rep_of_the_branch_answers_once(s: Setup, client, pool):
    challenge = (await s.raise_()).json()
    url = f"/v1/challenges/{challenge['id']}/answer"
    answer = {"outcome": "changed", "explanation": "hours corrected to 16: 2 points added"}
    assert (await client.post(url, headers=s.other_rep, json=answer)).status_code == 403
    assert (await client.post(url, headers=s.me, json=answer)).status_code == 403
    bad = await client.post(url, headers=s.rep, json=answer | {"outcome": "ignored"})
    assert bad.status_code == 422
    done = await client.post(url, headers=s.rep, json=answer)
    assert done.status_code == 200, done.text
    body = done.json()
    assert (body["status"], body["outcome"], body["explanation"]) == (
        "answered", "changed", answer["explanation"])
    assert body["answered_by"].startswith("rep") and body["answered_at"]
    again = await client.post(url, headers=s.admin, json=answer | {"outcome": "upheld"})
    assert again.status_code == 409
    missing = await client.post(f"/v1/challenges/{uuid.uuid4()}/answer", headers=s.admin,
                                json=answer)
    assert missing.status_code == 404
    listed = await client.get("/v1/challenges", headers=s.me, params={"status": "answered"})
    assert [c["outcome"] for c in listed.json()["items"]] == ["changed"]
    async with pool.acquire() as conn:
        actions = {r["action"] for r in await conn.fetch("SELECT action FROM audit_log")}
        told = await conn.fetch("SELECT recipient, subject, body FROM outbox "
                                "WHERE kind = 'challenge.answered'")
    assert {"challenges.raise", "challenges.answer", "challenges.answered"} <= actions
    assert len(told) == 1 and told[0]["recipient"] == s.worker["email"]
    assert "changed" in told[0]["body"] and answer["explanation"] in told[0]["body"]


async def test_an_admin_answers_and_upholds(s: Setup, client):
    challenge = (await s.raise_(decision="eligibility")).json()
    done = await client.post(f"/v1/challenges/{challenge['id']}/answer", headers=s.admin,
                             json={"outcome": "upheld", "explanation": "aged 44 on the day"})
    assert done.status_code == 200 and done.json()["outcome"] == "upheld"


async def test_open_challenges_older_than_14_days_are_overdue(s: Setup, client, pool):
    old = (await s.raise_()).json()
    recent = (await s.raise_(decision="matches")).json()
    answered = (await s.raise_(decision="eligibility")).json()
    async with pool.acquire() as conn:
        await conn.execute("UPDATE challenges SET created_at = now() - interval '15 days' "
                           "WHERE id = ANY($1::uuid[])", [uuid.UUID(old["id"]),
                                                          uuid.UUID(answered["id"])])
        await conn.execute("UPDATE challenges SET created_at = now() - interval '13 days' "
                           "WHERE id = $1", uuid.UUID(recent["id"]))
    await client.post(f"/v1/challenges/{answered['id']}/answer", headers=s.rep,
                      json={"outcome": "upheld", "explanation": "checked"})
    every = (await client.get("/v1/challenges", headers=s.rep)).json()["items"]
    assert {c["id"]: c["overdue"] for c in every} == {
        old["id"]: True, recent["id"]: False, answered["id"]: False}
    overdue = (await client.get("/v1/challenges", headers=s.rep,
                                params={"status": "overdue"})).json()["items"]
    assert [c["id"] for c in overdue] == [old["id"]]


async def test_the_list_pages(s: Setup, client):
    for _ in range(3):
        await s.raise_()
    first = (await client.get("/v1/challenges", headers=s.rep, params={"limit": 2})).json()
    assert len(first["items"]) == 2 and first["next_cursor"]
    rest = (await client.get("/v1/challenges", headers=s.rep,
                             params={"limit": 2, "cursor": first["next_cursor"]})).json()
    assert len(rest["items"]) == 1 and rest["next_cursor"] is None
    assert not {c["id"] for c in first["items"]} & {c["id"] for c in rest["items"]}
    bad = await client.get("/v1/challenges", headers=s.rep, params={"cursor": "nonsense"})
    assert bad.status_code == 422
