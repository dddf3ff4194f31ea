"""Searching and reading occupations and skills; workers' occupations checked against them."""

import csv

import pytest

from tests.conftest import ROOT, worker_body

pytestmark = pytest.mark.usefixtures("reference_data")

UNKNOWN_URI = "http://data.europa.eu/esco/occupation/00000000-0000-0000-0000-000000000000"


async def search(client, headers, path="/v1/occupations", **params):
    response = await client.get(path, params=params, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


@pytest.mark.parametrize(("q", "code"), [
    ("care worker", "3412.4"),  # social care worker, whose alternative label is "care worker"
    ("care workr", "3412.4"),
    ("shop assistant", "5223.6"),
    ("shop asistant", "5223.6"),
    ("payroll clerk", "4313.1"),
    ("payrol clerk", "4313.1"),
    ("data entry clrk", "4132.1"),
])
async def test_common_job_titles_come_first_even_with_a_typo(api, client, q, code):
    page = await search(client, await api.admin(), q=q)
    assert page["items"][0]["code"] == code


async def test_cleaner_finds_building_cleaner_through_an_everyday_title(api, client):
    """ESCO has no plain "cleaner"; Ladder's everyday job titles send it to building cleaner
    (offices, schools, hospitals), ahead of ESCO's train, vehicle and window cleaners."""
    headers = await api.admin()
    page = await search(client, headers, q="cleaner")
    first = page["items"][0]
    assert (first["label"], first["code"], first["matched_label"]) == (
        "building cleaner", "9112.2", "cleaner")
    assert "train cleaner" in [item["label"] for item in page["items"][1:]]
    for typo in ("clener", "claener", "Cleaner "):
        assert (await search(client, headers, q=typo))["items"][0]["code"] == "9112.2", typo


def everyday_titles() -> list[dict[str, str]]:
    with (ROOT / "catalogue" / "everyday_job_titles.csv").open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def one_letter_dropped(title: str) -> str:
    """The title with a letter dropped from the middle of its longest word."""
    word = max(title.split(), key=len)
    return title.replace(word, word[:len(word) // 2] + word[len(word) // 2 + 1:], 1)


@pytest.mark.parametrize("row", everyday_titles(), ids=lambda row: row["title"])
async def test_every_everyday_title_finds_its_occupation_first_even_with_a_typo(api, client,
                                                                               row):
    headers = await api.admin()
    for q in (row["title"], one_letter_dropped(row["title"])):
        first = (await search(client, headers, q=q))["items"][0]
        assert (first["uri"], first["label"]) == (row["occupation_uri"],
                                                  row["occupation_label"]), q


async def test_items_carry_uri_code_label_and_risk(api, client):
    item = (await search(client, await api.admin(), q="payroll clerk"))["items"][0]
    assert item["uri"].startswith("http://data.europa.eu/esco/occupation/")
    assert item["uri"].endswith(item["id"])
    assert item["label"] == "payroll clerk"
    assert item["matched_label"] == "payroll clerk"
    assert item["risk_category"] == "High"
    assert item["risk_source"] == "nesta"
    assert 1 <= item["risk"] <= 5


async def test_any_role_may_search_but_a_token_is_needed(api, client):
    worker = await api.worker()
    college = await api.college_token(await api.provider())
    for headers in (await api.worker_token(worker), college, await api.rep_token(await api.rep())):
        assert (await client.get("/v1/occupations", params={"q": "nurse"},
                                 headers=headers)).status_code == 200
        assert (await client.get("/v1/skills", params={"q": "nursing"},
                                 headers=headers)).status_code == 200
    for path in ("/v1/occupations", "/v1/skills", "/v1/occupations/4313.1"):
        response = await client.get(path)
        assert response.status_code == 401
        assert response.headers["content-type"].startswith("application/problem+json")


async def test_search_pages_follow_the_ranking(api, client):
    headers = await api.admin()
    whole = (await search(client, headers, q="clerk", limit=12))["items"]
    seen, cursor = [], None
    for _ in range(3):
        page = await search(client, headers, q="clerk", limit=4,
                            **({"cursor": cursor} if cursor else {}))
        seen += page["items"]
        cursor = page["next_cursor"]
    assert [o["id"] for o in seen] == [o["id"] for o in whole]
    assert cursor is not None


async def test_list_without_query_is_in_label_order_and_pages(api, client):
    headers = await api.admin()
    first = await search(client, headers, limit=3)
    second = await search(client, headers, limit=3, cursor=first["next_cursor"])
    labels = [o["label"] for o in first["items"] + second["items"]]
    assert labels == sorted(labels)
    assert len(set(labels)) == 6


@pytest.mark.parametrize("params", [
    {"q": "clerk", "cursor": "garbage!"},
    {"q": "x"},
    {"q": "y" * 201},
    {"limit": 0},
    {"limit": 201},
])
async def test_bad_search_parameters_are_4xx_naming_the_field(api, client, params):
    response = await client.get("/v1/occupations", params=params, headers=await api.admin())
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["errors"][0]["field"] in params


async def test_a_list_cursor_is_refused_by_a_search(api, client):
    headers = await api.admin()
    listed = await search(client, headers, limit=2)
    response = await client.get("/v1/occupations", headers=headers,
                                params={"q": "clerk", "cursor": listed["next_cursor"]})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "cursor"


async def test_occupation_by_id_code_or_uri_with_risk_and_skills(api, client):
    headers = await api.admin()
    listed = (await search(client, headers, q="payroll clerk"))["items"][0]
    by_id = (await client.get(f"/v1/occupations/{listed['id']}", headers=headers)).json()
    by_code = (await client.get("/v1/occupations/4313.1", headers=headers)).json()
    by_uri = (await client.get("/v1/occupations/by-uri", params={"uri": listed["uri"]},
                               headers=headers)).json()
    assert by_id == by_code == by_uri
    assert by_id["label"] == "payroll clerk"
    assert by_id["risk_category"] == "High" and by_id["prevalence"] is not None
    assert by_id["essential_skills"] and by_id["optional_skills"]
    essential = {s["label"] for s in by_id["essential_skills"]}
    assert not essential & {s["label"] for s in by_id["optional_skills"]}
    assert "manage payroll" in essential


async def test_occupation_with_group_average_risk_says_so(api, client, pool):
    async with pool.acquire() as conn:
        code = await conn.fetchval(
            "SELECT code FROM occupations WHERE risk_source = 'isco_average' ORDER BY code LIMIT 1")
    body = (await client.get(f"/v1/occupations/{code}", headers=await api.admin())).json()
    assert body["risk_source"] == "isco_average"
    assert body["risk"] is not None


@pytest.mark.parametrize("ref", ["00000000-0000-0000-0000-000000000000", "9999.9", "nonsense"])
async def test_unknown_occupation_is_404(api, client, ref):
    response = await client.get(f"/v1/occupations/{ref}", headers=await api.admin())
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")
    missing_uri = await client.get("/v1/occupations/by-uri", headers=await api.admin(),
                                   params={"uri": UNKNOWN_URI})
    assert missing_uri.status_code == 404


async def test_skill_search_and_lookup(api, client):
    headers = await api.admin()
    first = (await search(client, headers, "/v1/skills", q="manage payroll"))["items"][0]
    assert first["label"] == "manage payroll"
    typo = (await search(client, headers, "/v1/skills", q="manage payrol"))["items"][0]
    assert typo["id"] == first["id"]
    skill = (await client.get(f"/v1/skills/{first['id']}", headers=headers)).json()
    assert skill["uri"] == first["uri"] and skill["description"]
    by_uri = await client.get("/v1/skills/by-uri", params={"uri": first["uri"]}, headers=headers)
    assert by_uri.json() == skill
    missing = await client.get("/v1/skills/00000000-0000-0000-0000-000000000000",
                               headers=headers)
    assert missing.status_code == 404


async def test_worker_occupation_must_be_known_once_reference_data_is_loaded(api, client):
    headers = await api.admin()
    unknown = await client.post("/v1/workers", headers=headers,
                                json=worker_body(occupation="9999.9"))
    assert unknown.status_code == 422
    assert [e["field"] for e in unknown.json()["errors"]] == ["occupation"]
    worker = await api.worker(occupation="4313.1")
    assert worker["occupation"] == "4313.1"
    by_uri = (await client.get("/v1/occupations/4313.1", headers=headers)).json()["uri"]
    assert (await api.worker(occupation=by_uri))["occupation"] == by_uri
    patched = await client.patch(f"/v1/workers/{worker['id']}", headers=headers,
                                 json={"occupation": "not an occupation"})
    assert patched.status_code == 422
    assert patched.json()["errors"][0]["field"] == "occupation"


async def test_priority_counts_a_high_risk_occupation(api, client):
    headers = await api.admin()
    base = {"birth_date": "1990-01-01", "highest_qualification": "4"}
    high = await api.worker(occupation="4313.1", **base)  # payroll clerk: High
    low = await api.worker(occupation="5322.1", **base)  # home care aide: Low
    assert high["priority_score"] == 3
    assert low["priority_score"] == 0
    reasons = (await client.get(f"/v1/workers/{high['id']}/priority", headers=headers)).json()
    assert [r["rule"] for r in reasons["reasons"]] == ["high_risk_occupation"]
    moved = await client.patch(f"/v1/workers/{high['id']}", headers=headers,
                               json={"occupation": "5322.1"})
    assert moved.json()["priority_score"] == 0


async def test_search_answers_are_reused_only_while_the_reference_data_is_the_same(api, client,
                                                                                 pool):
    """Answers are cached per reference-load version: a label added without a load that records
    it is not seen (loads are the only writer), and is seen once a load records it."""
    headers = await api.admin()

    def labels(page):
        return {item["matched_label"] for item in page["items"]}

    before = await search(client, headers, q="zyxwvut payroll")
    assert "zyxwvut payroll" not in labels(before)
    async with pool.acquire() as conn:
        occupation_id = await conn.fetchval("SELECT id FROM occupations WHERE code = '4313.1'")
        await conn.execute("INSERT INTO occupation_labels (occupation_id, label, preferred) "
                           "VALUES ($1, 'zyxwvut payroll', false)", occupation_id)
    try:
        assert await search(client, headers, q="zyxwvut payroll") == before
        async with pool.acquire() as conn:
            await conn.execute("INSERT INTO reference_loads (changed) VALUES ('{}')")
        fresh = await search(client, headers, q="zyxwvut payroll")
        assert (fresh["items"][0]["code"], fresh["items"][0]["matched_label"]) == (
            "4313.1", "zyxwvut payroll")
    finally:
        async with pool.acquire() as conn:
            await conn.execute("DELETE FROM occupation_labels WHERE label = 'zyxwvut payroll'")
            await conn.execute("INSERT INTO reference_loads (changed) VALUES ('{}')")
