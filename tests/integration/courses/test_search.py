"""Course search and course detail: ranking, every filter, pagination, skills with their
explanations."""

import pytest

from tests.integration.courses.conftest import course, presentation

pytestmark = [pytest.mark.asyncio, pytest.mark.usefixtures("reference_data")]

WELDING_TECHNIQUES = "http://data.europa.eu/esco/skill/530cb489-d900-46ab-9350-4d50ccd49eea"
WELDING_EQUIPMENT = "http://data.europa.eu/esco/skill/2ee57de4-bffd-4194-b009-0060edec77cc"
FIRST_AID = "http://data.europa.eu/esco/skill/f7464f30-662b-4177-85a0-3df9693e9e58"

CATALOGUE = [
    course("WELD", title="Welding techniques for beginners", rqf_level="1",
           description="You will use welding equipment safely in our workshop.",
           presentations=[presentation("W1", starts_on="2027-02-01", ends_on="2027-03-01",
                                       attendance_pattern="evening", cost_pence=30_000),
                          presentation("W2", starts_on="2027-09-01", ends_on="2027-12-01",
                                       attendance_pattern="weekend", cost_pence=45_000)]),
    course("FAB", title="Advanced fabrication", rqf_level="5", subjects=["welding"],
           description="Sheet metal work and some welding.",
           presentations=[presentation("F1", starts_on="2027-01-10", ends_on="2027-06-01",
                                       delivery="blended", cost_pence=90_000)]),
    course("AID", title="Emergency first aid at work", rqf_level="3", description="One day.",
           skill_uris=[FIRST_AID],
           presentations=[presentation("A1", starts_on="2026-12-01", ends_on="2026-12-01",
                                       delivery="online", attendance_pattern="self_paced",
                                       cost_pence=0, venue_postcode=None)]),
    course("ESOL", title="English for speakers of other languages", rqf_level="E2",
           description="Reading, writing and speaking.", subjects=["English"], presentations=[]),
]


@pytest.fixture
async def catalogue(client, college):
    provider, headers = college
    response = await client.put(f"/v1/providers/{provider['ukprn']}/catalogue", headers=headers,
                                json={"courses": CATALOGUE})
    assert response.status_code == 200, response.text
    return provider, headers


async def search(client, headers, **params):
    response = await client.get("/v1/courses", headers=headers, params=params)
    assert response.status_code == 200, response.text
    return response.json()


def refs(page):
    return [c["ref"] for c in page["items"]]


async def test_full_text_search_is_ranked(client, api, catalogue):
    worker = await api.worker_token(await api.worker())
    page = await search(client, worker, q="welding")
    assert refs(page) == ["WELD", "FAB"]  # the title outranks a subject
    assert page["items"][0]["rank"] > page["items"][1]["rank"] > 0
    assert refs(await search(client, worker, q='"first aid" -welding')) == ["AID"]
    assert refs(await search(client, worker, q="knitting")) == []


async def test_heading_matches_come_first_then_description_matches_by_start(client, college):
    provider, headers = college
    courses = [
        course("LATE", title="Metalwork", description="Includes welding.",
               presentations=[presentation(starts_on="2027-05-01", ends_on=None)]),
        course("SOON", title="Fabrication", description="Welding and more welding.",
               presentations=[presentation(starts_on="2027-01-01", ends_on=None)]),
        course("SUBJECT", title="Engineering", subjects=["welding"], description="",
               presentations=[presentation(starts_on="2027-09-01", ends_on=None)]),
        course("TITLE", title="Welding", description="",
               presentations=[presentation(starts_on="2027-10-01", ends_on=None)]),
        course("NONE", title="Plumbing", description="Pipes."),
    ]
    await client.put(f"/v1/providers/{provider['ukprn']}/catalogue", headers=headers,
                     json={"courses": courses})
    page = await search(client, headers, q="welding")
    assert refs(page) == ["TITLE", "SUBJECT", "SOON", "LATE"]
    ranks = [c["rank"] for c in page["items"]]
    assert ranks[0] > ranks[1] > 0 and ranks[2] == ranks[3] == 0
    # a heading holding one of several words still ranks; all words must match somewhere
    assert refs(await search(client, headers, q="metalwork welding")) == ["LATE"]
    assert refs(await search(client, headers, q="plumbing welding")) == []
    assert refs(await search(client, headers, q="the")) == []  # only a stop word


