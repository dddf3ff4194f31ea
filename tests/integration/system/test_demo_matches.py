"""The demo shows matching working: its at-risk worker (Dev Patel, a library assistant facing
redundancy) gets pathways with courses from the demo college, and a worker whose occupation
has no transitions is told so."""

from service.demo import PROVIDERS, WORKERS, load_demo

AT_RISK = next(w for w in WORKERS if w[1] == "Dev Patel")
NO_TRANSITIONS = next(w for w in WORKERS if w[1] == "Joanne Brierley")  # home care aide


async def demo_matches(api, client, pool, settings) -> dict[str, dict]:
    async with pool.acquire() as conn:
        await load_demo(conn, settings, progress=lambda _: None)
    admin = await api.admin()
    listed = await client.get("/v1/workers", params={"limit": 200}, headers=admin)
    assert listed.status_code == 200
    found = {}
    for worker in listed.json()["items"]:
        response = await client.get(f"/v1/workers/{worker['id']}/matches", headers=admin)
        assert response.status_code == 200, response.text
        found[worker["external_ref"]] = response.json()
    return found


async def test_the_demo_at_risk_worker_gets_pathways_with_courses(api, client, pool, settings,
                                                                  reference_data):
    found = await demo_matches(api, client, pool, settings)
    dev = found[AT_RISK[0]]
    assert dev["occupation"]["label"] == "library assistant"
    assert dev["at_risk"] is True and "facing_redundancy" in dev["at_risk_reasons"]
    assert dev["message"] is None
    with_courses = [p for p in dev["pathways"] if p["courses"]]
    assert with_courses, dev
    librarian = next(p for p in dev["pathways"] if p["target_occupation"]["label"] == "librarian")
    providers = {c["presentation"]["provider"] for c in librarian["courses"]}
    assert providers == {PROVIDERS[1][1]}
    # the demo courses close every gap to librarian, within what Dev has
    assert librarian["uncovered_gaps"] == [] and librarian["affordable"] is True
    assert len(librarian["courses"]) >= 2

    other = found[NO_TRANSITIONS[0]]
    assert other["pathways"] == []
    assert other["message"].startswith("No pathways: no occupation with a lower automation "
                                       "risk shares enough skills with home care aide")
