import json
import uuid

import pytest

from tests.integration.datarights.helpers import ZEB, count_rows, populated
from tests.integration.reviews.helpers import OTHER_BRANCH, Reviews
from tests.unit.test_datarights_registry import worker_tables
from tests.unit.test_table_ownership import SCHEMA_SNAPSHOT

pytestmark = pytest.mark.usefixtures("reference_data")

# Worker tables the helper does not fill (their counts are still checked, at zero).
NOT_MADE_YET: set[str] = set()
OTHER = {"name": "Ottoline Brackenbury", "email": "ottoline.b@example.org",
         "birth_date": "1966-07-09", "external_ref": "PAY-OB-1234"}


@pytest.fixture
async def rv(api) -> Reviews:
    return await Reviews(api).setup()


def section_of(document: dict, table: str):
    holders = [part for part in document["sections"].values() if table in part]
    assert len(holders) == 1, f"{table} is in {len(holders)} sections of the export"
    return holders[0][table]


async def test_the_export_covers_every_worker_table_and_only_the_workers_rows(api, rv, pool):
    zeb = await populated(api, rv, pool, ZEB, tag="zeb")
    other = await populated(api, rv, pool, OTHER, tag="other", shift=3)
    response = await api.client.get(f"/v1/workers/{zeb.id}/export", headers=zeb.auth)
    assert response.status_code == 200, response.text
    document = response.json()
    assert document["worker_id"] == zeb.id and document["exported_for"] == "worker"

    for table, column in sorted(worker_tables(SCHEMA_SNAPSHOT.read_text()).items()):
        rows = section_of(document, table)
        stored = await count_rows(pool, table, column, zeb.id)
        shown = len(rows) if isinstance(rows, list) else int(rows is not None)
        assert shown == stored, f"{table}: {shown} rows exported, {stored} stored"
        assert stored > 0 or table in NOT_MADE_YET, f"the test made no {table} row"

    people = document["sections"]["people"]
    assert people["workers"]["name"] == ZEB["name"]
    assert people["workers"]["birth_date"] == ZEB["birth_date"]
    assert {r["rule"] for r in people["priority"]["reasons"]} >= {"age_50_plus"}
    reviews = section_of(document, "reviews")
    assert any(r["action_plan"] and "bookkeeper" in r["action_plan"] for r in reviews)
    assert all("token_hash" not in t for t in section_of(document, "api_tokens"))
    actions = {a["action"] for a in section_of(document, "audit_log")}
    assert {"datarights.export", "account.read", "reviews.outcome"} <= actions

    # nobody else's rows: not the other worker's name, email, ids, nor their rows' ids
    text = json.dumps(document)
    async with pool.acquire() as conn:
        their_ids = [str(r[0]) for r in await conn.fetch(
            "SELECT id FROM ledger_entries WHERE worker_id = $1 UNION ALL "
            "SELECT id FROM reviews WHERE worker_id = $1 UNION ALL "
            "SELECT id FROM holds WHERE worker_id = $1 UNION ALL "
            "SELECT id FROM api_tokens WHERE worker_id = $1 UNION ALL "
            "SELECT id FROM outbox WHERE worker_id = $1 UNION ALL "
            "SELECT id FROM review_waitlist WHERE worker_id = $1", uuid.UUID(other.id))]
    assert their_ids
    for leak in [OTHER["name"], OTHER["email"], OTHER["external_ref"], other.id, *their_ids]:
        assert leak not in text, f"{leak} of another worker is in the export"


async def test_who_may_export(api, rv, pool):
    zeb, zeb_auth = await rv.worker(**ZEB)
    other, other_auth = await rv.worker(**OTHER)
    york_rep = await api.rep_token(await api.rep(branch=OTHER_BRANCH))
    college = await api.college_token(await api.provider())
    path = f"/v1/workers/{zeb['id']}/export"
    for auth in (other_auth, rv.rep_auth, york_rep, college):
        response = await api.client.get(path, headers=auth)
        assert response.status_code == 403, response.text
        assert response.headers["content-type"].startswith("application/problem+json")
    assert (await api.client.get(path)).status_code == 401
    missing = f"/v1/workers/{uuid.uuid4()}/export"
    assert (await api.client.get(missing, headers=rv.admin)).status_code == 404
    assert (await api.client.get("/v1/workers/not-a-uuid/export",
                                 headers=rv.admin)).status_code in (400, 404, 422)
    by_admin = await api.client.get(path, headers=rv.admin)
    assert by_admin.status_code == 200
    assert by_admin.json()["exported_for"] == "admin"
    # a refused export is not audited; the admin's is
    async with pool.acquire() as conn:
        audited = await conn.fetch("SELECT actor_role FROM audit_log WHERE worker_id = $1 "
                                   "AND action = 'datarights.export'", uuid.UUID(zeb["id"]))
    assert [r["actor_role"] for r in audited] == ["admin"]


async def test_an_admins_export_leaves_out_the_action_plan(api, rv, pool):
    zeb = await populated(api, rv, pool, ZEB, tag="zeb")
    document = (await api.client.get(f"/v1/workers/{zeb.id}/export",
                                     headers=rv.admin)).json()
    reviews = section_of(document, "reviews")
    assert reviews and all(r["action_plan"] is None for r in reviews)