async def test_without_q_courses_come_by_next_start_date(client, catalogue):
    _, headers = catalogue
    page = await search(client, headers)
    assert refs(page) == ["AID", "FAB", "WELD", "ESOL"]
    weld = page["items"][2]
    assert (weld["next_starts_on"], weld["lowest_cost_pence"], weld["presentations"]) == (
        "2027-02-01", 30_000, 2)
    assert (weld["rqf_level"], weld["band"]) == ("1", "introductory")


@pytest.mark.parametrize(("params", "expected"), [
    ({"level": "5"}, ["FAB"]),
    ({"level": "E2"}, ["ESOL"]),
    ({"band": "intermediate"}, ["AID"]),
    ({"band": "introductory"}, ["WELD", "ESOL"]),
    ({"attendance": "weekend"}, ["WELD"]),
    ({"delivery": "online"}, ["AID"]),
    ({"max_cost": 30_000}, ["AID", "WELD"]),
    ({"max_cost": 0}, ["AID"]),
    ({"starting_after": "2027-01-31"}, ["WELD"]),
    ({"starting_after": "2027-02-01", "attendance": "evening"}, []),
    ({"q": "welding", "max_cost": 50_000}, ["WELD"]),
])
async def test_filters(client, catalogue, params, expected):
    _, headers = catalogue
    assert refs(await search(client, headers, **params)) == expected


async def test_a_level_implies_its_band(client, catalogue):
    _, headers = catalogue
    assert refs(await search(client, headers, level="5", band="advanced")) == ["FAB"]
    assert refs(await search(client, headers, level="5", band="introductory")) == []


async def test_presentation_filters_follow_a_resync(client, college):
    provider, headers = college
    url = f"/v1/providers/{provider['ukprn']}/catalogue"
    await client.put(url, headers=headers, json={"courses": [course(presentations=[
        presentation("P1", attendance_pattern="evening", delivery="online", cost_pence=10_000,
                     starts_on="2027-01-11")])]})
    assert refs(await search(client, headers, attendance="evening")) == ["C1"]
    await client.put(url, headers=headers, json={"courses": [course(presentations=[
        presentation("P1", attendance_pattern="weekend", delivery="blended", cost_pence=90_000,
                     starts_on="2026-12-01", ends_on="2027-01-01")])]})
    for params, expected in [({"attendance": "evening"}, []), ({"attendance": "weekend"}, ["C1"]),
                             ({"delivery": "online"}, []), ({"delivery": "blended"}, ["C1"]),
                             ({"max_cost": 50_000}, []), ({"max_cost": 90_000}, ["C1"]),
                             ({"starting_after": "2027-01-01"}, []),
                             ({"starting_after": "2026-11-30"}, ["C1"])]:
        assert refs(await search(client, headers, **params)) == expected, params


async def test_presentation_filters_apply_to_one_presentation_together(client, catalogue):
    _, headers = catalogue
    page = await search(client, headers, attendance="weekend", max_cost=40_000)
    assert refs(page) == []  # the weekend run costs 45,000; the cheap run is on evenings
    page = await search(client, headers, attendance="weekend")
    assert page["items"][0]["next_starts_on"] == "2027-09-01"


async def test_provider_filter_takes_the_ukprn(client, api, catalogue):
    provider, headers = catalogue
    other, other_headers = await api.provider(), None
    other_headers = await api.college_token(other)
    await client.put(f"/v1/providers/{other['ukprn']}/catalogue", headers=other_headers,
                     json={"courses": [course("OTHER", title="Welding for all")]})
    assert len(refs(await search(client, headers, q="welding"))) == 3
    assert refs(await search(client, headers, q="welding", provider=other["ukprn"])) == ["OTHER"]
    assert len(refs(await search(client, headers, provider=provider["ukprn"]))) == 4


async def test_skill_filter_by_uri_or_id(client, catalogue):
    _, headers = catalogue
    assert refs(await search(client, headers, skill=FIRST_AID)) == ["AID"]
    assert refs(await search(client, headers, skill=WELDING_EQUIPMENT)) == ["WELD"]
    skill_id = WELDING_TECHNIQUES.rsplit("/", 1)[-1]
    assert refs(await search(client, headers, skill=skill_id)) == ["WELD"]
    assert refs(await search(client, headers, skill="http://example.org/not-a-skill")) == []


