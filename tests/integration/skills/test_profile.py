"""Workers' skills profiles: assumed occupation skills, entries, permissions and history."""

import asyncio
from uuid import UUID

import pytest

from service.actor import SYSTEM
from service.skills.service import record_skill

pytestmark = pytest.mark.usefixtures("reference_data")

PAYROLL_CLERK, HOME_CARE_AIDE = "4313.1", "5322.1"


async def skill_id(client, headers, label: str) -> str:
    items = (await client.get("/v1/skills", params={"q": label}, headers=headers)).json()["items"]
    assert items[0]["label"] == label
    return items[0]["id"]


async def essential_ids(client, headers, code: str) -> set[str]:
    occupation = (await client.get(f"/v1/occupations/{code}", headers=headers)).json()
    return {s["id"] for s in occupation["essential_skills"]}


async def whole_profile(client, headers, worker_id: str) -> list[dict]:
    items, cursor = [], None
    while True:
        params = {"limit": 7} | ({"cursor": cursor} if cursor else {})
        response = await client.get(f"/v1/workers/{worker_id}/skills", params=params,
                                    headers=headers)
        assert response.status_code == 200, response.text
        items += response.json()["items"]
        cursor = response.json()["next_cursor"]
        if cursor is None:
            return items


async def history(client, headers, worker_id: str) -> list[dict]:
    response = await client.get(f"/v1/workers/{worker_id}/skills/history", headers=headers)
    assert response.status_code == 200, response.text
    return response.json()["items"]


async def test_until_assessed_the_occupation_essential_skills_are_assumed(api, client):
    admin = await api.admin()
    worker = await api.worker(occupation=PAYROLL_CLERK)
    response = await client.get(f"/v1/workers/{worker['id']}/skills", headers=admin)
    body = response.json()
    assert body["occupation"]["code"] == PAYROLL_CLERK
    assert body["occupation"]["risk_category"] == "High"
    items = await whole_profile(client, admin, worker["id"])
    assert {i["skill_id"] for i in items} == await essential_ids(client, admin, PAYROLL_CLERK)
    assert all(i["assumed"] and i["source"] == "occupation" and i["level"] is None
               for i in items)
    assert [i["label"] for i in items] == sorted(i["label"] for i in items)


async def test_worker_without_occupation_has_an_empty_profile(api, client):
    worker = await api.worker()
    body = (await client.get(f"/v1/workers/{worker['id']}/skills",
                             headers=await api.admin())).json()
    assert body == {"worker_id": worker["id"], "occupation": None, "items": [],
                    "next_cursor": None}


async def test_worker_records_own_level_which_overrides_the_assumed_one(api, client):
    admin = await api.admin()
    worker = await api.worker(occupation=PAYROLL_CLERK)
    headers = await api.worker_token(worker)
    payroll = await skill_id(client, admin, "manage payroll")
    response = await client.put(f"/v1/workers/{worker['id']}/skills/{payroll}", headers=headers,
                                json={"level": 3, "evidence": "ran payroll for 8 years"})
    assert response.status_code == 200, response.text
    entry = response.json()
    assert (entry["level"], entry["level_name"], entry["source"], entry["assumed"]) == (
        3, "skilled", "self", False)
    items = await whole_profile(client, headers, worker["id"])
    assert [i for i in items if i["skill_id"] == payroll] == [entry]
    changes = await history(client, headers, worker["id"])
    assert [(c["change"], c["old_level"], c["new_level"], c["new_source"], c["actor_role"])
            for c in changes] == [("set", None, 3, "self", "worker")]


async def test_rep_records_a_review_level_for_their_branch_only(api, client):
    admin = await api.admin()
    rep = await api.rep(branch="Leeds UNISON")
    rep_headers = await api.rep_token(rep)
    ours = await api.worker(branch="Leeds UNISON")
    theirs = await api.worker(branch="Cornwall UNISON")
    excel = await skill_id(client, admin, "use spreadsheets software")
    body = {"level": 2, "source": "review", "evidence": "review of 3 March"}
    ok = await client.put(f"/v1/workers/{ours['id']}/skills/{excel}", headers=rep_headers,
                          json=body)
    assert ok.status_code == 200 and ok.json()["source"] == "review"
    refused = await client.put(f"/v1/workers/{theirs['id']}/skills/{excel}",
                               headers=rep_headers, json=body)
    assert refused.status_code == 403
    assert (await client.get(f"/v1/workers/{theirs['id']}/skills",
                             headers=rep_headers)).status_code == 403
    assert await history(client, admin, theirs["id"]) == []


