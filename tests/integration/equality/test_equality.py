"""Equality monitoring: the worker's own answers, with consent; nobody else sees them."""

import uuid

import pytest

from tests.conftest import Api

ANSWERS = {"sex": "female", "ethnicity": "white_gypsy_or_irish_traveller",
           "disability": "not_disabled_condition_not_limiting", "consent": True}


def path(worker: dict) -> str:
    return f"/v1/workers/{worker['id']}/equality"


async def test_the_worker_gives_reads_changes_and_withdraws_their_answers(api: Api, client, pool):
    worker = await api.worker()
    me = await api.worker_token(worker)
    assert (await client.get(path(worker), headers=me)).status_code == 404

    given = await client.put(path(worker), headers=me, json=ANSWERS)
    assert given.status_code == 200, given.text
    body = given.json()
    assert {k: body[k] for k in ("sex", "ethnicity", "disability")} == {
        k: ANSWERS[k] for k in ("sex", "ethnicity", "disability")}
    assert body["ethnicity_group"] == "white" and body["consented_at"]

    changed = await client.put(path(worker), headers=me, json=ANSWERS | {
        "sex": "prefer_not_to_say", "ethnicity": "asian", "disability": "prefer_not_to_say"})
    assert changed.status_code == 200
    read = (await client.get(path(worker), headers=me)).json()
    assert (read["sex"], read["ethnicity"], read["ethnicity_group"]) == (
        "prefer_not_to_say", "asian", "asian")

    assert (await client.delete(path(worker), headers=me)).status_code == 204
    assert (await client.get(path(worker), headers=me)).status_code == 404
    assert (await client.delete(path(worker), headers=me)).status_code == 404
    async with pool.acquire() as conn:
        assert await conn.fetchval("SELECT count(*) FROM equality_answers") == 0
        actions = await conn.fetch("SELECT action, detail::text AS detail FROM audit_log "
                                   "WHERE action LIKE 'equality.%' ORDER BY id")
    # reads are audited even when there is nothing to answer; a refused withdrawal rolls back
    assert [a["action"] for a in actions] == [
        "equality.read", "equality.write", "equality.write", "equality.read",
        "equality.withdraw", "equality.read"]
    assert not any("gypsy" in (a["detail"] or "") for a in actions)


@pytest.mark.parametrize("field,value", [
    ("sex", "other"), ("sex", "Female"), ("ethnicity", "british"),
    ("ethnicity", "white british"), ("disability", "yes"), ("disability", ""),
])
async def test_a_value_outside_the_lists_is_422_naming_the_field(api: Api, client, field, value):
    worker = await api.worker()
    answer = await client.put(path(worker), headers=await api.worker_token(worker),
                              json=ANSWERS | {field: value})
    assert answer.status_code == 422, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert [e["field"] for e in answer.json()["errors"]] == [field]


async def test_every_field_accepts_prefer_not_to_say_but_consent_is_required(api: Api, client):
    worker = await api.worker()
    me = await api.worker_token(worker)
    quiet = dict.fromkeys(("sex", "ethnicity", "disability"), "prefer_not_to_say")
    refused = await client.put(path(worker), headers=me, json=quiet | {"consent": False})
    assert refused.status_code == 422
    assert [e["field"] for e in refused.json()["errors"]] == ["consent"]
    missing = await client.put(path(worker), headers=me, json=quiet)
    assert missing.status_code == 422
    assert (await client.put(path(worker), headers=me,
                             json=quiet | {"consent": True})).status_code == 200


async def test_the_19_groups_and_the_5_high_level_groups_are_accepted(api: Api, client):
    from service.equality.logic import ETHNIC_GROUPS
    detailed = [c for _, codes in ETHNIC_GROUPS.values() for c in codes]
    assert len(detailed) == 19 and len(ETHNIC_GROUPS) == 5
    worker = await api.worker()
    me = await api.worker_token(worker)
    for code in [*detailed, *ETHNIC_GROUPS]:
        answer = await client.put(path(worker), headers=me, json=ANSWERS | {"ethnicity": code})
        assert answer.status_code == 200, code


async def test_nobody_else_reads_or_writes_them(api: Api, client):
    worker = await api.worker(branch="Leeds UNISON")
    me = await api.worker_token(worker)
    assert (await client.put(path(worker), headers=me, json=ANSWERS)).status_code == 200
    other = await api.worker_token(await api.worker())
    rep = await api.rep_token(await api.rep(branch="Leeds UNISON"))
    college = await api.college_token(await api.provider())
    for who in (await api.admin(), rep, college, other):
        for method in ("GET", "DELETE"):
            answer = await client.request(method, path(worker), headers=who)
            assert answer.status_code == 403, (method, answer.text)
        assert (await client.put(path(worker), headers=who, json=ANSWERS)).status_code == 403
    assert (await client.get(path(worker), headers=me)).status_code == 200


async def test_an_unknown_worker_is_refused(api: Api, client):
    me = await api.worker_token(await api.worker())
    answer = await client.get(f"/v1/workers/{uuid.uuid4()}/equality", headers=me)
    assert answer.status_code == 403
