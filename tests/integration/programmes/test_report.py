"""GET /v1/programmes/{id}/report on a hand-made set of destinations: shares, medians,
suppression, CSV, the reference figures; who may read it."""

import csv
import io
import uuid

import pytest

from tests.integration.programmes.helpers import PAYROLL_CLERK, create_programme

pytestmark = pytest.mark.usefixtures("reference_data")

# (birth year, contract, destinations as (recorded_on, type), oldest first)
MEMBERS = [
    *[(1970, "permanent", [("2026-07-10", "new_job_permanent")]) for _ in range(6)],
    (1970, "permanent", [("2026-06-20", "study")]),  # 10 days before the last day
    (1970, "zero_hours", [("2026-08-29", "self_employed")]),  # 60 days after
    (1990, "zero_hours", [("2026-07-30", "still_looking")]),
    (1990, "zero_hours", [("2026-07-01", "still_looking"),
                          ("2026-09-28", "new_job_fixed_term")]),  # 90 days; the latest counts
    (1990, "permanent", []),
    (1990, "permanent", []),
]


async def test_the_report_counts_shares_medians_and_suppresses_small_cells(api):
    workers = [await api.worker(occupation=PAYROLL_CLERK, birth_date=f"{year}-03-01",
                                contract_type=contract)
               for year, contract, _ in MEMBERS]
    await api.worker()  # not of the programme: not counted
    programme = (await create_programme(api))["programme"]
    admin = await api.admin()
    for worker, (_, _, destinations) in zip(workers, MEMBERS, strict=True):
        for recorded_on, kind in destinations:
            response = await api.client.post(
                f"/v1/workers/{worker['id']}/destinations", headers=admin,
                json={"recorded_on": recorded_on, "type": kind, "pay_compared": "unknown"})
            assert response.status_code == 201, response.text

    response = await api.client.get(f"/v1/programmes/{programme['id']}/report", headers=admin)
    assert response.status_code == 200, response.text
    report = response.json()
    assert (report["workers"], report["reviewed"], report["credit_spent_pence"]) == (12, 0, 0)
    assert [report[k] for k in ("pathway_chosen", "enrolled", "started", "completed")] == [
        0] * 4
    assert report["window_ends_on"] == "2027-06-30"
    dest = report["destinations"]
    assert (dest["with_destination"], dest["in_work_or_study"]) == (10, 9)
    assert dest["share_in_work_or_study"] == 0.75
    assert dest["median_days_to_destination"] == 10.0  # -10, 10 x6, 60, 90
    assert {k: v for k, v in dest["by_type"].items() if v} == {
        "new_job_permanent": 6, "study": 1, "self_employed": 1, "still_looking": 1,
        "new_job_fixed_term": 1}
    # 8 aged 50-64 on the last day and 4 aged 35-44 (the equality report's bands): the 4 are
    # hidden, and so the 8 with them
    assert [(r["group"], r["workers"], r["suppressed"]) for r in report["by_age_band"]] == [
        ("35-44", None, True), ("50-64", None, True)]
    assert [(r["group"], r["workers"]) for r in report["by_contract_type"]] == [
        ("permanent", None), ("zero_hours", None)]
    (full_time,) = report["by_part_time"]
    # 12 workers, 9 in work or study: the 3 others are under 5, so the count is hidden
    assert (full_time["group"], full_time["workers"], full_time["in_work_or_study"],
            full_time["share_in_work_or_study"]) == ("full-time", 12, None, None)
    councils = {r["organisation"]: r for r in report["reference"]}
    assert {k: (v["website"], v["figures"]) for k, v in councils.items()} == {
        "TSL (Trygghetsfonden TSL, Sweden)": ("tsl.se", {"in_work_or_study": 0.90}),
        "TRR Trygghetsrådet (Sweden)": (
            "trr.se", {"new_job": 0.79, "self_employed": 0.07, "longer_study": 0.05})}
    # issue 14 names no report or year, and nothing here could check the figures: the report
    # says so rather than naming a publication
    for ref in report["reference"]:
        assert (ref["publication"], ref["year"], ref["checked"]) == (
            "as cited in Ladder issue 14", None, False)
        assert "not been checked" in ref["note"] and "issue 14" in ref["note"]
    assert any("checked: false" in note for note in report["notes"])

    as_csv = await api.client.get(f"/v1/programmes/{programme['id']}/report",
                                  params={"format": "csv"}, headers=admin)
    assert as_csv.status_code == 200 and as_csv.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(as_csv.text)))
    assert rows[0] == ["section", "group", "measure", "value"]
    assert ["destinations", "", "share_in_work_or_study", "0.75"] in rows
    assert ["by_age_band", "35-44", "workers", ""] in rows
    assert ["programme", "", "pathway_chosen", "0"] in rows
    trr = "TRR Trygghetsrådet (Sweden)"
    assert [r[2:] for r in rows if r[:2] == ["reference", trr]] == [
        ["new_job", "0.79"], ["self_employed", "0.07"], ["longer_study", "0.05"],
        ["publication", "as cited in Ladder issue 14"], ["year", ""], ["checked", "false"]]


async def test_only_admins_read_a_report(api):
    programme = (await create_programme(api))["programme"]
    rep = await api.rep()
    response = await api.client.get(f"/v1/programmes/{programme['id']}/report",
                                    headers=await api.rep_token(rep))
    assert response.status_code == 403
    missing = await api.client.get(f"/v1/programmes/{uuid.uuid4()}/report",
                                   headers=await api.admin())
    assert missing.status_code == 404
    bad = await api.client.get(f"/v1/programmes/{programme['id']}/report",
                               params={"format": "xlsx"}, headers=await api.admin())
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "format"


async def test_the_openapi_documents_where_a_reference_figure_comes_from(app):
    figure = app.openapi_schema.to_schema()["components"]["schemas"]["ReferenceFigure"]
    assert {"organisation", "publication", "year", "checked", "note"} <= set(figure["required"])
    assert figure["properties"]["checked"]["type"] == "boolean"
    assert {"type": "null"} in figure["properties"]["year"]["oneOf"]
    assert all(figure["properties"][f].get("description") for f in figure["properties"])
