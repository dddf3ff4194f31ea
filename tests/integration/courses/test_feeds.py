"""Pulled feeds against a real HTTP server on 127.0.0.1: conditional GET, timeouts, retries, size
cap, HTML, private addresses, one puller per feed, and the scheduler."""

import asyncio
import time
import uuid
from types import SimpleNamespace

import httpx
import pytest

from service import db, scheduler
from service.app import create_app
from service.courses import feeds
from service.courses.inference_job import LexiconCache
from tests.integration.courses.conftest import FIXTURES, answer

pytestmark = [pytest.mark.asyncio, pytest.mark.usefixtures("reference_data")]

WYCHWOLF = (FIXTURES / "wychwolf_moodle_xcri_cap_1.2_sample.xml").read_bytes()
POPPLETON = (FIXTURES / "poppleton_pg_generic_xcri_cap_1.2_example.xml").read_bytes()


def conditional_feed(body: bytes, etag: str = '"v1"'):
    """200 with an ETag, or 304 when the client already has that version."""

    def respond(handler) -> None:
        if handler.headers.get("If-None-Match") == etag:
            answer(304)(handler)
        else:
            answer(200, body, Content_Type="application/xml", ETag=etag,
                   Last_Modified="Mon, 02 Nov 2026 10:00:00 GMT")(handler)

    return respond


async def register(client, provider, headers, url, **fields):
    response = await client.post(f"/v1/providers/{provider['ukprn']}/feeds", headers=headers,
                                 json={"url": url, **fields})
    assert response.status_code == 201, response.text
    return response.json()


async def pull(client, provider, headers, feed):
    return await client.post(f"/v1/providers/{provider['ukprn']}/feeds/{feed['id']}/pull",
                             headers=headers)


async def syncs(client, provider, headers):
    return (await client.get(f"/v1/providers/{provider['ukprn']}/syncs",
                             headers=headers)).json()["items"]


async def test_pull_syncs_then_304_changes_nothing(feed_client, college, feed_server):
    provider, headers = college
    feed_server.routes["/feed.xml"] = conditional_feed(WYCHWOLF)
    feed = await register(feed_client, provider, headers, feed_server.url("/feed.xml"))
    assert feed["last_outcome"] is None and feed["interval_minutes"] == 1440
    first = await pull(feed_client, provider, headers, feed)
    assert first.status_code == 200, first.text
    result = first.json()
    assert result["outcome"] == "synced"
    assert (result["sync"]["created"], result["sync"]["feed_id"]) == (1, feed["id"])
    second = (await pull(feed_client, provider, headers, feed)).json()
    assert second == {"feed_id": feed["id"], "outcome": "not_modified", "error": None,
                      "sync": None}
    assert feed_server.headers_seen[-1]["If-None-Match"] == '"v1"'
    assert feed_server.headers_seen[-1]["If-Modified-Since"] == "Mon, 02 Nov 2026 10:00:00 GMT"
    listed = (await feed_client.get(f"/v1/providers/{provider['ukprn']}/feeds",
                                    headers=headers)).json()["items"]
    assert [(f["etag"], f["last_outcome"], f["consecutive_failures"]) for f in listed] == [
        ('"v1"', "not_modified", 0)]
    assert len(await syncs(feed_client, provider, headers)) == 1


async def test_a_timeout_is_retried_then_stored_as_a_failed_sync(
        feed_client, college, feed_server, pool):
    provider, headers = college
    feed_server.routes["/good.xml"] = conditional_feed(WYCHWOLF)
    good = await register(feed_client, provider, headers, feed_server.url("/good.xml"))
    await pull(feed_client, provider, headers, good)

    def slow(handler) -> None:
        time.sleep(2.5)
        answer(200, WYCHWOLF)(handler)

    feed_server.routes["/slow.xml"] = slow
    feed = await register(feed_client, provider, headers, feed_server.url("/slow.xml"))
    result = (await pull(feed_client, provider, headers, feed)).json()
    assert result["outcome"] == "failed"
    assert "within 1 seconds" in result["error"] and "after 3 attempts" in result["error"]
    assert feed_server.hits["/slow.xml"] == 3
    assert result["sync"]["status"] == "failed" and result["sync"]["error"] == result["error"]
    async with pool.acquire() as conn:
        row = await conn.fetchrow("SELECT consecutive_failures, next_pull_at > now() AS later, "
                                  "lease_until FROM feeds WHERE id = $1", uuid.UUID(feed["id"]))
        live = await conn.fetchval("SELECT count(*) FROM courses WHERE provider_id = $1 "
                                   "AND withdrawn_at IS NULL", uuid.UUID(provider["id"]))
    assert (row["consecutive_failures"], row["later"], row["lease_until"]) == (1, True, None)
    assert live == 1  # the earlier catalogue is intact


