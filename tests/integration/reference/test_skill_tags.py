"""ESCO's skill collections loaded as tags: on skills in the reference API, `?tag=` filtering,
and a changed tags file merged; then the transitions of the real catalogue."""

import csv
import gzip
import shutil

import pytest

from service.reference.service import load_catalogue

pytestmark = pytest.mark.usefixtures("reference_data")

HASKELL = "000f1d3d-220f-4789-9c0a-cc742521fb02"
THREE_TAGS = "bc0b0b5d-f6be-405a-b224-b6902a4dbe97"  # in the digital, digcomp and transversal


async def test_every_collection_is_loaded_as_its_tag(pool):
    async with pool.acquire() as conn:
        counts = dict(await conn.fetch("SELECT tag, count(*) FROM skill_tags GROUP BY tag"))
        through_view = await conn.fetchval("SELECT count(*) FROM reference_skill_tags")
    assert counts == {"digital": 1201, "digcomp": 26, "green": 570, "transversal": 96}
    assert through_view == sum(counts.values())


async def test_skills_carry_their_tags(api, client):
    headers = await api.admin()
    haskell = await client.get(f"/v1/skills/{HASKELL}", headers=headers)
    assert haskell.status_code == 200 and haskell.json()["tags"] == ["digital"]
    several = (await client.get(f"/v1/skills/{THREE_TAGS}", headers=headers)).json()
    assert several["tags"] == ["digcomp", "digital", "transversal"]
    by_uri = await client.get("/v1/skills/by-uri", headers=headers,
                              params={"uri": f"http://data.europa.eu/esco/skill/{HASKELL}"})
    assert by_uri.json()["tags"] == ["digital"]
    found = (await client.get("/v1/skills", params={"q": "Haskell"}, headers=headers)).json()
    assert found["items"][0]["tags"] == ["digital"]
    occupation = (await client.get("/v1/occupations/2512.4", headers=headers)).json()
    tagged = [s for s in occupation["essential_skills"] + occupation["optional_skills"]
              if "digital" in s["tags"]]
    assert tagged, "a software developer needs digital skills"


async def test_tag_filters_lists_and_searches_and_pages(api, client):
    headers = await api.admin()
    seen, cursor = [], None
    while True:
        params = {"tag": "digcomp", "limit": 10} | ({"cursor": cursor} if cursor else {})
        page = (await client.get("/v1/skills", params=params, headers=headers)).json()
        seen += page["items"]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == 26 and len({s["id"] for s in seen}) == 26
    assert all("digcomp" in s["tags"] for s in seen)
    assert [s["label"] for s in seen] == sorted(s["label"] for s in seen)
    green = (await client.get("/v1/skills", params={"tag": "green", "q": "waste"},
                              headers=headers)).json()["items"]
    anything = (await client.get("/v1/skills", params={"q": "waste"},
                                 headers=headers)).json()["items"]
    assert green and all("green" in s["tags"] for s in green)
    assert any("green" not in s["tags"] for s in anything)


@pytest.mark.parametrize("tag", ["blue", "Digital", ""])
async def test_an_unknown_tag_is_422_naming_tag(api, client, tag):
    response = await client.get("/v1/skills", params={"tag": tag}, headers=await api.admin())
    assert response.status_code == 422, response.text
    assert [e["field"] for e in response.json()["errors"]] == ["tag"]


async def test_a_changed_tags_file_changes_only_the_tags_and_keeps_the_transitions(
        pool, settings, tmp_path):
    catalogue = tmp_path / "catalogue"
    shutil.copytree(settings.catalogue_dir, catalogue, ignore=shutil.ignore_patterns("feeds"))
    path = catalogue / "esco_skill_tags.csv.gz"
    with gzip.open(path, "rt", encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    dropped = rows[2]  # rows[1] is Haskell's
    assert HASKELL not in dropped[0]
    rows = rows[:2] + rows[3:] + [[f"http://data.europa.eu/esco/skill/{HASKELL}", "green"]]
    with gzip.open(path, "wt", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows(rows)
    messages: list[str] = []
    async with pool.acquire() as conn:
        transaction = conn.transaction()
        await transaction.start()
        try:
            report = await load_catalogue(conn, catalogue, progress=messages.append)
            haskell = await conn.fetch("SELECT tag FROM skill_tags WHERE skill_id = $1 "
                                       "ORDER BY tag", HASKELL)
            gone = await conn.fetchval(
                "SELECT count(*) FROM skill_tags t JOIN skills k ON k.id = t.skill_id "
                "WHERE k.uri = $1 AND t.tag = $2", *dropped)
        finally:
            await transaction.rollback()
    assert report.changed["skill_tags"] == 2
    assert report.changed["occupation_transitions"] == 0 and report.transitions_seconds == 0
    assert any("kept as built" in m for m in messages)
    assert [r["tag"] for r in haskell] == ["digital", "green"]
    assert gone == 0


async def test_real_transitions_are_safer_viable_and_in_order(api, client, pool):
    headers = await api.admin()
    page = (await client.get("/v1/occupations/3412.4/transitions", headers=headers)).json()
    source = (await client.get("/v1/occupations/3412.4", headers=headers)).json()
    items = page["items"]
    assert source["risk_category"] == "High" and len(items) == 42  # social care worker
    similarities = [item["similarity"] for item in items]
    assert similarities == sorted(similarities, reverse=True)
    for item in items:
        assert item["target"]["risk"] < source["risk"]
        assert item["target"]["risk_category"] != "High"
        assert 0.1 <= item["similarity"] <= 1
        assert item["risk_drop"] == pytest.approx(source["risk"] - item["target"]["risk"])
        assert item["target"]["risk_estimated"] == (item["target"]["risk_source"]
                                                    == "isco_average")
    # Payroll clerk's closest safer occupation (manufacturing cost estimator) scores 0.054:
    # below the threshold, so none (docs/matching.md), an empty page rather than an error.
    payroll = await client.get("/v1/occupations/4313.1/transitions", headers=headers)
    assert payroll.status_code == 200 and payroll.json() == {"items": [], "next_cursor": None}
    async with pool.acquire() as conn:
        per_occupation = await conn.fetchval(
            "SELECT max(n) FROM (SELECT count(*) AS n FROM occupation_transitions "
            "GROUP BY occupation_id) c")
        view = await conn.fetchrow(
            "SELECT count(*) AS n, bool_and(risk_drop > 0 AND target_risk_category <> 'High') "
            "AS safer FROM reference_transitions")
    assert per_occupation == 50
    assert view["n"] == 42629 and view["safer"]