async def test_pagination_walks_every_course_once_with_and_without_q(client, college):
    provider, headers = college
    courses = [course(f"C{i:02d}", title=f"Welding {'welding ' * (i % 3)}course {i}"
                      if i % 4 else f"Metalwork course {i}", description="Some welding.",
                      presentations=[presentation(starts_on=f"2027-0{1 + i % 4}-01",
                                                  ends_on=None)] if i % 5 else [])
               for i in range(23)]  # every fourth matches in its description only
    await client.put(f"/v1/providers/{provider['ukprn']}/catalogue", headers=headers,
                     json={"courses": courses})
    for params in ({"q": "welding"}, {}):
        seen, cursor = [], None
        while True:
            page = await search(client, headers, limit=4, **params,
                                **({"cursor": cursor} if cursor else {}))
            seen += refs(page)
            cursor = page["next_cursor"]
            if cursor is None:
                break
        assert sorted(seen) == sorted(c["ref"] for c in courses)
        assert len(seen) == len(set(seen))
        whole = refs(await search(client, headers, limit=100, **params))
        assert seen == whole


async def test_bad_search_parameters_are_4xx_naming_the_field(client, catalogue):
    _, headers = catalogue
    for params, field in [({"level": "9"}, "level"), ({"max_cost": "-1"}, "max_cost"),
                          ({"band": "expert"}, "band"), ({"provider": "123"}, "provider"),
                          ({"starting_after": "soon"}, "starting_after"),
                          ({"cursor": "xyz"}, "cursor"), ({"limit": "0"}, "limit")]:
        response = await client.get("/v1/courses", headers=headers, params=params)
        assert response.status_code in (400, 422), params
        assert field in {e["field"] for e in response.json()["errors"]}, response.json()
    assert (await client.get("/v1/courses")).status_code == 401


async def test_course_detail_has_presentations_and_skills_with_explanations(client, catalogue):
    _, headers = catalogue
    weld = (await search(client, headers, q="welding"))["items"][0]
    detail = (await client.get(f"/v1/courses/{weld['id']}", headers=headers)).json()
    assert [p["ref"] for p in detail["presentations"]] == ["W1", "W2"]
    skills = {s["uri"]: s for s in detail["skills"]}
    technique = skills[WELDING_TECHNIQUES]
    assert technique["source"] == "inferred"
    assert technique["matched_in"] == "title"
    assert technique["matched_words"] == ["Welding", "techniques"]
    assert technique["matched_label"] == "welding techniques"
    assert 0.5 <= technique["confidence"] <= 1
    assert "'Welding techniques'" in technique["why"] and "welding techniques" in technique["why"]
    equipment = skills[WELDING_EQUIPMENT]
    assert (equipment["matched_in"], equipment["matched_words"]) == (
        "description", ["use", "welding", "equipment"])
    aid = (await search(client, headers, q="first aid"))["items"][0]
    detail = (await client.get(f"/v1/courses/{aid['id']}", headers=headers)).json()
    assert [(s["uri"], s["source"], s["confidence"]) for s in detail["skills"]] == [
        (FIRST_AID, "college", 1.0)]
    missing = await client.get("/v1/courses/00000000-0000-0000-0000-000000000000",
                               headers=headers)
    assert missing.status_code == 404


async def test_unknown_college_skill_uris_are_reported(client, college):
    provider, headers = college
    unknown = "http://data.europa.eu/esco/skill/00000000-0000-0000-0000-000000000000"
    report = (await client.put(f"/v1/providers/{provider['ukprn']}/catalogue", headers=headers,
                               json={"courses": [course(skill_uris=[unknown, FIRST_AID])]})).json()
    assert report["warnings"] == [
        f"course 'C1': skill {unknown} is not an ESCO skill known to Ladder; ignored"]


async def test_search_inside_a_callers_transaction_answers_the_same_and_leaves_it_open(
        client, catalogue, pool):
    """A use case that searches inside its own transaction (matching will) gets the same page,
    and its transaction stays open for what it does next."""
    from service.courses.store import search_courses

    _, headers = catalogue
    by_api = refs(await search(client, headers, q="welding"))
    filters = dict(level=None, band=None, provider_id=None, skill_id=None, attendance=None,
                   delivery=None, max_cost=None, starting_after=None, after=None, limit=10)
    async with pool.acquire() as conn:
        alone = await search_courses(conn, q="welding", **filters)
        assert not conn.is_in_transaction()
        async with conn.transaction():
            inside = await search_courses(conn, q="welding", **filters)
            assert conn.is_in_transaction()
            assert await conn.fetchval("SHOW plan_cache_mode") == "auto"  # not the search's
    assert [c.ref for c in alone] == [c.ref for c in inside] == by_api
