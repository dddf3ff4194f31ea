"""POST /v1/workers/import: a CSV from an HR system; valid rows applied atomically, bad rows
reported with their line numbers and reasons, whole-file faults refused with nothing applied."""

import asyncio
import uuid

import httpx
import pytest

from service.app import create_app
from tests.integration.locks import wait_for_lock_wait
from tests.integration.programmes.helpers import EMPLOYER, PAYROLL_CLERK, create_programme

pytestmark = pytest.mark.usefixtures("reference_data")

HEADER = ("external_ref,name,email,birth_date,branch,employer,region,occupation,contract_type,"
          "weekly_hours,highest_qualification,facing_redundancy")
CSV = {"Content-Type": "text/csv"}


def line(ref: str, **fields: str) -> str:
    values = {"external_ref": ref, "name": f"Worker {ref}", "email": f"{ref}@example.org",
              "birth_date": "1970-05-01", "branch": "Leeds UNISON", "employer": EMPLOYER,
              "region": "E12000003", "occupation": PAYROLL_CLERK, "contract_type": "permanent",
              "weekly_hours": "37", "highest_qualification": "3",
              "facing_redundancy": "false"} | fields
    return ",".join(values[c] for c in HEADER.split(","))


def csv_file(*lines: str, header: str = HEADER) -> bytes:
    return ("\n".join([header, *lines]) + "\n").encode()


async def post(api, body: bytes, auth=None, params=None, headers=CSV) -> httpx.Response:
    return await api.client.post("/v1/workers/import", content=body, params=params,
                                 headers=(auth or await api.admin()) | headers)


async def listed(api) -> dict[str, dict]:
    response = await api.client.get("/v1/workers?limit=200", headers=await api.admin())
    return {w["external_ref"]: w for w in response.json()["items"]}


async def test_three_bad_rows_are_reported_by_line_and_the_rest_applied(api):
    body = csv_file(line("A1"),
                    line("A2", birth_date="1970-13-01"),
                    line("A3"),
                    "",  # a blank line is skipped, and still counted as a line
                    line("A4", region="X1"),
                    line("A5", weekly_hours="16.5", contract_type="zero_hours"),
                    line("A6", contract_type="gig"))
    response = await post(api, body)
    assert response.status_code == 200, response.text
    report = response.json()
    assert (report["rows"], report["created"], report["updated"], report["unchanged"]) == (
        6, 3, 0, 0)
    assert [(r["line"], r["external_ref"], [e["field"] for e in r["errors"]])
            for r in report["rejected"]] == [(3, "A2", ["birth_date"]), (6, "A4", ["region"]),
                                             (8, "A6", ["contract_type"])]
    assert all(e["message"] for r in report["rejected"] for e in r["errors"])
    workers = await listed(api)
    assert set(workers) == {"A1", "A3", "A5"}
    assert workers["A5"]["weekly_hours"] == 16.5
    # aged 50+ (3), part-time (2), insecure (3): the stored score is worked out as on POST
    priority = (await api.client.get(f"/v1/workers/{workers['A5']['id']}/priority",
                                     headers=await api.admin())).json()
    assert workers["A5"]["priority_score"] == priority["score"]


async def test_a_second_import_updates_changed_rows_and_counts_the_unchanged(api):
    await post(api, csv_file(line("B1"), line("B2"), line("B3")))
    first = await listed(api)
    report = (await post(api, csv_file(line("B1"), line("B2", contract_type="agency"),
                                       line("B3"), line("B4")))).json()
    assert (report["created"], report["updated"], report["unchanged"], report["rejected"]) == (
        1, 1, 2, [])
    now = await listed(api)
    assert now["B2"]["id"] == first["B2"]["id"]
    assert now["B2"]["contract_type"] == "agency"
    assert now["B2"]["priority_score"] == first["B2"]["priority_score"] + 3
    assert now["B1"] == first["B1"]


async def test_a_column_left_out_keeps_the_stored_value(api):
    await api.worker(external_ref="C1", employer=EMPLOYER, email="kept@example.org",
                     facing_redundancy=True, birth_date="1970-05-01", occupation=PAYROLL_CLERK,
                     name="Worker C1", weekly_hours=37, highest_qualification="3")
    header = HEADER.replace(",email", "").replace(",facing_redundancy", "")
    row = line("C1").split(",")
    del row[11], row[2]
    report = (await post(api, csv_file(",".join(row), header=header))).json()
    assert report["unchanged"] == 1, report
    worker = (await listed(api))["C1"]
    assert worker["email"] == "kept@example.org" and worker["facing_redundancy"] is True


