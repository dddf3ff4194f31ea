from datetime import date, timedelta

import msgspec
import pytest

from service.policy.schemas import PolicyRules

pytestmark = pytest.mark.asyncio
TODAY = date.today()
NEXT_PERIOD = date(TODAY.year + 1, 1, 1)  # accrual periods are calendar years


@pytest.fixture
async def restore_policy(pool):
    """Policies are kept between tests (the migration seeds version 1); drop what a test adds."""
    yield
    async with pool.acquire() as conn:
        await conn.execute("DELETE FROM policies WHERE version > 1")


def rules(**changes) -> dict:
    return msgspec.to_builtins(PolicyRules()) | changes


async def test_the_published_policy_is_the_design_defaults(api, client):
    worker = await api.worker()
    for headers in (await api.admin(), await api.worker_token(worker),
                    await api.college_token(await api.provider())):
        response = await client.get("/v1/policy", headers=headers)
        assert response.status_code == 200
        policy = response.json()
        assert (policy["version"], policy["effective_from"]) == (1, "2000-01-01")
        assert policy["rules"] == rules()
    assert policy["rules"]["annual_credit_pence"] == 50_000
    assert policy["rules"]["enhanced_ceiling_pence"] == 800_000
    assert policy["rules"]["priority"]["age_50_plus"] == 3
    assert (await client.get("/v1/policy")).status_code == 401


async def test_admin_publishes_a_version_for_the_next_period(api, client, restore_policy):
    admin = await api.admin()
    body = {"effective_from": NEXT_PERIOD.isoformat(), "note": "higher credit",
            "rules": rules(annual_credit_pence=60_000)}
    created = await client.post("/v1/policy", json=body, headers=admin)
    assert created.status_code == 201, created.text
    assert (created.json()["version"], created.json()["effective_from"]) == (
        2, NEXT_PERIOD.isoformat())
    # Published, not yet in force: this period keeps version 1 to its end.
    assert (await client.get("/v1/policy", headers=admin)).json()["version"] == 1
    last_day = NEXT_PERIOD - timedelta(days=1)
    for day, version in ((last_day, 1), (NEXT_PERIOD, 2), (NEXT_PERIOD.replace(month=12,
                                                                             day=31), 2)):
        on = await client.get("/v1/policy", params={"on": day.isoformat()}, headers=admin)
        assert on.json()["version"] == version, day
    later = await client.post("/v1/policy", headers=admin, json=body | {
        "effective_from": NEXT_PERIOD.replace(year=NEXT_PERIOD.year + 1).isoformat()})
    assert later.status_code == 201 and later.json()["version"] == 3

    versions = (await client.get("/v1/policy/versions", params={"limit": 2},
                                 headers=admin)).json()
    assert [v["version"] for v in versions["items"]] == [3, 2]
    rest = (await client.get("/v1/policy/versions", params={"cursor": versions["next_cursor"]},
                             headers=admin)).json()
    assert [v["version"] for v in rest["items"]] == [1] and rest["next_cursor"] is None


async def test_accrual_and_priority_follow_the_version_in_force(api, client, pool,
                                                               restore_policy):
    """A version published last year for 1 January of this one (the API refuses a date that
    has passed, so it is put in as it would be stored)."""
    changed = rules(annual_credit_pence=60_000, priority=rules()["priority"] | {"part_time": 5})
    async with pool.acquire() as conn:
        await conn.execute("INSERT INTO policies (version, effective_from, rules, created_by) "
                           "VALUES (2, $1, $2, 'test admin')", date(TODAY.year, 1, 1), changed)
    admin = await api.admin()
    assert (await client.get("/v1/policy", headers=admin)).json()["version"] == 2
    worker = await api.worker(weekly_hours=20, birth_date="1990-01-01",
                              highest_qualification="4")
    assert worker["priority_score"] == 5
    accrued = await client.post("/v1/accruals", json={"period": str(TODAY.year)}, headers=admin)
    assert accrued.json()["policy_version"] == 2
    entries = (await client.get(f"/v1/workers/{worker['id']}/account/entries",
                                headers=admin)).json()["items"]
    assert [(e["amount_pence"], e["policy_version"]) for e in entries] == [(60_000, 2)]
    last_year = await client.post("/v1/accruals", json={"period": str(TODAY.year - 1)},
                                  headers=admin)
    assert last_year.json()["policy_version"] == 1


