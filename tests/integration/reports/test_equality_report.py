"""The equality report over HTTP: admins only, a closed date range, small cells suppressed with
their complements, JSON and CSV."""

import csv
import io
from datetime import timedelta

import pytest

from service import clock
from tests.conftest import Api
from tests.integration.accounts.helpers import contribute

TODAY = clock.today()
RANGE = {"from": (TODAY - timedelta(days=30)).isoformat(), "to": TODAY.isoformat()}
BORN = (TODAY.replace(day=1) - timedelta(days=365 * 40)).isoformat()  # aged 39 or 40: 35-44


async def eleven_workers(api: Api, client) -> list[dict]:
    """3 part-time (16 hours) and 8 full-time workers aged 35-44; the 3 part-time ones say
    they are female; 6 full-time ones are credited £100 each."""
    part = [await api.worker(weekly_hours=16, birth_date=BORN) for _ in range(3)]
    full = [await api.worker(weekly_hours=37, birth_date=BORN) for _ in range(8)]
    for worker in part:
        answer = await client.put(f"/v1/workers/{worker['id']}/equality",
                                  headers=await api.worker_token(worker),
                                  json={"sex": "female", "ethnicity": "prefer_not_to_say",
                                        "disability": "prefer_not_to_say", "consent": True})
        assert answer.status_code == 200
    for worker in full[:6]:
        await contribute(api, worker, 10_000)
    return part + full


def groups(report: dict, dimension: str) -> dict[str, dict]:
    return {row["group"]: row for row in report["dimensions"][dimension]}


async def test_a_cell_of_3_is_suppressed_with_its_complementary_cell(api: Api, client):
    await eleven_workers(api, client)
    answer = await client.get("/v1/reports/equality", params=RANGE, headers=await api.admin())
    assert answer.status_code == 200, answer.text
    report = answer.json()
    assert (report["from"], report["to"], report["suppressed_below"]) == (
        RANGE["from"], RANGE["to"], 5)
    assert report["totals"]["workers"] == 11
    assert report["totals"]["credit_credited_pence"] == 60_000
    part_time = groups(report, "part_time")
    # 3 part-time workers: withheld, and so is the full-time count, which with the total of
    # 11 would give the 3 away
    assert part_time["part_time"]["workers"] is None
    assert part_time["full_time"]["workers"] is None
    # credit: 0 part-time workers credited, 6 full-time ones: both withheld for the same reason
    assert part_time["part_time"]["credit_credited_pence"] is None
    assert part_time["full_time"]["credit_credited_pence"] is None
    assert part_time["full_time"]["representation"] == {
        "reviews_held": None, "enrolments": None, "credit_spent": None}
    ages = groups(report, "age_band")
    assert list(ages) == ["under_25", "25-34", "35-44", "45-49", "50-64", "65+"]
    assert ages["35-44"]["workers"] == 11 and ages["35-44"]["credit_credited_pence"] == 60_000
    assert ages["50-64"]["workers"] is None
    sex = groups(report, "sex")
    assert sex["female"]["workers"] is None and sex["not_stated"]["workers"] == 8
    contract = groups(report, "contract_type")
    assert contract["permanent"]["workers"] == 11
    regions = groups(report, "region")
    assert regions["E12000003"]["workers"] == 11


async def test_enrolments_are_null_until_enrolments_exist(api: Api, client):
    await eleven_workers(api, client)
    report = (await client.get("/v1/reports/equality", params=RANGE,
                               headers=await api.admin())).json()
    assert report["not_available"] == ["enrolments", "courses_started"]
    assert report["totals"]["enrolments"] is None and report["totals"]["courses_started"] is None
    assert all(row["enrolments"] is None for rows in report["dimensions"].values()
               for row in rows)


async def test_challenges_are_counted_by_outcome(api: Api, client):
    workers = await eleven_workers(api, client)
    admin = await api.admin()
    rep = await api.rep_token(await api.rep(branch="Leeds UNISON"))
    for i, worker in enumerate(workers):
        raised = await client.post(f"/v1/workers/{worker['id']}/challenges", headers=rep,
                                   json={"decision": "priority", "reason": "please check"})
        if i < 6:
            await client.post(f"/v1/challenges/{raised.json()['id']}/answer", headers=rep,
                              json={"outcome": "upheld", "explanation": "checked"})
    report = (await client.get("/v1/reports/equality", params=RANGE, headers=admin)).json()
    # none changed (under 5), so the 5 open are withheld too: 11 - 6 would give the 0 away
    assert report["challenges"] == {"open": None, "upheld": 6, "changed": None, "total": 11}


async def test_the_report_as_csv(api: Api, client):
    await eleven_workers(api, client)
    answer = await client.get("/v1/reports/equality", params=RANGE | {"format": "csv"},
                              headers=await api.admin())
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/csv")
    assert "attachment" in answer.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(answer.text)))
    by = {(r["dimension"], r["group"]): r for r in rows}
    assert by[("all", "all")]["workers"] == "11"
    assert by[("part_time", "part_time")]["workers"] == ""
    assert by[("part_time", "full_time")]["workers"] == ""
    assert by[("age_band", "35-44")]["credit_credited_pence"] == "60000"
    assert by[("challenges", "total")]["challenges"] == ""


@pytest.mark.parametrize("params,field", [
    ({"to": RANGE["to"]}, "from"),
    ({"from": RANGE["from"]}, "to"),
    ({}, "from"),
    ({"from": RANGE["to"], "to": RANGE["from"]}, "to"),
])
async def test_an_open_ended_or_inverted_range_is_422(api: Api, client, params, field):
    answer = await client.get("/v1/reports/equality", params=params, headers=await api.admin())
    assert answer.status_code == 422, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert [e["field"] for e in answer.json()["errors"]] == [field]


async def test_a_date_that_is_not_one_is_4xx(api: Api, client):
    answer = await client.get("/v1/reports/equality", headers=await api.admin(),
                              params={"from": "2026-13-01", "to": RANGE["to"]})
    assert answer.status_code == 422
    answer = await client.get("/v1/reports/equality", headers=await api.admin(),
                              params=RANGE | {"format": "xlsx"})
    assert answer.status_code == 422


async def test_only_admins_read_the_report(api: Api, client):
    worker = await api.worker()
    for who in (await api.rep_token(await api.rep()), await api.worker_token(worker),
                await api.college_token(await api.provider())):
        answer = await client.get("/v1/reports/equality", params=RANGE, headers=who)
        assert answer.status_code == 403
    assert (await client.get("/v1/reports/equality", params=RANGE)).status_code == 401
