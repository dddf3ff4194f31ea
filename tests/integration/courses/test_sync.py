"""Catalogue syncs over HTTP: the real XCRI-CAP feeds, JSON, withdrawals, rejections, access,
unreadable bodies and concurrent syncs."""

import asyncio
import uuid

import pytest

from service.app import create_app
from tests.integration.courses.conftest import (
    CORNWALL,
    CORNWALL_UKPRN,
    FIXTURES,
    XML,
    course,
    presentation,
)

pytestmark = [pytest.mark.asyncio, pytest.mark.usefixtures("reference_data")]

FEEDS = [
    ("cornwall_college_xcri_cap_1.2_2017-05-16.xml", CORNWALL_UKPRN, 407, 576),
    ("open_university_xcri_cap_1.2_example.xml", None, 2, 4),
    ("poppleton_pg_generic_xcri_cap_1.2_example.xml", "10099999", 1, 1),
    ("wychwolf_moodle_xcri_cap_1.2_sample.xml", None, 1, 1),
]


async def sync(client, ukprn, headers, courses, mode="full"):
    return await client.put(f"/v1/providers/{ukprn}/catalogue?mode={mode}", headers=headers,
                            json={"courses": courses})


async def course_rows(pool, ukprn):
    async with pool.acquire() as conn:
        return {r["ref"]: r for r in await conn.fetch(
            "SELECT c.id, c.ref, c.updated_at, c.withdrawn_at, c.title FROM courses c "
            "JOIN providers p ON p.id = c.provider_id WHERE p.ukprn = $1", ukprn)}


@pytest.mark.parametrize(("name", "ukprn", "courses", "presentations"), FEEDS)
async def test_every_real_feed_imports_and_a_second_identical_sync_changes_nothing(
        api, client, pool, name, ukprn, courses, presentations):
    provider = await api.provider(**({"ukprn": ukprn} if ukprn else {}))
    headers = await api.admin() | XML
    url = f"/v1/providers/{provider['ukprn']}/catalogue"
    data = (FIXTURES / name).read_bytes()
    first = await client.put(url, headers=headers, content=data)
    assert first.status_code == 200, first.text
    report = first.json()
    assert (report["status"], report["format"], report["mode"]) == ("applied", "xcri", "full")
    assert (report["received"], report["created"], report["rejected"]) == (courses, courses, 0)
    async with pool.acquire() as conn:
        counted = await conn.fetchval(
            "SELECT count(*) FROM presentations pr JOIN courses c ON c.id = pr.course_id "
            "WHERE c.provider_id = $1", uuid.UUID(provider["id"]))
    assert counted == presentations
    before = await course_rows(pool, provider["ukprn"])
    second = (await client.put(url, headers=headers, content=data)).json()
    assert (second["created"], second["updated"], second["unchanged"]) == (0, 0, courses)
    assert (second["withdrawn"], second["restored"]) == (0, 0)
    after = await course_rows(pool, provider["ukprn"])
    assert {r: v["updated_at"] for r, v in after.items()} == {
        r: v["updated_at"] for r, v in before.items()}


async def test_cornwall_fields_are_mapped(api, client, pool):
    await api.provider(ukprn=CORNWALL_UKPRN, name="Cornwall College")
    headers = await api.admin()
    report = (await client.put(f"/v1/providers/{CORNWALL_UKPRN}/catalogue",
                               headers=headers | XML, content=CORNWALL.read_bytes())).json()
    assert len(report["warnings"]) == 169  # the dtf a day before the text, each noted
    rows = await course_rows(pool, CORNWALL_UKPRN)
    ref = "http://www.cornwall.ac.uk/online/course/214945"
    detail = (await client.get(f"/v1/courses/{rows[ref]['id']}", headers=headers)).json()
    assert detail["title"] == "Creative Writing (JP)"
    assert detail["ukprn"] == CORNWALL_UKPRN and detail["provider_name"] == "Cornwall College"
    (run,) = detail["presentations"]
    assert (run["starts_on"], run["ends_on"], run["cost_pence"]) == (
        "2017-04-26", "2017-05-24", 5000)
    assert (run["attendance_pattern"], run["venue_postcode"]) == ("daytime", "TR15 3RD")
    diploma = rows["http://www.cornwall.ac.uk/online/course/211418"]
    detail = (await client.get(f"/v1/courses/{diploma['id']}", headers=headers)).json()
    assert (detail["rqf_level"], detail["band"]) == ("2", "introductory")
    assert detail["presentations"][0]["delivery"] == "classroom"


