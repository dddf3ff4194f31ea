import pytest

pytestmark = pytest.mark.asyncio


async def test_personal_data_reads_and_writes_are_audited(api, client):
    rep = await api.rep(branch="Leeds UNISON")
    rep_headers = await api.rep_token(rep)
    worker = await api.worker(branch="Leeds UNISON")
    other = await api.worker(branch="Leeds UNISON")
    await client.get(f"/v1/workers/{worker['id']}", headers=rep_headers)
    await client.get(f"/v1/workers/{worker['id']}/priority", headers=rep_headers)
    await client.patch(f"/v1/workers/{worker['id']}", headers=rep_headers, json={"name": "New"})
    await client.get("/v1/workers", headers=rep_headers)

    audit = await client.get("/v1/audit", params={"worker": worker["id"]},
                             headers=await api.admin())
    assert audit.status_code == 200
    entries = audit.json()["items"]
    assert [e["action"] for e in entries] == [
        "worker.list", "worker.update", "worker.priority.read", "worker.read", "worker.create"]
    rep_entries = [e for e in entries if e["actor_role"] == "rep"]
    assert {e["actor_id"] for e in rep_entries} == {rep["id"]}
    assert all(e["worker_id"] == worker["id"] and e["at"] for e in entries)
    other_audit = (await client.get("/v1/audit", params={"worker": other["id"]},
                                    headers=await api.admin())).json()["items"]
    assert [e["action"] for e in other_audit] == ["worker.list", "worker.create"]


async def test_refused_reads_are_not_recorded_as_reads(api, client):
    worker = await api.worker(branch="Cornwall UNISON")
    rep_headers = await api.rep_token(await api.rep(branch="Leeds UNISON"))
    assert (await client.get(f"/v1/workers/{worker['id']}", headers=rep_headers)).status_code == 403
    entries = (await client.get("/v1/audit", params={"worker": worker["id"]},
                                headers=await api.admin())).json()["items"]
    assert [e["action"] for e in entries] == ["worker.create"]


async def test_audit_pages(api, client):
    worker = await api.worker()
    admin = await api.admin()
    for _ in range(4):
        await client.get(f"/v1/workers/{worker['id']}", headers=admin)
    first = (await client.get("/v1/audit", params={"limit": 3}, headers=admin)).json()
    assert len(first["items"]) == 3 and first["next_cursor"]
    rest = (await client.get("/v1/audit", params={"limit": 3, "cursor": first["next_cursor"]},
                             headers=admin)).json()
    assert len(rest["items"]) == 2 and rest["next_cursor"] is None
    ids = [e["id"] for e in first["items"] + rest["items"]]
    assert ids == sorted(ids, reverse=True)