@pytest.mark.parametrize(("body", "field"), [
    (csv_file(line("D1"), header=HEADER + ",shoe_size"), "header"),
    (csv_file(line("D1"), header=HEADER.replace("region,", "")), "header"),
    (b"", "header"),
    (csv_file(line("D1"), line("D2"), line("D1", name="Again")), "external_ref"),
    (HEADER.encode() + b"\n" + line("D1").encode("utf-16"), "body"),
    (csv_file('D1,"unterminated'), "body"),
])
async def test_a_file_that_cannot_be_read_as_a_whole_applies_nothing(api, body, field):
    response = await post(api, body)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert [e["field"] for e in response.json()["errors"]] == [field]
    assert await listed(api) == {}


async def test_the_duplicate_names_its_lines(api):
    response = await post(api, csv_file(line("E1"), line("E2"), line("E1")))
    assert "'E1' of 'Leeds City Council' on lines 2 and 4" in response.json()["detail"]


async def test_media_type_and_size(api, settings, pool):
    wrong = await post(api, csv_file(line("F1")), headers={"Content-Type": "application/json"})
    assert wrong.status_code == 415
    small = create_app(settings.model_copy(update={"import_max_bytes": 1024}), pool=pool)
    transport = httpx.ASGITransport(app=small)
    async with httpx.AsyncClient(transport=transport, base_url="http://ladder.test") as client:
        big = await client.post("/v1/workers/import", headers=await api.admin() | CSV,
                                content=csv_file(*[line(f"F{i}") for i in range(20)]))
    assert big.status_code == 413
    assert await listed(api) == {}


async def test_an_unknown_occupation_is_a_rejected_row(api):
    report = (await post(api, csv_file(line("G1", occupation="9999.9"), line("G2")))).json()
    assert [(r["line"], r["errors"][0]["field"]) for r in report["rejected"]] == [
        (2, "occupation")]
    assert report["created"] == 1


async def test_a_rep_imports_their_own_branch_only(api):
    rep = await api.rep(branch="Leeds UNISON")
    auth = await api.rep_token(rep)
    await api.worker(external_ref="H3", employer=EMPLOYER, branch="York UNISON")
    report = (await post(api, csv_file(line("H1"), line("H2", branch="York UNISON"),
                                       line("H3")), auth=auth)).json()
    assert report["created"] == 1
    assert [(r["line"], [e["field"] for e in r["errors"]]) for r in report["rejected"]] == [
        (3, ["branch"]), (4, ["external_ref"])]
    programme = (await create_programme(api))["programme"]
    refused = await post(api, csv_file(line("H4")), auth=auth,
                         params={"programme": programme["id"]})
    assert refused.status_code == 403
    worker = await api.worker()
    assert (await post(api, csv_file(line("H5")),
                       auth=await api.worker_token(worker))).status_code == 403


async def test_an_import_into_a_programme_adds_its_rows(api):
    programme = (await create_programme(api, occupations=["4132.1"]))["programme"]
    body = csv_file(line("J1"), line("J2", employer="York Council"), line("J3"))
    response = await post(api, body, params={"programme": programme["id"]})
    report = response.json()
    assert (report["created"], report["added_to_programme"]) == (2, 2), report
    assert [(r["line"], r["errors"][0]["field"]) for r in report["rejected"]] == [
        (3, "employer")]
    workers = await listed(api)
    assert workers["J1"]["facing_redundancy"] is True
    members = (await api.client.get(f"/v1/programmes/{programme['id']}/members",
                                    headers=await api.admin())).json()["items"]
    assert {m["worker_id"] for m in members} == {workers["J1"]["id"], workers["J3"]["id"]}
    assert {m["source"] for m in members} == {"imported"}
    missing = await post(api, body, params={"programme": str(uuid.uuid4())})
    assert missing.status_code == 404


async def test_an_import_racing_another_for_a_new_worker_is_a_409_with_nothing_applied(api,
                                                                                       pool):
    """Another instance's import (here a bare transaction) creates K1 and has not committed:
    this import waits on the unique key, then is refused as a retryable conflict, whole."""
    headers = await api.admin() | CSV
    async with pool.acquire() as other:
        transaction = other.transaction()
        await transaction.start()
        await other.execute(
            "INSERT INTO workers (external_ref, employer, name, birth_date, branch, region, "
            "contract_type, weekly_hours, highest_qualification) VALUES ('K1', $1, 'First', "
            "'1970-01-01', 'Leeds UNISON', 'E12000003', 'permanent', 37, '3')", EMPLOYER)
        task = asyncio.create_task(api.client.post(
            "/v1/workers/import", content=csv_file(line("K0"), line("K1")), headers=headers))
        await wait_for_lock_wait(pool, other, task)
        await transaction.commit()
        response = await task
    assert response.status_code == 409, response.text
    assert set(await listed(api)) == {"K1"}
    assert (await listed(api))["K1"]["name"] == "First"