async def test_json_sync_updates_only_what_changed_and_keeps_presentation_ids(
        client, college, pool):
    provider, headers = college
    ukprn = provider["ukprn"]
    two_runs = [presentation("P1"), presentation("P2", starts_on="2027-04-12", ends_on=None)]
    first = await sync(client, ukprn, headers, [course("C1", presentations=two_runs),
                                                course("C2")])
    assert first.status_code == 200, first.text
    assert (first.json()["created"], first.json()["updated"]) == (2, 0)
    before = await course_rows(pool, ukprn)
    async with pool.acquire() as conn:
        p1 = await conn.fetchval("SELECT id FROM presentations WHERE ref = 'P1' AND course_id = $1",
                                 before["C1"]["id"])
    cheaper = [presentation("P1", cost_pence=20_000)]  # P2 is no longer listed
    second = (await sync(client, ukprn, headers, [course("C1", presentations=cheaper),
                                                  course("C2")])).json()
    assert (second["created"], second["updated"], second["unchanged"]) == (0, 1, 1)
    after = await course_rows(pool, ukprn)
    assert after["C2"]["updated_at"] == before["C2"]["updated_at"]
    assert after["C1"]["updated_at"] > before["C1"]["updated_at"]
    detail = (await client.get(f"/v1/courses/{after['C1']['id']}", headers=headers)).json()
    assert [(p["id"], p["cost_pence"]) for p in detail["presentations"]] == [(str(p1), 20_000)]


async def test_full_sync_withdraws_missing_courses_and_restores_them_when_back(
        client, college, pool):
    provider, headers = college
    ukprn = provider["ukprn"]
    await sync(client, ukprn, headers, [course("C1"), course("C2")])
    report = (await sync(client, ukprn, headers, [course("C1")])).json()
    assert (report["withdrawn"], report["unchanged"]) == (1, 1)
    rows = await course_rows(pool, ukprn)
    assert rows["C2"]["withdrawn_at"] is not None and rows["C1"]["withdrawn_at"] is None
    listed = (await client.get(f"/v1/courses?provider={ukprn}", headers=headers)).json()
    assert [c["ref"] for c in listed["items"]] == ["C1"]
    kept = (await client.get(f"/v1/courses/{rows['C2']['id']}", headers=headers)).json()
    assert kept["withdrawn_at"] is not None
    back = (await sync(client, ukprn, headers, [course("C1"), course("C2")])).json()
    assert (back["restored"], back["unchanged"], back["created"]) == (1, 1, 0)
    assert (await course_rows(pool, ukprn))["C2"]["withdrawn_at"] is None


async def test_delta_sync_applies_changes_without_withdrawals(client, college, pool):
    provider, headers = college
    ukprn = provider["ukprn"]
    await sync(client, ukprn, headers, [course("C1"), course("C2")])
    report = (await sync(client, ukprn, headers, [course("C3"), course("C1", title="New")],
                         mode="delta")).json()
    assert (report["mode"], report["created"], report["updated"], report["withdrawn"]) == (
        "delta", 1, 1, 0)
    rows = await course_rows(pool, ukprn)
    assert all(r["withdrawn_at"] is None for r in rows.values())
    assert rows["C1"]["title"] == "New"


