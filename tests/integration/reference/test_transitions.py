"""Transitions on a small hand-made reference set whose right answer is known, in a database of
its own (so the real catalogue that other tests keep is not touched): the build, and
`GET /v1/occupations/{ref}/transitions` over it.

The source occupation needs essential skills a, b, c, d and optional e (weight 4.5). Expected
weighted Jaccard similarities (docs/matching.md), for targets safer than its risk of 3.8:
close 3.5 / 5.5 = 0.636; estimated (ISCO average risk) 2 / 5.5 = 0.364; huge (a-e essential
and 30 more: holds all of the source's skills) 4.5 / 35 = 0.129; far 1 / 8.5 = 0.118. Absent:
below (1 / 13.5 = 0.074, under the threshold), riskier and high (same skills as the source, so
similarity 1, but riskier, or lower but in the High category), and no_risk (no score at all)."""

import asyncio
import secrets
import uuid
from collections.abc import AsyncIterator

import asyncpg
import httpx
import pytest

from service import db
from service.app import create_app
from service.auth.service import issue_token
from service.migrations import migrate
from service.reference import logic, transitions
from service.settings import Settings
from tests.conftest import ROOT, run_ladder, with_database

OCCUPATION = "http://data.europa.eu/esco/occupation/"
SKILL = "http://data.europa.eu/esco/skill/"

# name -> (risk, risk_category, risk_source, essential skills, optional skills)
OCCUPATIONS = {
    "source": (3.8, "High", "nesta", list("abcd"), ["e"]),
    "close": (3.0, "Other", "nesta", list("abcx"), ["e"]),
    "estimated": (3.1, "Other", "isco_average", list("abw"), []),
    "huge": (2.0, "Low", "nesta", list("abcde") + [f"h{i}" for i in range(30)], []),
    "far": (2.9, "Low", "nesta", ["a"] + [f"f{i}" for i in range(4)], []),
    "below": (2.5, "Low", "nesta", ["a"] + [f"z{i}" for i in range(9)], []),
    "riskier": (3.9, "Other", "nesta", list("abcd"), ["e"]),
    "high": (3.5, "High", "nesta", list("abcd"), ["e"]),
    "no_risk": (None, None, None, list("abcd"), ["e"]),
}


def ident(kind: str, name: str) -> uuid.UUID:
    return uuid.uuid5(uuid.NAMESPACE_URL, f"ladder-test:{kind}:{name}")


async def insert_reference_set(conn: asyncpg.Connection) -> None:
    skills = {name for _, _, _, ess, opt in OCCUPATIONS.values() for name in ess + opt}
    await conn.executemany(
        "INSERT INTO skills (id, uri, label) VALUES ($1, $2, $3)",
        [(ident("skill", s), f"{SKILL}{ident('skill', s)}", f"skill {s}") for s in sorted(skills)])
    for n, (name, (risk, category, source, ess, opt)) in enumerate(OCCUPATIONS.items()):
        oid = ident("occupation", name)
        await conn.execute(
            "INSERT INTO occupations (id, uri, code, isco_group, label, risk, risk_category, "
            "risk_source) VALUES ($1, $2, $3, '9999', $4, $5, $6, $7)",
            oid, f"{OCCUPATION}{oid}", f"9999.{n + 1}", name, risk, category, source)
        await conn.executemany(
            "INSERT INTO occupation_skills (occupation_id, skill_id, relation) VALUES ($1, $2, $3)",
            [(oid, ident("skill", s), "essential") for s in ess]
            + [(oid, ident("skill", s), "optional") for s in opt])


@pytest.fixture(scope="module")
async def small_url(database_url: str) -> AsyncIterator[str]:
    name = f"ladder_transitions_{secrets.token_hex(4)}"
    await asyncio.to_thread(db.ensure_database, database_url, name)
    url = with_database(database_url, name)
    conn = await asyncpg.connect(url)
    try:
        await migrate(conn, ROOT / "migrations")
        await insert_reference_set(conn)
        await transitions.rebuild_transitions(conn)
    finally:
        await conn.close()
    yield url
    admin = await asyncpg.connect(database_url)
    try:
        await admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
    finally:
        await admin.close()


@pytest.fixture
async def small(small_url: str) -> AsyncIterator[asyncpg.Connection]:
    conn = await asyncpg.connect(small_url)
    try:
        yield conn
    finally:
        await conn.close()


async def targets_of(conn: asyncpg.Connection, name: str) -> list[tuple[str, float, int, int]]:
    rows = await conn.fetch("""
        SELECT g.label, t.similarity, t.shared_essential, t.missing_essential
        FROM occupation_transitions t JOIN occupations g ON g.id = t.target_id
        WHERE t.occupation_id = $1 ORDER BY t.similarity DESC, t.target_id""",
                            ident("occupation", name))
    return [tuple(r) for r in rows]


