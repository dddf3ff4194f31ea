import pytest

from tests.integration.reviews.helpers import Reviews


@pytest.fixture
async def rv(api) -> Reviews:
    return await Reviews(api).setup()


async def test_a_workers_request_is_confirmed_by_an_admins_erasure(api, rv):
    worker, auth = await rv.worker()
    path = f"/v1/workers/{worker['id']}/erasure-request"
    asked = await api.client.post(path, headers=auth)
    assert asked.status_code == 201, asked.text
    assert asked.json()["status"] == "requested"
    assert (await api.client.post(path, headers=auth)).status_code == 409
    waiting = (await api.client.get("/v1/erasure-requests?status=requested",
                                    headers=rv.admin)).json()["items"]
    assert [r["worker_id"] for r in waiting] == [worker["id"]]

    erased = await api.client.delete(f"/v1/workers/{worker['id']}", headers=rv.admin)
    assert erased.status_code == 200 and erased.json()["changed"]["erasure_requests"] == 1
    done = (await api.client.get("/v1/erasure-requests", headers=rv.admin)).json()["items"]
    assert [(r["status"], r["decided_by"]) for r in done] == [("erased", "admin: test admin")]


async def test_an_admin_may_decline_and_the_worker_ask_again(api, rv):
    worker, auth = await rv.worker()
    path = f"/v1/workers/{worker['id']}/erasure-request"
    assert (await api.client.post(f"{path}/decline", headers=rv.admin)).status_code == 404
    await api.client.post(path, headers=auth)
    declined = await api.client.post(f"{path}/decline", headers=rv.admin)
    assert declined.status_code == 200 and declined.json()["status"] == "declined"
    assert (await api.client.post(path, headers=auth)).status_code == 201
    log = (await api.client.get(f"/v1/workers/{worker['id']}/access-log",
                                headers=auth)).json()["items"]
    assert "declined your request to be erased" in [i["what"] for i in log]


async def test_who_may_ask_and_list(api, rv):
    worker, _ = await rv.worker()
    _, other_auth = await rv.worker()
    path = f"/v1/workers/{worker['id']}/erasure-request"
    for who in (other_auth, rv.rep_auth, rv.admin):
        assert (await api.client.post(path, headers=who)).status_code == 403
    assert (await api.client.post(f"{path}/decline", headers=rv.rep_auth)).status_code == 403
    for who in (other_auth, rv.rep_auth):
        assert (await api.client.get("/v1/erasure-requests", headers=who)).status_code == 403
    assert (await api.client.get("/v1/erasure-requests?status=nonsense",
                                 headers=rv.admin)).status_code == 422