async def test_invalid_records_are_rejected_with_reasons_and_the_rest_applied(
        client, college, pool):
    provider, headers = college
    ukprn = provider["ukprn"]
    await sync(client, ukprn, headers, [course("KEEP")])
    response = await sync(client, ukprn, headers, [
        course("OK"),
        course("NEG", presentations=[presentation(cost_pence=-5)]),
        course("DATES", presentations=[presentation(starts_on="2027-05-01",
                                                    ends_on="2027-04-01")]),
        course("OK", title="Second copy"),
        course("KEEP", rqf_level="9"),
    ])
    assert response.status_code == 200
    report = response.json()
    assert (report["created"], report["rejected"], report["withdrawn"]) == (1, 4, 0)
    reasons = {(r["ref"], r["index"]): r["reasons"] for r in report["rejected_records"]}
    assert reasons[("NEG", 1)] == ["presentations[0].cost_pence: must not be negative"]
    assert reasons[("DATES", 2)] == [
        "presentations[0].ends_on: 2027-04-01 is before starts_on 2027-05-01"]
    assert reasons[("OK", 3)] == ["ref: duplicate of the course at index 0"]
    assert "rqf_level" in reasons[("KEEP", 4)][0]
    rows = await course_rows(pool, ukprn)
    assert set(rows) == {"OK", "KEEP"}  # the rejected KEEP keeps its previous version
    assert rows["OK"]["title"] == "Welding and fabrication"
    assert rows["KEEP"]["withdrawn_at"] is None
    stored = (await client.get(f"/v1/providers/{ukprn}/syncs", headers=headers)).json()
    assert stored["items"][0]["rejected_records"] == report["rejected_records"]