async def test_server_errors_are_retried(feed_client, college, feed_server):
    provider, headers = college
    calls = []

    def flaky(handler) -> None:
        calls.append(time.monotonic())
        if len(calls) < 3:
            answer(503, b"busy")(handler)
        else:
            answer(200, WYCHWOLF, Content_Type="text/xml")(handler)

    feed_server.routes["/flaky.xml"] = flaky
    feed = await register(feed_client, provider, headers, feed_server.url("/flaky.xml"))
    result = (await pull(feed_client, provider, headers, feed)).json()
    assert result["outcome"] == "synced", result
    assert len(calls) == 3


async def test_client_errors_are_not_retried(feed_client, college, feed_server):
    provider, headers = college
    feed = await register(feed_client, provider, headers, feed_server.url("/missing.xml"))
    result = (await pull(feed_client, provider, headers, feed)).json()
    assert (result["outcome"], result["error"]) == ("failed", "the server answered HTTP 404")
    assert feed_server.hits["/missing.xml"] == 1


@pytest.mark.parametrize(("route", "message"), [
    (answer(200, b"x" * (3 * 1024 * 1024 + 1), Content_Type="application/xml"),
     "larger than the limit"),
    (answer(200, b"<html><body>Courses</body></html>", Content_Type="text/html"), "HTML page"),
    (answer(200, b"<!DOCTYPE html><html></html>", Content_Type="application/xml"), "HTML page"),
    (answer(200, b"<catalog><provider>", Content_Type="application/xml"), "not well-formed"),
])
async def test_unusable_answers_are_failed_syncs(feed_client, college, feed_server, route,
                                                 message):
    provider, headers = college
    feed_server.routes["/feed.xml"] = route
    feed = await register(feed_client, provider, headers, feed_server.url("/feed.xml"))
    result = (await pull(feed_client, provider, headers, feed)).json()
    assert result["outcome"] == "failed" and message in result["error"]
    assert (await syncs(feed_client, provider, headers))[0]["status"] == "failed"


async def test_oversize_stream_without_content_length_is_cut_off(feed_client, college,
                                                                 feed_server):
    provider, headers = college

    def endless(handler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "application/xml")
        handler.end_headers()
        chunk = b"<x>" + b"a" * 65_536 + b"</x>"
        for _ in range(100):
            handler.wfile.write(chunk)

    feed_server.routes["/endless.xml"] = endless
    feed = await register(feed_client, provider, headers, feed_server.url("/endless.xml"))
    result = (await pull(feed_client, provider, headers, feed)).json()
    assert result["outcome"] == "failed" and "larger than the limit" in result["error"]


async def test_private_and_loopback_addresses_are_refused_by_default(client, college,
                                                                     feed_server):
    provider, headers = college
    feed_server.routes["/feed.xml"] = conditional_feed(WYCHWOLF)
    for url in (feed_server.url("/feed.xml"), "http://10.0.0.7/feed.xml",
                "http://[::1]:8080/feed.xml", "http://169.254.169.254/latest/meta-data",
                "http://localhost/feed.xml"):
        feed = await register(client, provider, headers, url)
        result = (await pull(client, provider, headers, feed)).json()
        assert result["outcome"] == "failed", url
        assert "private, loopback or reserved address" in result["error"], result
    assert feed_server.hits == {}


async def test_a_feed_for_another_college_is_refused(feed_client, college, feed_server):
    provider, headers = college
    feed_server.routes["/feed.xml"] = answer(200, POPPLETON, Content_Type="application/xml")
    feed = await register(feed_client, provider, headers, feed_server.url("/feed.xml"))
    result = (await pull(feed_client, provider, headers, feed)).json()
    assert result["outcome"] == "failed" and "10099999" in result["error"]