async def test_the_safer_closer_occupation_ranks_first_and_the_rest_by_similarity(small):
    found = await targets_of(small, "source")
    assert [row[0] for row in found] == ["close", "estimated", "huge", "far"]
    close, estimated, huge, far = found
    assert close == ("close", pytest.approx(3.5 / 5.5), 3, 1)  # shares a, b, c; lacks x
    assert estimated == ("estimated", pytest.approx(2 / 5.5), 2, 1)
    assert far == ("far", pytest.approx(1 / 8.5), 1, 4)


async def test_a_huge_occupation_holding_every_skill_does_not_win_by_size(small):
    """It shares more essential skills (all four) than any other target, yet its 35 skills
    make it far from the source: normalisation, not raw overlap, ranks."""
    found = {row[0]: row for row in await targets_of(small, "source")}
    assert found["huge"][2] == 4 and found["huge"][2] > found["close"][2]
    assert found["huge"][1] == pytest.approx(4.5 / 35)
    assert found["huge"][1] < found["close"][1]


async def test_riskier_high_below_threshold_and_unscored_targets_never_appear(small):
    names = {row[0] for row in await targets_of(small, "source")}
    assert not names & {"riskier", "high", "below", "no_risk"}
    everywhere = await small.fetch("""
        SELECT o.risk AS source_risk, g.risk, g.risk_category, t.similarity
        FROM occupation_transitions t JOIN occupations o ON o.id = t.occupation_id
        JOIN occupations g ON g.id = t.target_id""")
    assert everywhere
    for row in everywhere:
        assert row["risk"] < row["source_risk"] and row["risk_category"] != "High"
        assert row["similarity"] >= logic.SIMILARITY_THRESHOLD
    assert await targets_of(small, "no_risk") == []  # no risk: nothing is known to be safer


async def test_a_rebuild_changes_nothing_until_the_data_does(small):
    transaction = small.transaction()
    await transaction.start()
    try:
        again = await transitions.build_transitions(small)
        assert (again.changed, again.transitions) == (0, await small.fetchval(
            "SELECT count(*) FROM occupation_transitions"))
        await small.execute("UPDATE occupations SET risk = 3.85 WHERE id = $1",
                            ident("occupation", "riskier"))
        await small.execute("UPDATE occupations SET risk = 3.95 WHERE id = $1",
                            ident("occupation", "source"))
        messages: list[str] = []
        changed = await transitions.build_transitions(small, messages.append)
        assert changed.changed > 0
        # Riskier is now safer than the source, with the same skills: similarity 1, first.
        assert (await targets_of(small, "source"))[0] == ("riskier", 1.0, 4, 0)
        assert any("built in" in m for m in messages) and len(messages) == 3
    finally:
        await transaction.rollback()


async def test_at_most_max_targets_are_kept_per_occupation(small, monkeypatch):
    monkeypatch.setattr(logic, "MAX_TARGETS", 2)
    transaction = small.transaction()
    await transaction.start()
    try:
        await transitions.build_transitions(small)
        assert [row[0] for row in await targets_of(small, "source")] == ["close", "estimated"]
    finally:
        await transaction.rollback()


# The route, over the same set.

@pytest.fixture(scope="module")
async def small_client(small_url: str) -> AsyncIterator[tuple[httpx.AsyncClient, dict]]:
    pool = await db.create_pool(small_url, min_size=1, max_size=4)
    settings = Settings(database_url=small_url, data_dir=ROOT / ".pytest-data",
                        migrations_dir=ROOT / "migrations", catalogue_dir=ROOT / "catalogue",
                        run_scheduler=False)
    async with pool.acquire() as conn:
        created = await issue_token(conn, "admin", "transitions test", None, None, 1)
    transport = httpx.ASGITransport(app=create_app(settings, pool=pool))
    async with httpx.AsyncClient(transport=transport, base_url="http://ladder.test") as client:
        yield client, {"Authorization": f"Bearer {created.token}"}
    await pool.close()