async def test_who_may_sync(api, client, college):
    provider, headers = college
    ukprn = provider["ukprn"]
    body = {"courses": [course()]}
    url = f"/v1/providers/{ukprn}/catalogue"
    assert (await client.put(url, json=body)).status_code == 401
    worker = await api.worker()
    assert (await client.put(url, json=body,
                             headers=await api.worker_token(worker))).status_code == 403
    other = await api.college_token(await api.provider())
    refused = await client.put(url, json=body, headers=other)
    assert refused.status_code == 403
    assert refused.json()["errors"][0]["field"] == "ukprn"
    assert (await client.get(f"/v1/providers/{ukprn}/syncs", headers=other)).status_code == 403
    assert (await client.put("/v1/providers/19999999/catalogue", json=body,
                             headers=await api.admin())).status_code == 404
    assert (await client.put(url, json=body, headers=await api.admin())).status_code == 200
    assert (await client.put(url, json=body, headers=headers)).status_code == 200


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE catalog [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>
<catalog xmlns="http://xcri.org/profiles/1.2/catalog"><provider>&d;</provider></catalog>"""


@pytest.mark.parametrize(("data", "message"), [
    (b"<catalog><provider></catalog>", "not well-formed XML"),
    (BILLION_LAUGHS, "DTD or entity declaration"),
    (b"<!DOCTYPE html><html><body>Our courses</body></html>", "HTML page"),
    (b"", "empty"),
])
async def test_unreadable_xml_is_a_stored_failed_sync_and_the_catalogue_is_intact(
        client, college, pool, data, message):
    provider, headers = college
    ukprn = provider["ukprn"]
    await sync(client, ukprn, headers, [course("C1")])
    response = await client.put(f"/v1/providers/{ukprn}/catalogue", headers=headers | XML,
                                content=data)
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    problem = response.json()
    assert message in problem["detail"] and problem["errors"][0]["field"] == "body"
    syncs = (await client.get(f"/v1/providers/{ukprn}/syncs", headers=headers)).json()["items"]
    assert syncs[0]["status"] == "failed" and message in syncs[0]["error"]
    assert syncs[0]["id"] in problem["detail"]
    assert syncs[1]["status"] == "applied"
    rows = await course_rows(pool, ukprn)
    assert rows["C1"]["withdrawn_at"] is None


async def test_a_feed_for_another_ukprn_is_refused_and_stored(client, college):
    provider, headers = college
    response = await client.put(f"/v1/providers/{provider['ukprn']}/catalogue",
                                headers=headers | XML, content=CORNWALL.read_bytes())
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "provider.ukprn"
    syncs = (await client.get(f"/v1/providers/{provider['ukprn']}/syncs",
                              headers=headers)).json()["items"]
    assert syncs[0]["status"] == "failed" and "10001696" in syncs[0]["error"]


async def test_bad_json_bodies(client, college):
    provider, headers = college
    url = f"/v1/providers/{provider['ukprn']}/catalogue"
    malformed = await client.put(url, headers=headers | {"Content-Type": "application/json"},
                                 content=b'{"courses": [')
    assert malformed.status_code == 400
    wrong_type = await sync(client, provider["ukprn"], headers,
                            [course(presentations=[presentation(cost_pence="lots")])])
    assert wrong_type.status_code == 422
    assert wrong_type.json()["errors"][0]["field"] == "courses[0].presentations[0].cost_pence"
    unknown = await client.put(url, headers=headers, json={"courses": [], "colour": "red"})
    assert unknown.status_code == 422
    assert unknown.json()["errors"][0]["field"] == "body"
    assert "colour" in unknown.json()["detail"]
    text = await client.put(url, headers=headers | {"Content-Type": "text/plain"},
                            content=b"courses")
    assert text.status_code == 415
    syncs = (await client.get(f"/v1/providers/{provider['ukprn']}/syncs",
                              headers=headers)).json()["items"]
    assert [s["status"] for s in syncs] == ["failed", "failed", "failed"]


async def test_a_body_over_the_catalogue_limit_is_413(settings, pool, api):
    import httpx

    small = create_app(settings.model_copy(update={"catalogue_max_bytes": 2048}), pool=pool)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=small),
                                 base_url="http://ladder.test") as client:
        provider = (await client.post("/v1/providers", headers=await api.admin(),
                                      json={"ukprn": "10000001", "name": "Big College"})).json()
        body = {"courses": [course(f"C{i}") for i in range(20)]}
        response = await client.put(f"/v1/providers/{provider['ukprn']}/catalogue",
                                    headers=await api.admin(), json=body)
    assert response.status_code == 413
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["errors"][0]["field"] == "body"


async def test_syncs_are_listed_newest_first_with_pagination(client, college):
    provider, headers = college
    for title in ("A", "B", "C"):
        await sync(client, provider["ukprn"], headers, [course(title=title)])
    url = f"/v1/providers/{provider['ukprn']}/syncs"
    page = (await client.get(f"{url}?limit=2", headers=headers)).json()
    assert [s["updated"] for s in page["items"]] == [1, 1]
    rest = (await client.get(f"{url}?limit=2&cursor={page['next_cursor']}",
                             headers=headers)).json()
    assert [s["created"] for s in rest["items"]] == [1] and rest["next_cursor"] is None
    assert (await client.get(f"{url}?cursor=nonsense", headers=headers)).status_code == 422


async def test_concurrent_syncs_of_one_college_are_serialised(client, college, pool):
    provider, headers = college
    courses = [course(f"C{i}", presentations=[presentation(f"P{i}")]) for i in range(50)]
    responses = await asyncio.gather(*(sync(client, provider["ukprn"], headers, courses)
                                       for _ in range(4)))
    assert [r.status_code for r in responses] == [200] * 4
    reports = [r.json() for r in responses]
    assert sorted(r["created"] for r in reports) == [0, 0, 0, 50]
    assert sorted(r["unchanged"] for r in reports) == [0, 50, 50, 50]
    assert len(await course_rows(pool, provider["ukprn"])) == 50