async def test_feed_access_and_bad_bodies(client, api, college):
    provider, headers = college
    url = f"/v1/providers/{provider['ukprn']}/feeds"
    body = {"url": "https://college.example/xcri.xml"}
    other = await api.college_token(await api.provider())
    assert (await client.post(url, json=body)).status_code == 401
    assert (await client.post(url, json=body, headers=other)).status_code == 403
    assert (await client.get(url, headers=other)).status_code == 403
    worker = await api.worker_token(await api.worker())
    assert (await client.post(url, json=body, headers=worker)).status_code == 403
    for bad, field in [({"url": "ftp://college.example/x"}, "url"),
                       ({"url": "https://college.example/x", "interval_minutes": 1},
                        "interval_minutes"),
                       ({"url": "https://college.example/x", "colour": "red"}, "colour")]:
        response = await client.post(url, json=bad, headers=headers)
        assert response.status_code == 422, bad
        assert response.json()["errors"][0]["field"] == field
    feed = await register(client, provider, headers, body["url"])
    assert (await client.post(url, json=body, headers=headers)).status_code == 409
    pull_url = f"{url}/{feed['id']}/pull"
    assert (await client.post(pull_url, headers=other)).status_code == 403
    theirs = await api.provider()
    assert (await client.post(f"/v1/providers/{theirs['ukprn']}/feeds/{feed['id']}/pull",
                              headers=await api.admin())).status_code == 404


async def test_a_feed_being_pulled_elsewhere_is_409(feed_client, college, feed_server, pool,
                                                    feed_settings):
    provider, headers = college
    feed = await register(feed_client, provider, headers, feed_server.url("/feed.xml"))
    assert await feeds.claim_feed(pool, uuid.UUID(feed["id"]), feed_settings)
    response = await pull(feed_client, provider, headers, feed)
    assert response.status_code == 409
    assert feed_server.hits == {}


async def test_concurrent_schedulers_pull_each_due_feed_once(college, feed_server, pool,
                                                             feed_settings, api, client):
    provider, headers = college
    for i in range(6):
        feed_server.routes[f"/f{i}.xml"] = conditional_feed(WYCHWOLF)
        await register(client, provider, headers, feed_server.url(f"/f{i}.xml"))
    lexicons = LexiconCache()
    results = await asyncio.gather(*(feeds.pull_due_feeds(pool, feed_settings,
                                                          lexicons=lexicons)
                                     for _ in range(4)))
    assert sum(len(r) for r in results) == 6
    assert feed_server.hits == {f"/f{i}.xml": 1 for i in range(6)}
    assert await feeds.pull_due_feeds(pool, feed_settings,
                                      lexicons=lexicons) == []  # none due until tomorrow


async def test_scheduler_runs_once_and_reports(college, feed_server, pool, feed_settings, client):
    provider, headers = college
    feed_server.routes["/feed.xml"] = conditional_feed(WYCHWOLF)
    await register(client, provider, headers, feed_server.url("/feed.xml"))
    said: list[str] = []
    await scheduler.run_scheduler(pool, feed_settings, once=True, progress=said.append)
    said = [line for line in said if line.startswith("feed ")]
    assert len(said) == 1 and said[0].endswith(": synced")
    assert (await syncs(client, provider, headers))[0]["actor_role"] == "system"


async def test_the_app_lifespan_runs_the_scheduler_unless_disabled(
        college, feed_server, pool, feed_settings, client):
    provider, headers = college
    feed_server.routes["/feed.xml"] = conditional_feed(WYCHWOLF)
    await register(client, provider, headers, feed_server.url("/feed.xml"))
    app = SimpleNamespace(state=SimpleNamespace(pool=pool, lease_pool=pool,
                                                lexicons=LexiconCache()))
    fast = feed_settings.model_copy(update={"feed_poll_seconds": 0.05})
    assert fast.run_scheduler is False  # as in every test: LADDER_RUN_SCHEDULER=false
    async with scheduler.scheduler_lifespan(fast)(app):
        await asyncio.sleep(0.3)
    assert feed_server.hits == {}
    outcome = None
    async with scheduler.scheduler_lifespan(fast.model_copy(update={"run_scheduler": True}))(app):
        for _ in range(200):
            async with pool.acquire() as conn:
                outcome = await conn.fetchval("SELECT last_outcome FROM feeds")
            if outcome:
                break
            await asyncio.sleep(0.05)
    assert outcome == "synced"
    assert feed_server.hits == {"/feed.xml": 1}


