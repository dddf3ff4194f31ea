"""A small hand-made reference set where the right answers are known: occupations, skills,
their essential relations, transitions and tags, written straight into the reference tables
(the transitions build is not needed), and courses synced through the API."""

import secrets
import uuid
from datetime import timedelta
from typing import Any

import asyncpg

from service import clock
from tests.conftest import KEEP_TABLES, Api
from tests.integration.conftest import TRUNCATE_ALL_BUT

OCC = "http://data.europa.eu/esco/occupation/"
SKILL = "http://data.europa.eu/esco/skill/"


def ident(name: str) -> uuid.UUID:
    return uuid.uuid5(uuid.NAMESPACE_URL, f"ladder-test-matching/{name}")


# code, label, risk, category, essential skills
OCCUPATIONS = {
    "source": ("9999.1", "test payroll clerk", 4.0, "High", ["s1", "s2"]),
    "close": ("9999.2", "test payroll analyst", 1.5, "Low", ["s1", "g1", "g2"]),
    "far": ("9999.3", "test data steward", 2.5, "Low", ["s2", "g3"]),
    "risky": ("9999.4", "test payroll machine minder", 4.5, "High", ["s1", "g4"]),
    "high": ("9999.5", "test back-office assistant", 3.0, "High", ["s1", "g4"]),
    "safe": ("9999.6", "test wages adviser", 2.0, "Low", ["s1"]),
}
SKILLS = {"s1": "calculate wages", "s2": "keep payroll records", "g1": "use spreadsheets software",
          "g2": "advise on pay", "g3": "manage data quality", "g4": "mind payroll machines"}
# source -> target: similarity, shared, missing
TRANSITIONS = {("source", "close"): (0.8, 1, 2), ("source", "far"): (0.5, 1, 1),
               ("source", "risky"): (0.9, 1, 1), ("source", "high"): (0.85, 1, 1),
               ("source", "safe"): (0.3, 1, 0)}
TAGS = [("g1", "digital"), ("g1", "digcomp"), ("g3", "digital"), ("g2", "transversal")]


def occupation_id(key: str) -> uuid.UUID:
    return ident("occupation/" + key)


def skill_id(key: str) -> uuid.UUID:
    return ident("skill/" + key)


def skill_uri(key: str) -> str:
    return SKILL + str(skill_id(key))


async def install(conn: asyncpg.Connection) -> None:
    for key, (code, label, risk, category, _) in OCCUPATIONS.items():
        oid = occupation_id(key)
        await conn.execute(
            "INSERT INTO occupations (id, uri, code, isco_group, label, risk, risk_category, "
            "risk_source) VALUES ($1, $2, $3, '9999', $4, $5, $6, 'nesta') "
            "ON CONFLICT (id) DO NOTHING", oid, OCC + str(oid), code, label, risk, category)
    for key, label in SKILLS.items():
        await conn.execute("INSERT INTO skills (id, uri, label) VALUES ($1, $2, $3) "
                           "ON CONFLICT DO NOTHING", skill_id(key), skill_uri(key), label)
    for key, (*_, essentials) in OCCUPATIONS.items():
        for skill in essentials:
            await conn.execute("INSERT INTO occupation_skills VALUES ($1, $2, 'essential') "
                               "ON CONFLICT DO NOTHING", occupation_id(key), skill_id(skill))
    for (source, target), (similarity, shared, missing) in TRANSITIONS.items():
        await conn.execute("INSERT INTO occupation_transitions VALUES ($1, $2, $3, $4, $5) "
                           "ON CONFLICT DO NOTHING", occupation_id(source),
                           occupation_id(target), similarity, shared, missing)
    for skill, tag in TAGS:
        await conn.execute("INSERT INTO skill_tags VALUES ($1, $2) ON CONFLICT DO NOTHING",
                           skill_id(skill), tag)


async def uninstall(conn: asyncpg.Connection) -> None:
    """Empty the non-reference tables first (workers refer to the occupations), then take the
    hand-made rows out of the reference tables kept between tests."""
    statement = await conn.fetchval(TRUNCATE_ALL_BUT, sorted(KEEP_TABLES))
    if statement:
        await conn.execute(statement)
    await conn.execute("DELETE FROM occupations WHERE isco_group = '9999' AND code LIKE '9999.%'")
    await conn.execute("DELETE FROM skills WHERE id = ANY($1::uuid[])",
                       [skill_id(k) for k in SKILLS])


def day(offset: int) -> str:
    return (clock.today() + timedelta(days=offset)).isoformat()


def run(ref: str, **fields: Any) -> dict[str, Any]:
    """A presentation: evening, in a Leeds classroom, starting in a month, unless changed."""
    return {"ref": ref, "starts_on": day(30), "ends_on": day(120), "study_mode": "part_time",
            "attendance_pattern": "evening", "delivery": "classroom", "cost_pence": 10_000,
            "places": 12, "venue_postcode": "LS1 3HE"} | fields


def course(ref: str, skills: list[str], level: str = "2", runs: list[dict] | None = None,
           **fields: Any) -> dict[str, Any]:
    return {"ref": ref, "title": f"Course {ref}", "rqf_level": level,
            "skill_uris": [skill_uri(s) for s in skills],
            "presentations": runs if runs is not None else [run(f"{ref}-1")]} | fields


class Catalogue:
    """One college and its courses, synced through the API."""

    def __init__(self, api: Api) -> None:
        self.api = api

    async def sync(self, *courses: dict[str, Any]) -> dict[str, str]:
        """Sync the courses; answers their ids by ref."""
        provider = await self.api.provider(name="Test College")
        response = await self.api.client.put(
            f"/v1/providers/{provider['ukprn']}/catalogue", json={"courses": list(courses)},
            headers=await self.api.admin())
        assert response.status_code == 200, response.text
        assert response.json()["rejected"] == 0, response.text
        async with self.api.pool.acquire() as conn:
            rows = await conn.fetch("SELECT ref, id FROM courses WHERE provider_id = $1",
                                    uuid.UUID(provider["id"]))
        return {r["ref"]: str(r["id"]) for r in rows}


async def worker(api: Api, **fields: Any) -> dict[str, Any]:
    body = {"occupation": OCCUPATIONS["source"][0], "region": "E12000003",
            "contract_type": "permanent", "weekly_hours": 37, "highest_qualification": "2",
            "external_ref": f"M-{secrets.token_hex(4)}"} | fields
    return await api.worker(**body)


async def matches(api: Api, worker_id: str, headers: dict[str, str] | None = None,
                  **params: Any) -> dict[str, Any]:
    response = await api.client.get(f"/v1/workers/{worker_id}/matches", params=params,
                                    headers=headers or await api.admin())
    assert response.status_code == 200, response.text
    return response.json()


def pathway(body: dict[str, Any], key: str) -> dict[str, Any]:
    [found] = [p for p in body["pathways"]
               if p["target_occupation"]["id"] == str(occupation_id(key))]
    return found