async def test_worker_may_not_claim_a_review_nor_overwrite_one(api, client):
    admin = await api.admin()
    worker = await api.worker()
    headers = await api.worker_token(worker)
    excel = await skill_id(client, admin, "use spreadsheets software")
    path = f"/v1/workers/{worker['id']}/skills/{excel}"
    claimed = await client.put(path, headers=headers, json={"level": 4, "source": "review"})
    assert claimed.status_code == 403
    assert claimed.json()["errors"][0]["field"] == "source"
    assert (await client.put(path, headers=admin,
                             json={"level": 2, "source": "review"})).status_code == 200
    overwrite = await client.put(path, headers=headers, json={"level": 4})
    assert overwrite.status_code == 403
    assert (await client.delete(path, headers=headers)).status_code == 403
    entry = [i for i in await whole_profile(client, admin, worker["id"])]
    assert [(i["level"], i["source"]) for i in entry] == [(2, "review")]


async def test_others_may_not_touch_a_workers_skills(api, client):
    admin = await api.admin()
    worker = await api.worker()
    other = await api.worker()
    excel = await skill_id(client, admin, "use spreadsheets software")
    path = f"/v1/workers/{worker['id']}/skills/{excel}"
    college = await api.college_token(await api.provider())
    for headers in (await api.worker_token(other), college):
        assert (await client.put(path, headers=headers, json={"level": 2})).status_code == 403
        assert (await client.get(f"/v1/workers/{worker['id']}/skills",
                                 headers=headers)).status_code == 403
        assert (await client.get(f"/v1/workers/{worker['id']}/skills/history",
                                 headers=headers)).status_code == 403
    assert (await client.put(path, json={"level": 2})).status_code == 401
    assert (await client.get(f"/v1/workers/{worker['id']}/skills")).status_code == 401
    assert await history(client, admin, worker["id"]) == []


@pytest.mark.parametrize(("body", "field"), [
    ({"level": 0}, "level"),
    ({"level": 5}, "level"),
    ({}, "level"),
    ({"level": 2, "source": "occupation"}, "source"),
    ({"level": 2, "source": "guess"}, "source"),
    ({"level": 2, "evidence": "x" * 2001}, "evidence"),
    ({"level": 2, "surprise": True}, "surprise"),
])
async def test_bad_bodies_name_the_field_and_write_nothing(api, client, body, field):
    admin = await api.admin()
    worker = await api.worker()
    excel = await skill_id(client, admin, "use spreadsheets software")
    response = await client.put(f"/v1/workers/{worker['id']}/skills/{excel}", headers=admin,
                                json=body)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert [e["field"] for e in response.json()["errors"]] == [field]
    assert await history(client, admin, worker["id"]) == []


async def test_unknown_skill_or_worker_is_404(api, client):
    admin = await api.admin()
    worker = await api.worker()
    nobody = "00000000-0000-0000-0000-000000000000"
    excel = await skill_id(client, admin, "use spreadsheets software")
    unknown_skill = await client.put(f"/v1/workers/{worker['id']}/skills/{nobody}",
                                     headers=admin, json={"level": 2})
    assert unknown_skill.status_code == 404
    unknown_worker = await client.put(f"/v1/workers/{nobody}/skills/{excel}", headers=admin,
                                      json={"level": 2})
    assert unknown_worker.status_code == 404
    not_a_uuid = await client.put(f"/v1/workers/{worker['id']}/skills/excel", headers=admin,
                                  json={"level": 2})
    assert not_a_uuid.status_code == 404  # no route has a skill id that is not a UUID
    assert (await client.delete(f"/v1/workers/{worker['id']}/skills/{excel}",
                                headers=admin)).status_code == 404
    assert await history(client, admin, worker["id"]) == []


async def test_removing_an_entry_brings_back_the_assumed_skill(api, client):
    admin = await api.admin()
    worker = await api.worker(occupation=PAYROLL_CLERK)
    payroll = await skill_id(client, admin, "manage payroll")
    path = f"/v1/workers/{worker['id']}/skills/{payroll}"
    assert (await client.put(path, headers=admin,
                             json={"level": 4, "source": "review"})).status_code == 200
    removed = await client.delete(path, headers=admin)
    assert removed.status_code == 204
    entry = [i for i in await whole_profile(client, admin, worker["id"])
             if i["skill_id"] == payroll]
    assert [(i["assumed"], i["source"]) for i in entry] == [(True, "occupation")]
    changes = await history(client, admin, worker["id"])
    assert [(c["change"], c["old_level"], c["new_level"]) for c in changes] == [
        ("removed", 4, None), ("set", None, 4)]


async def test_repeating_a_put_leaves_one_history_row(api, client):
    admin = await api.admin()
    worker = await api.worker()
    excel = await skill_id(client, admin, "use spreadsheets software")
    for _ in range(3):
        response = await client.put(f"/v1/workers/{worker['id']}/skills/{excel}",
                                    headers=admin, json={"level": 2, "source": "review"})
        assert response.status_code == 200
    assert len(await history(client, admin, worker["id"])) == 1