async def test_a_pull_behind_the_colleges_own_sync_is_busy_and_the_next_round_pulls_it(
        college, feed_server, pool, lease_pool, feed_settings, client, database_url):
    """The college's catalogue lock held (its own upload applying): the scheduler's pull waits
    at most the lock timeout, then leaves the feed to the next round: no failed sync, no failure
    counted, no back-off, the lease given back, one plain line in the round's progress."""
    provider, headers = college
    feed_server.routes["/feed.xml"] = conditional_feed(WYCHWOLF)
    feed = await register(client, provider, headers, feed_server.url("/feed.xml"))
    feed_id, lexicons = uuid.UUID(feed["id"]), LexiconCache()
    short = await db.create_pool(database_url, 1, 2, lock_timeout_ms=300)
    said: list[str] = []
    try:
        async with pool.acquire() as holder, holder.transaction():
            await holder.execute("SELECT people_lock_provider($1)", uuid.UUID(provider["id"]))
            await feeds.scheduled_round(short, feed_settings, said.append, lexicons=lexicons,
                                        lease_pool=lease_pool)
        async with pool.acquire() as conn:
            row = await conn.fetchrow(
                "SELECT last_outcome, consecutive_failures, lease_until, etag, "
                "next_pull_at <= now() + make_interval(secs => $2) AS next_round "
                "FROM feeds WHERE id = $1", feed_id, feed_settings.feed_poll_seconds)
        assert dict(row) == {"last_outcome": None, "consecutive_failures": 0,
                             "lease_until": None, "etag": None, "next_round": True}
        assert await syncs(client, provider, headers) == []
        assert [line for line in said if line.startswith("feed ")] == [
            f"feed {feed_id}: busy (the college's catalogue was being synced; pulled again "
            "at the next round)"]
        async with pool.acquire() as conn:  # the next round's time has come
            await conn.execute("UPDATE feeds SET next_pull_at = now() WHERE id = $1", feed_id)
        said.clear()
        await feeds.scheduled_round(short, feed_settings, said.append, lexicons=lexicons,
                                    lease_pool=lease_pool)
    finally:
        await short.close()
    assert [line for line in said if line.startswith("feed ")] == [f"feed {feed_id}: synced"]
    assert [s["status"] for s in await syncs(client, provider, headers)] == ["applied"]


async def test_a_pull_asked_for_while_the_college_uploads_answers_busy_and_stores_nothing(
        college, feed_server, pool, lease_pool, feed_settings, client, database_url):
    """`POST .../pull` behind the college's own upload: 200 with outcome `busy` once the lock
    timeout passes, nothing stored and no failure counted; asked again once the upload is
    done, it syncs."""
    provider, headers = college
    feed_server.routes["/feed.xml"] = conditional_feed(WYCHWOLF)
    feed = await register(client, provider, headers, feed_server.url("/feed.xml"))
    short = await db.create_pool(database_url, 1, 3, lock_timeout_ms=300)
    try:
        app = create_app(feed_settings, pool=short, lease_pool=lease_pool)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                     base_url="http://ladder.test") as busy_client:
            async with pool.acquire() as holder, holder.transaction():
                await holder.execute("SELECT people_lock_provider($1)",
                                     uuid.UUID(provider["id"]))
                response = await pull(busy_client, provider, headers, feed)
            assert response.status_code == 200, response.text
            assert response.json() == {
                "feed_id": feed["id"], "outcome": "busy", "sync": None,
                "error": "the college's catalogue was being synced; pulled again at the next "
                         "round"}
            assert await syncs(client, provider, headers) == []
            async with pool.acquire() as conn:
                assert await conn.fetchval("SELECT consecutive_failures FROM feeds WHERE id = $1",
                                           uuid.UUID(feed["id"])) == 0
            again = await pull(busy_client, provider, headers, feed)
    finally:
        await short.close()
    assert again.status_code == 200, again.text
    assert again.json()["outcome"] == "synced"
    assert [s["status"] for s in await syncs(client, provider, headers)] == ["applied"]
