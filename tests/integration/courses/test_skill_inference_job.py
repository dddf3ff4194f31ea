"""Skill inference as a follow-on job: a sync leaves courses pending; workers claim them with
SKIP LOCKED, infer once, and redo only courses whose text changed."""

import asyncio

import pytest

from service.actor import Actor
from service.app import create_app
from service.courses import inference_job, service
from service.courses.inference_job import LexiconCache
from service.courses.schemas import CatalogueIn, CourseIn
from service.courses.service import ProviderRef

pytestmark = pytest.mark.asyncio

ACTOR = Actor.system("test")
LEXICONS = LexiconCache()  # kept between tests, as an app keeps its own


def catalogue(count: int, title: str = "Welding techniques") -> CatalogueIn:
    return CatalogueIn(courses=[
        CourseIn(ref=f"C{i}", title=f"{title} {i}",
                 description="Use welding equipment and apply health and safety standards.")
        for i in range(count)])


@pytest.fixture
async def provider(api, pool) -> ProviderRef:
    made = await api.provider()
    return ProviderRef(made["id"], made["ukprn"], made["name"])


async def sync(pool, provider: ProviderRef, cat: CatalogueIn) -> None:
    async with pool.acquire() as conn, conn.transaction():
        await service.apply_sync(conn, provider, cat, mode="full", fmt="json", actor=ACTOR)


async def links_by_course(pool) -> dict[str, int]:
    async with pool.acquire() as conn:
        rows = await conn.fetch(
            "SELECT c.ref, count(s.skill_id) AS links FROM courses c "
            "LEFT JOIN course_skills s ON s.course_id = c.id GROUP BY c.ref")
    return {r["ref"]: r["links"] for r in rows}


async def infer(pool, provider: ProviderRef | None = None, batch: int = 2000) -> int:
    async with pool.acquire() as conn:
        return await inference_job.infer_pending_skills(conn, LEXICONS,
                                                        provider.id if provider else None, batch)


async def test_a_sync_leaves_skills_pending_and_the_job_infers_them_once(
        pool, reference_data, provider):
    await sync(pool, provider, catalogue(5))
    assert set((await links_by_course(pool)).values()) == {0}
    made = await infer(pool, provider, batch=2)
    links = await links_by_course(pool)
    assert made == sum(links.values()) and min(links.values()) > 0
    assert await infer(pool, provider) == 0
    assert await links_by_course(pool) == links


async def test_only_changed_courses_are_inferred_again(pool, reference_data, provider):
    await sync(pool, provider, catalogue(4))
    await infer(pool, provider)
    before = await links_by_course(pool)
    changed = catalogue(4)
    changed.courses[0].title = "First aid at work"
    changed.courses[0].description = "Provide first aid in an emergency."
    await sync(pool, provider, changed)
    assert (await links_by_course(pool))["C0"] == 0
    made = await infer(pool, provider)
    after = await links_by_course(pool)
    assert made == after["C0"] > 0
    assert {ref: n for ref, n in after.items() if ref != "C0"} == {
        ref: n for ref, n in before.items() if ref != "C0"}


async def test_college_given_skills_are_not_inferred(pool, reference_data, provider):
    uri = (await _any_skill_uri(pool))
    cat = catalogue(1)
    cat.courses[0].skill_uris = [uri]
    await sync(pool, provider, cat)
    assert await infer(pool, provider) == 0
    assert await links_by_course(pool) == {"C0": 1}


async def test_concurrent_workers_share_the_work_without_doing_any_twice(
        pool, reference_data, provider):
    await sync(pool, provider, catalogue(60))
    made = await asyncio.gather(*(infer(pool, batch=5) for _ in range(4)))
    links = await links_by_course(pool)
    assert sum(made) == sum(links.values())
    assert min(links.values()) > 0
    async with pool.acquire() as conn:
        done = await conn.fetchval("SELECT count(*) FROM course_skill_inferences")
    assert done == 60


async def _any_skill_uri(pool) -> str:
    async with pool.acquire() as conn:
        return await conn.fetchval("SELECT uri FROM skills ORDER BY uri LIMIT 1")


async def test_a_reference_load_that_renames_a_label_reaches_the_lexicon(
        pool, reference_data, provider):
    """The label count stays the same; the recorded load is what tells the cache."""
    async def skills_of(ref: str) -> set[str]:
        async with pool.acquire() as conn:
            return {r["label"] for r in await conn.fetch(
                "SELECT cs.matched_label AS label FROM course_skills cs "
                "JOIN courses c ON c.id = cs.course_id WHERE c.ref = $1", ref)}

    rename = ("UPDATE skill_labels SET label = $2 WHERE label = $1 AND preferred; "
              "INSERT INTO reference_loads (changed) VALUES ('{\"skill_labels\": 2}')")
    await infer(pool)  # the lexicon is built and cached
    async with pool.acquire() as conn:
        labels = await conn.fetchval("SELECT count(*) FROM skill_labels")
        await conn.execute(rename.replace("$1", "'welding techniques'")
                           .replace("$2", "'zorbing techniques'"))
        assert await conn.fetchval("SELECT count(*) FROM skill_labels") == labels
    try:
        await sync(pool, provider, catalogue(1, title="Zorbing techniques"))
        await infer(pool, provider)
        assert "zorbing techniques" in await skills_of("C0")
    finally:
        async with pool.acquire() as conn:
            await conn.execute(rename.replace("$1", "'zorbing techniques'")
                               .replace("$2", "'welding techniques'"))


async def test_concurrent_jobs_build_the_lexicon_once_per_version(pool, reference_data):
    """Jobs of one app asking at once share one build; nothing they read is reset under them."""
    cache = LexiconCache()
    async with pool.acquire() as a, pool.acquire() as b, pool.acquire() as c:
        built = await asyncio.gather(*(cache.lexicon(conn) for conn in (a, b, c)))
    assert built[0].size > 0
    assert built[1] is built[0] and built[2] is built[0]
    async with pool.acquire() as conn:
        assert await cache.lexicon(conn) is built[0]  # the version has not moved


async def test_each_app_has_its_own_lexicon_cache(settings, pool, app):
    """Never shared between apps, which may be on different databases at the same version."""
    other = create_app(settings, pool=pool)
    assert isinstance(app.state.lexicons, LexiconCache)
    assert other.state.lexicons is not app.state.lexicons


async def test_course_detail_says_while_skills_are_pending(client, api, pool, reference_data,
                                                           provider):
    headers = await api.worker_token(await api.worker())
    given = CourseIn(ref="GIVEN", title="First aid", skill_uris=[
        "http://data.europa.eu/esco/skill/f7464f30-662b-4177-85a0-3df9693e9e58"])
    await sync(pool, provider, CatalogueIn(courses=[*catalogue(1).courses, given]))
    async with pool.acquire() as conn:
        ids = dict(await conn.fetch("SELECT ref, id FROM courses"))

    async def detail(ref: str) -> dict:
        response = await client.get(f"/v1/courses/{ids[ref]}", headers=headers)
        assert response.status_code == 200, response.text
        return response.json()

    pending = await detail("C0")
    assert (pending["skills_pending"], pending["skills"]) == (True, [])
    assert (await detail("GIVEN"))["skills_pending"] is False  # the college gave its skills
    await infer(pool, provider)
    done = await detail("C0")
    assert done["skills_pending"] is False and done["skills"]