async def test_route_answers_targets_in_order_with_risk_counts_and_why(small_client):
    client, headers = small_client
    source = ident("occupation", "source")
    response = await client.get(f"/v1/occupations/{source}/transitions", headers=headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["next_cursor"] is None
    assert [item["target"]["label"] for item in body["items"]] == [
        "close", "estimated", "huge", "far"]
    close = body["items"][0]
    close_id = ident("occupation", "close")
    assert close["target"] == {"id": str(close_id), "uri": f"{OCCUPATION}{close_id}",
                               "label": "close", "risk": 3.0, "risk_category": "Other",
                               "risk_source": "nesta", "risk_estimated": False}
    assert close["similarity"] == pytest.approx(0.6364, abs=1e-4)
    assert close["risk_drop"] == pytest.approx(0.8)
    assert (close["shared_essential"], close["missing_essential"]) == (3, 1)
    assert close["why"] == (
        "close needs 4 essential skills: source shares 3 of them and lacks 1. Skills "
        "similarity 0.64 (weighted Jaccard; 0.10 needed). Automation risk 3.00 (Other) against "
        "3.80 for source: 0.80 lower.")
    estimated = body["items"][1]
    assert estimated["target"]["risk_estimated"] is True
    assert "3.10 (Other; its ISCO group's average, as Nesta has no score of its own)" in (
        estimated["why"])


async def test_route_takes_an_esco_code_or_uri_and_pages_with_a_cursor(small_client):
    client, headers = small_client
    source = ident("occupation", "source")
    seen, cursor = [], None
    while True:
        params = {"limit": 1} | ({"cursor": cursor} if cursor else {})
        response = await client.get("/v1/occupations/9999.1/transitions", params=params,
                                    headers=headers)
        assert response.status_code == 200, response.text
        seen += [item["target"]["label"] for item in response.json()["items"]]
        cursor = response.json()["next_cursor"]
        if cursor is None:
            break
    assert seen == ["close", "estimated", "huge", "far"]
    by_uri = await client.get(f"/v1/occupations/{OCCUPATION}{source}/transitions",
                              headers=headers)
    assert by_uri.status_code == 404  # a URI has slashes: GET /v1/occupations/by-uri is for it
    empty = await client.get(f"/v1/occupations/{ident('occupation', 'no_risk')}/transitions",
                             headers=headers)
    assert empty.status_code == 200 and empty.json() == {"items": [], "next_cursor": None}


@pytest.mark.parametrize(("path", "params", "status", "field"), [
    (f"/v1/occupations/{uuid.uuid4()}/transitions", {}, 404, None),
    ("/v1/occupations/0000.0/transitions", {}, 404, None),
    ("/v1/occupations/not-an-occupation/transitions", {}, 404, None),
    ("/v1/occupations/9999.1/transitions", {"cursor": "bm90IG91cnM"}, 422, "cursor"),
    ("/v1/occupations/9999.1/transitions", {"limit": 0}, 422, "limit"),
    ("/v1/occupations/9999.1/transitions", {"limit": 201}, 422, "limit"),
])
async def test_route_refuses_unknown_occupations_and_bad_parameters(small_client, path, params,
                                                                    status, field):
    client, headers = small_client
    response = await client.get(path, params=params, headers=headers)
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    if field:
        assert [e["field"] for e in response.json()["errors"]] == [field]


async def test_route_needs_a_token_and_is_open_to_every_role(small_client, small_url):
    client, _ = small_client
    path = "/v1/occupations/9999.1/transitions"
    assert (await client.get(path)).status_code == 401
    conn = await asyncpg.connect(small_url)
    try:
        worker_id = await conn.fetchval("""
            INSERT INTO workers (external_ref, employer, name, birth_date, branch, region,
                                 contract_type, weekly_hours, highest_qualification)
            VALUES ($1, 'Council', 'Any One', '1970-01-01', 'B', 'E12000001', 'permanent', 37,
                    '3') RETURNING id""", f"T-{secrets.token_hex(3)}")
        token = await issue_token(conn, "worker", "w", worker_id, None, 1)
    finally:
        await conn.close()
    response = await client.get(path, headers={"Authorization": f"Bearer {token.token}"})
    assert response.status_code == 200
    assert len(response.json()["items"]) == 4


async def test_cli_rebuilds_the_transitions_alone_with_progress(small, small_url):
    kept = await small.fetchval("SELECT count(*) FROM occupation_transitions")
    await small.execute("DELETE FROM occupation_transitions WHERE occupation_id = $1",
                        ident("occupation", "source"))
    loads = await small.fetchval("SELECT count(*) FROM reference_loads")
    run = await asyncio.to_thread(run_ladder, "reference", "transitions", url=small_url)
    assert run.returncode == 0, run.stderr
    assert "occupation_transitions       4 rows changed" in run.stdout
    assert f"transitions            {kept:>7} kept for" in run.stdout
    assert "transitions: scoring every pair" in run.stderr and "built in" in run.stderr
    assert await small.fetchval("SELECT count(*) FROM occupation_transitions") == kept
    assert await small.fetchval("SELECT count(*) FROM reference_loads") == loads + 1
