import uuid

import pytest

from service.actor import Actor
from service.oversight import service as audit
from tests.integration.reviews.helpers import OTHER_BRANCH, Reviews


@pytest.fixture
async def rv(api) -> Reviews:
    return await Reviews(api).setup()


async def test_the_access_log_shows_a_reps_read_of_the_account_by_the_reps_name(api, rv, pool):
    worker, auth = await rv.worker(name="Maureen Wilson")
    rep_laptop = await api.token("rep", rv.rep["id"], name="laptop in the branch office")
    college = await api.provider(name="Leeds City College")
    read = await api.client.get(f"/v1/workers/{worker['id']}/account", headers=rep_laptop)
    assert read.status_code == 200
    # a college's read (enrolments will make them), recorded under its token's name
    async with pool.acquire() as conn:
        await audit.record(conn, Actor("college", "admissions desk", uuid.UUID(college["id"])),
                           "enrolments.read", [uuid.UUID(worker["id"])])

    response = await api.client.get(f"/v1/workers/{worker['id']}/access-log", headers=auth)
    assert response.status_code == 200, response.text
    items = response.json()["items"]
    # newest first: this read of the log itself, the college's, the rep's, the admin's creation
    assert [i["action"] for i in items] == ["datarights.access_log", "enrolments.read",
                                            "account.read", "worker.create"]
    mine, colleges, reps, created = items
    assert (colleges["role"], colleges["name"]) == ("college", "Leeds City College")
    assert colleges["what"] == "read one of your enrolments"
    assert (mine["role"], mine["name"], mine["kind"]) == ("worker", "you", "read")
    assert (reps["role"], reps["name"]) == ("rep", rv.rep["name"])  # the rep, not the token
    assert reps["what"] == "read your learning account" and reps["kind"] == "read"
    assert (created["role"], created["name"], created["kind"]) == ("admin", "test admin",
                                                                   "change")
    assert mine["at"] >= reps["at"] >= created["at"]
    assert "laptop" not in response.text and "admissions desk" not in response.text


async def test_the_access_log_is_paged_newest_first(api, rv):
    worker, auth = await rv.worker()
    for _ in range(3):
        await api.client.get(f"/v1/workers/{worker['id']}", headers=rv.rep_auth)
    path = f"/v1/workers/{worker['id']}/access-log"
    first = (await api.client.get(path, params={"limit": 2}, headers=auth)).json()
    assert len(first["items"]) == 2 and first["next_cursor"]
    second = (await api.client.get(path, params={"limit": 2, "cursor": first["next_cursor"]},
                                   headers=auth)).json()
    ids = [i["id"] for i in first["items"] + second["items"]]
    assert ids == sorted(ids, reverse=True) and len(set(ids)) == 4
    assert (await api.client.get(path, params={"cursor": "nonsense!"},
                                 headers=auth)).status_code == 422
    assert (await api.client.get(path, params={"limit": 0}, headers=auth)).status_code == 422


async def test_only_the_worker_reads_their_access_log(api, rv):
    worker, _ = await rv.worker()
    _, other_auth = await rv.worker()
    york_rep = await api.rep_token(await api.rep(branch=OTHER_BRANCH))
    college = await api.college_token(await api.provider())
    path = f"/v1/workers/{worker['id']}/access-log"
    for who in (rv.rep_auth, york_rep, college, rv.admin, other_auth):
        response = await api.client.get(path, headers=who)
        assert response.status_code == 403, response.text
        assert response.headers["content-type"].startswith("application/problem+json")
    assert (await api.client.get(path)).status_code == 401
    _, auth = await rv.worker()
    assert (await api.client.get(f"/v1/workers/{uuid.uuid4()}/access-log",
                                 headers=auth)).status_code == 404
