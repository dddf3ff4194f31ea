"""Course search's query-only path (migration 0041): `course_search_page` runs a query with no
filter under a generic plan, and must return exactly what the general, custom-planned statement
(`course_search_page_general`) returns: the same rows in the same order, so the same cursors."""

from datetime import date
from uuid import UUID

import pytest

from tests.integration.courses.conftest import course, presentation
from tests.integration.courses.test_search import CATALOGUE as SEARCH_CATALOGUE

pytestmark = pytest.mark.asyncio

CALL = "SELECT * FROM {}($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)"
QUERIES = ["welding", "weld metal", "welding -fabrication", '"first aid"', "welding or english",
           "english", "the and of", "knitting", "metal"]


def same_title(ref: str, starts_on: str | None, **fields):
    """Courses whose headings tie, so that their order is the start date's, then the id's."""
    return course(ref, title="Welding", subjects=[], description="Metal work.",
                  presentations=[] if starts_on is None else
                  [presentation(starts_on=starts_on, ends_on=None)], **fields)


CATALOGUE = [
    *SEARCH_CATALOGUE,
    course("META", title="Metalwork", description="Includes welding and English.",
           presentations=[presentation(starts_on="2027-05-01", ends_on=None)]),
    course("SOON", title="Fabrication", description="Welding and more welding.",
           presentations=[presentation(starts_on="2027-01-01", ends_on=None)]),
    course("GONE", title="Welding for the withdrawn", description="Welding."),
    course("GONE2", title="Sheet metal, withdrawn", description="Welding."),
    *(same_title(f"TIE{n}", starts_on) for n, starts_on in enumerate(
        ["2027-03-01", "2027-03-01", "2027-03-01", None, None, "2026-12-15"])),
]


@pytest.fixture
async def catalogue(client, api):
    """Two colleges' courses, two courses withdrawn and one presentation withdrawn."""
    for name in ("North College", "South College"):
        provider = await api.provider(name=name)
        headers = await api.college_token(provider)
        url = f"/v1/providers/{provider['ukprn']}/catalogue"
        assert (await client.put(url, headers=headers, json={"courses": CATALOGUE})
                ).status_code == 200
        kept = [c for c in CATALOGUE if not c["ref"].startswith("GONE")]
        kept[0] = kept[0] | {"presentations": kept[0]["presentations"][1:]}
        assert (await client.put(url, headers=headers, json={"courses": kept})
                ).status_code == 200


def arguments(q, after=None, limit=50, **filters):
    rank, starts_on, last_id = after or (None, None, None)
    given = {"level": None, "band": None, "provider_id": None, "skill_id": None,
             "attendance": None, "delivery": None, "max_cost": None, "starting_after": None,
             "presentations_together": False} | filters
    return (q, *given.values(), rank, starts_on, last_id, limit)


async def both(conn, *args):
    """The rows of the query-only path's function and of the general one, for one call."""
    new = [dict(r) for r in await conn.fetch(CALL.format("course_search_page"), *args)]
    general = [dict(r) for r in await conn.fetch(CALL.format("course_search_page_general"),
                                                 *args)]
    return new, general


async def test_query_only_pages_are_the_general_statements(pool, catalogue):
    async with pool.acquire() as conn:
        for q in QUERIES:
            for limit in (1, 2, 3, 50):
                for _ in range(3):  # the generic plan is kept from the first call on
                    new, general = await both(conn, *arguments(q, limit=limit))
                    assert new == general, (q, limit)
            assert (await both(conn, *arguments("welding")))[0], "the catalogue matches"


async def general_calls(conn, *args) -> int:
    """How many times `course_search_page` called the general function for one call."""
    count = ("SELECT coalesce(pg_stat_get_xact_function_calls("
             "'course_search_page_general'::regproc), 0)")
    async with conn.transaction():
        await conn.execute("SET LOCAL track_functions = 'pl'")
        before = await conn.fetchval(count)  # may hold calls not yet flushed to the stats
        await conn.fetch(CALL.format("course_search_page"), *args)
        return await conn.fetchval(count) - before


async def test_a_query_alone_takes_the_query_only_path(pool, catalogue):
    """The dispatch itself: a query alone (or with a cursor among the ranked matches) never
    calls the general function; a filter, a rank-0 cursor or no query does, once."""
    async with pool.acquire() as conn:
        first = await conn.fetch(CALL.format("course_search_page"), *arguments("welding", limit=1))
        ranked = (first[0]["rank"], first[0]["first_starts_on"], first[0]["id"])
        assert ranked[0] > 0
        assert await general_calls(conn, *arguments("welding")) == 0
        assert await general_calls(conn, *arguments("welding", ranked)) == 0
        assert await general_calls(conn, *arguments("welding", delivery="blended")) == 1
        assert await general_calls(conn, *arguments("welding", (0.0, None, UUID(int=1)))) == 1
        assert await general_calls(conn, *arguments(None)) == 1


async def test_every_cursor_page_is_the_general_statements(pool, catalogue):
    async with pool.acquire() as conn:
        for q in QUERIES:
            for limit in (1, 2, 5):
                after, seen = None, []
                while True:
                    new, general = await both(conn, *arguments(q, after, limit))
                    assert new == general, (q, limit, after)
                    seen += [r["id"] for r in new]
                    if len(new) < limit:
                        break
                    last = new[-1]
                    after = (last["rank"], last["first_starts_on"], last["id"])
                everything, _ = await both(conn, *arguments(q, limit=100))
                assert seen == [r["id"] for r in everything], (q, limit)


async def test_filtered_calls_still_filter(pool, catalogue):
    """Each filter, a rank-0 cursor and no query go to the general statement: the query-only
    path would return courses that the filter leaves out."""
    async with pool.acquire() as conn:
        one = await conn.fetchrow("SELECT id, provider_id, first_starts_on FROM courses "
                                  "WHERE ref = 'META' LIMIT 1")
        filters = [{"level": "1"}, {"band": "entry"}, {"provider_id": one["provider_id"]},
                   {"skill_id": UUID(int=0)}, {"attendance": "weekend"},
                   {"delivery": "blended"}, {"max_cost": 0},
                   {"starting_after": date(2027, 4, 1)},
                   {"attendance": "weekend", "max_cost": 40_000,
                    "presentations_together": True}]
        unfiltered, _ = await both(conn, *arguments("welding"))
        for given in filters:
            new, general = await both(conn, *arguments("welding", **given))
            assert new == general, given
            assert len(new) < len(unfiltered), given
        description_cursor = (0.0, one["first_starts_on"], one["id"])
        for q in ("welding", None):
            new, general = await both(conn, *arguments(q, description_cursor))
            assert new == general
            assert all(r["rank"] == 0 for r in new)
        new, general = await both(conn, *arguments(None))
        assert new == general and len(new) == 2 * (len(CATALOGUE) - 2)  # both colleges, but GONE*


async def test_api_pages_through_query_only_search(client, api, pool, catalogue):
    """`GET /v1/courses?q=` with its cursors walks the general statement's rows."""
    worker = await api.worker_token(await api.worker())
    async with pool.acquire() as conn:
        expected = [str(r["id"]) for r in
                    (await both(conn, *arguments("welding", limit=100)))[1]]
    seen, cursor = [], None
    while True:
        response = await client.get("/v1/courses", headers=worker, params={
            "q": "welding", "limit": 2, **({"cursor": cursor} if cursor else {})})
        assert response.status_code == 200, response.text
        seen += [c["id"] for c in response.json()["items"]]
        cursor = response.json()["next_cursor"]
        if cursor is None:
            break
    assert seen == expected and len(seen) > 2
