"""The demo shows matching working: its at-risk workers (Dev Patel, a library assistant facing
redundancy; Tom Okafor, an office clerk; Ian Penrose, a data entry clerk in Cornwall) get
pathways with courses from the demo college, and a worker whose occupation has no transitions
is told so."""

from service.courses.logic import band_for_level
from service.demo import PROVIDERS, WORKERS, load_demo
from service.matching.logic import LEVEL_RANK

AT_RISK = next(w for w in WORKERS if w[1] == "Dev Patel")
TOM = next(w for w in WORKERS if w[1] == "Tom Okafor")
IAN = next(w for w in WORKERS if w[1] == "Ian Penrose")
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


def pathway_to(matches: dict, label: str) -> dict:
    pathway = next(p for p in matches["pathways"] if p["target_occupation"]["label"] == label)
    levels = [LEVEL_RANK[c["level"]] for c in pathway["courses"]]
    assert levels == sorted(levels), pathway  # introductory to advanced
    assert all(c["band"] == band_for_level(c["level"]) for c in pathway["courses"])
    assert {c["presentation"]["provider"] for c in pathway["courses"]} == {PROVIDERS[1][1]}
    return pathway


def gap_labels(pathway: dict) -> set[str]:
    return {g["label"] for g in pathway["gap_skills"]}


def covered(pathway: dict) -> set[str]:
    return {s["label"] for c in pathway["courses"] for s in c["covers"]}


async def test_every_at_risk_demo_worker_has_a_pathway_of_demo_courses(api, client, pool,
                                                                     settings, reference_data):
    found = await demo_matches(api, client, pool, settings)
    at_risk = {ref for ref, m in found.items() if m["at_risk"]}
    assert at_risk == {AT_RISK[0], TOM[0], IAN[0]}
    for ref in at_risk:
        assert any(p["courses"] for p in found[ref]["pathways"]), ref

    tom = found[TOM[0]]
    assert (tom["occupation"]["label"], tom["at_risk_reasons"]) == (
        "office clerk", ["high_risk_occupation"])
    clerk = pathway_to(tom, "foreign language correspondence clerk")
    assert gap_labels(clerk) == {
        "communicate commercial and technical issues in foreign languages",
        "ensure proper document management", "grammar", "master language rules",
        "speak different languages", "spelling", "translate foreign language",
        "translate language concepts"}
    assert covered(clerk) == gap_labels(clerk) and clerk["uncovered_gaps"] == []
    assert [c["level"] for c in clerk["courses"]] == ["4", "4", "4", "5"]
    assert clerk["total_cost_pence"] == 73_500 <= tom["available_pence"]
    assert clerk["affordable"] is True

    ian = found[IAN[0]]
    assert ian["occupation"]["label"] == "data entry clerk"
    supervisor = pathway_to(ian, "data entry supervisor")
    assert {"supervise data entry", "supervise work", "motivate employees",
            "evaluate employees", "information confidentiality", "SPARQL"} <= gap_labels(
        supervisor)
    assert covered(supervisor) == gap_labels(supervisor) and supervisor["uncovered_gaps"] == []
    assert supervisor["courses"][0]["band"] == "introductory"
    assert supervisor["affordable"] is True
    # Cornwall: the Leeds and York classrooms are out of reach, online courses are not
    assert {c["presentation"]["delivery"] for p in ian["pathways"]
            for c in p["courses"]} == {"online"}
    # the data analyst pathway costs more than Ian has: shown, and marked
    analyst = pathway_to(ian, "data analyst")
    assert {"statistics", "data mining", "use databases", "data quality assessment"} <= (
        covered(analyst))
    assert analyst["uncovered_gaps"] == []
    assert analyst["total_cost_pence"] == 105_000 > ian["available_pence"]
    assert analyst["affordable"] is False
    assert analyst["courses"][-1]["band"] == "advanced"