async def test_the_account_shows_the_rules_of_the_version_now_in_force(api, client, pool,
                                                                      restore_policy):
    """GET /account decodes a version's rules once and keeps them by their text: a version
    that comes into force is shown on the next read, in the same process."""
    admin = await api.admin()
    worker = await api.worker(highest_qualification="4", contract_type="permanent")
    path = f"/v1/workers/{worker['id']}/account"
    before = (await client.get(path, headers=admin)).json()
    async with pool.acquire() as conn:
        await conn.execute("INSERT INTO policies (version, effective_from, rules, created_by) "
                           "VALUES (2, $1, $2, 'test admin')", date(TODAY.year, 1, 1),
                           rules(annual_credit_pence=61_000, annual_ceiling_pence=610_000))
    after = (await client.get(path, headers=admin)).json()
    assert (before["policy_version"], before["annual_credit_pence"],
            before["ceiling_pence"]) == (1, 50_000, 500_000)
    assert (after["policy_version"], after["annual_credit_pence"],
            after["ceiling_pence"]) == (2, 61_000, 610_000)
    assert after["rate"] == before["rate"] == "standard"


@pytest.mark.parametrize(("change", "field"), [
    ({"effective_from": (TODAY - timedelta(days=1)).isoformat()}, "effective_from"),
    ({"effective_from": TODAY.isoformat()}, "effective_from"),
    ({"effective_from": date(TODAY.year, 1, 1).isoformat()}, "effective_from"),
    ({"effective_from": (NEXT_PERIOD + timedelta(days=1)).isoformat()}, "effective_from"),
    ({"effective_from": (TODAY + timedelta(days=30)).replace(day=15).isoformat()},
     "effective_from"),
    ({"rules": rules(annual_credit_pence=600_000)}, "rules.annual_credit_pence"),
    ({"rules": rules(enhanced_credit_pence=10)}, "rules.enhanced_credit_pence"),
    ({"rules": rules(enhanced_ceiling_pence=100_000)}, "rules.enhanced_ceiling_pence"),
    ({"rules": rules(annual_credit_pence=-1)}, "rules.annual_credit_pence"),
    ({"rules": rules(enhanced_contracts=["gig"])}, "rules.enhanced_contracts[0]"),
    ({"rules": rules(surprise=1)}, "rules.surprise"),
    ({"effective_from": "soon"}, "effective_from"),
])
async def test_bad_policies_name_the_field(api, client, restore_policy, change, field):
    body = {"effective_from": NEXT_PERIOD.isoformat(), "rules": rules()} | change
    response = await client.post("/v1/policy", json=body, headers=await api.admin())
    assert response.status_code == 422, response.text
    assert [e["field"] for e in response.json()["errors"]] == [field]
    assert (await client.get("/v1/policy/versions",
                             headers=await api.admin())).json()["items"][0]["version"] == 1


async def test_only_admins_publish_and_versions_take_effect_in_order(api, client,
                                                                     restore_policy):
    worker = await api.worker()
    in_two_years = NEXT_PERIOD.replace(year=NEXT_PERIOD.year + 1)
    body = {"effective_from": in_two_years.isoformat(), "rules": rules()}
    rep = await api.rep_token(await api.rep(branch=worker["branch"]))
    for headers in (await api.worker_token(worker), rep):
        assert (await client.post("/v1/policy", json=body, headers=headers)).status_code == 403
    assert (await client.post("/v1/policy", json=body,
                              headers=await api.admin())).status_code == 201
    twice = await client.post("/v1/policy", json=body, headers=await api.admin())
    assert twice.status_code == 409
    assert twice.json()["errors"][0]["field"] == "effective_from"
    # Not before a version already published, either: that one would then never apply.
    earlier = await client.post("/v1/policy", json=body | {
        "effective_from": NEXT_PERIOD.isoformat()}, headers=await api.admin())
    assert earlier.status_code == 409, earlier.text
    assert earlier.headers["content-type"].startswith("application/problem+json")
    assert [e["field"] for e in earlier.json()["errors"]] == ["effective_from"]
    assert in_two_years.isoformat() in earlier.json()["detail"]
    versions = (await client.get("/v1/policy/versions", headers=await api.admin())).json()
    assert [v["version"] for v in versions["items"]] == [2, 1]
    # A future version is published but not yet in force.
    assert (await client.get("/v1/policy", headers=await api.admin())).json()["version"] == 1


async def test_unknown_days_and_versions(api, client):
    admin = await api.admin()
    assert (await client.get("/v1/policy", params={"on": "1999-12-31"},
                             headers=admin)).status_code == 404
    assert (await client.get("/v1/policy", params={"version": 99},
                             headers=admin)).status_code == 404
    bad = await client.get("/v1/policy", params={"version": 0}, headers=admin)
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "version"