async def test_changing_occupation_changes_risk_priority_and_assumed_skills(api, client):
    admin = await api.admin()
    worker = await api.worker(occupation=PAYROLL_CLERK, birth_date="1990-01-01",
                              highest_qualification="4")
    assert worker["priority_score"] == 3
    patched = await client.patch(f"/v1/workers/{worker['id']}", headers=admin,
                                 json={"occupation": HOME_CARE_AIDE})
    assert patched.status_code == 200
    assert patched.json()["priority_score"] == 0
    body = (await client.get(f"/v1/workers/{worker['id']}/skills", headers=admin)).json()
    assert body["occupation"]["code"] == HOME_CARE_AIDE
    assert body["occupation"]["risk_category"] == "Low"
    items = await whole_profile(client, admin, worker["id"])
    assert {i["skill_id"] for i in items} == await essential_ids(client, admin, HOME_CARE_AIDE)


async def test_concurrent_puts_keep_a_consistent_history(api, client):
    admin = await api.admin()
    worker = await api.worker()
    excel = await skill_id(client, admin, "use spreadsheets software")
    path = f"/v1/workers/{worker['id']}/skills/{excel}"
    levels = [1, 2, 3, 4, 1, 2, 3, 4]
    responses = await asyncio.gather(*(
        client.put(path, headers=admin, json={"level": level, "source": "review",
                                               "evidence": f"try {n}"})
        for n, level in enumerate(levels)))
    assert all(r.status_code == 200 for r in responses)
    changes = list(reversed(await history(client, admin, worker["id"])))
    assert len(changes) == len(levels)
    assert changes[0]["old_level"] is None
    for before, after in zip(changes, changes[1:], strict=False):
        assert after["old_level"] == before["new_level"]
    final = await whole_profile(client, admin, worker["id"])
    assert final[0]["level"] == changes[-1]["new_level"]


async def test_course_completion_never_lowers_an_assessed_level(api, client, pool):
    admin = await api.admin()
    worker = await api.worker()
    excel = await skill_id(client, admin, "use spreadsheets software")
    await client.put(f"/v1/workers/{worker['id']}/skills/{excel}", headers=admin,
                     json={"level": 3, "source": "review"})
    async with pool.acquire() as conn, conn.transaction():
        kept = await record_skill(conn, SYSTEM, UUID(worker["id"]), UUID(excel), 2, "course",
                                  "Excel basics", raise_only=True)
        raised = await record_skill(conn, SYSTEM, UUID(worker["id"]), UUID(excel), 4, "course",
                                    "Advanced Excel", raise_only=True)
    assert (kept.level, kept.source) == (3, "review")
    assert (raised.level, raised.source, raised.evidence) == (4, "course", "Advanced Excel")
    changes = await history(client, admin, worker["id"])
    assert (changes[0]["actor_role"], changes[0]["new_source"]) == ("system", "course")
    assert len(changes) == 2


async def test_reads_and_writes_are_audited(api, client):
    admin = await api.admin()
    worker = await api.worker()
    excel = await skill_id(client, admin, "use spreadsheets software")
    await client.get(f"/v1/workers/{worker['id']}/skills", headers=admin)
    await client.put(f"/v1/workers/{worker['id']}/skills/{excel}", headers=admin,
                     json={"level": 2, "source": "review"})
    audit = (await client.get("/v1/audit", params={"worker": worker["id"]},
                              headers=admin)).json()["items"]
    assert {"skills.read", "skills.update"} <= {a["action"] for a in audit}


async def test_profile_skills_carry_their_esco_tags(api, client):
    """Assumed and recorded skills alike show the ESCO collections they are in (payroll
    clerk's essential skills are in none; Haskell is digital)."""
    admin = await api.admin()
    worker = await api.worker(occupation=PAYROLL_CLERK)
    occupation = (await client.get(f"/v1/occupations/{PAYROLL_CLERK}", headers=admin)).json()
    expected = {s["id"]: s["tags"] for s in occupation["essential_skills"]}
    items = await whole_profile(client, admin, worker["id"])
    assert {i["skill_id"]: i["tags"] for i in items} == expected
    haskell = "000f1d3d-220f-4789-9c0a-cc742521fb02"
    response = await client.put(f"/v1/workers/{worker['id']}/skills/{haskell}", headers=admin,
                                json={"level": 2, "source": "review"})
    assert response.status_code == 200, response.text
    assert response.json()["tags"] == ["digital"]
    profile = await whole_profile(client, admin, worker["id"])
    assert [i["tags"] for i in profile if i["skill_id"] == haskell] == [["digital"]]
