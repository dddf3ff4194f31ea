"""A college's pages over HTTP: upload a catalogue with a bad record and see why, an unreadable
file stored as a failed sync, the syncs and feeds; another college's data never shown."""

import json

from tests.integration.courses.conftest import course, presentation
from tests.integration.web.conftest import csrf_of, sign_in_as


async def upload(browser, content: bytes, filename="catalogue.json", mode="full"):
    token = csrf_of((await browser.get("/college/upload")).text)
    return await browser.post("/college/upload", data={"_csrf_token": token, "mode": mode},
                              files={"catalogue": (filename, content, "application/json")})


async def test_a_college_uploads_a_catalogue_with_a_bad_record_and_sees_why(api, app, browser,
                                                                            pool):
    provider = await api.provider(name="Poppleton College")
    await sign_in_as(browser, pool, app, "college", provider["id"], "Poppleton College")
    body = {"courses": [course("GOOD"), course("BAD", presentations=[
        presentation(starts_on="2027-05-01", ends_on="2027-01-01")])]}
    done = await upload(browser, json.dumps(body).encode())
    assert done.status_code == 200, done.text
    assert "Catalogue uploaded" in done.text and "Rejected courses and why" in done.text
    assert "BAD" in done.text
    home = await browser.get("/college")
    assert home.status_code == 200 and "BAD" in home.text and "1 rejected" in home.text


async def test_an_unreadable_file_is_shown_as_a_problem_and_kept(api, app, browser, pool):
    provider = await api.provider()
    await sign_in_as(browser, pool, app, "college", provider["id"])
    refused = await upload(browser, b"{not json")
    assert refused.status_code == 422 and "There is a problem" in refused.text
    assert "Not stored" in refused.text
    async with pool.acquire() as conn:
        assert await conn.fetchval("SELECT status FROM syncs") == "failed"


async def test_no_file_is_an_error(api, app, browser, pool):
    provider = await api.provider()
    await sign_in_as(browser, pool, app, "college", provider["id"])
    token = csrf_of((await browser.get("/college/upload")).text)
    page = await browser.post("/college/upload", data={"_csrf_token": token},
                              files={"catalogue": ("empty.json", b"", "application/json")})
    assert page.status_code == 422 and 'href="#catalogue"' in page.text


async def test_an_upload_without_its_token_is_refused(api, app, browser, pool):
    provider = await api.provider()
    await sign_in_as(browser, pool, app, "college", provider["id"])
    await browser.get("/college/upload")
    refused = await browser.post("/college/upload", files={
        "catalogue": ("c.json", b'{"courses": []}', "application/json")})
    assert refused.status_code == 403
    async with pool.acquire() as conn:
        assert await conn.fetchval("SELECT count(*) FROM syncs") == 0


async def test_a_college_sees_only_its_own_syncs(api, app, browser, pool):
    mine, theirs = await api.provider(), await api.provider()
    await api.client.put(f"/v1/providers/{theirs['ukprn']}/catalogue",
                         json={"courses": [course("THEIRS-ONLY")]},
                         headers=await api.college_token(theirs))
    await sign_in_as(browser, pool, app, "college", mine["id"])
    home = await browser.get("/college")
    assert home.status_code == 200 and "THEIRS-ONLY" not in home.text
    assert (await browser.get("/account")).status_code == 403


async def test_a_running_and_an_abandoned_sync_are_shown_as_such(api, app, browser, pool):
    provider = await api.provider()
    async with pool.acquire() as conn:
        for lease in (-5, 600):  # a dead sync's lease ran out; a live one's holds
            await conn.execute(
                "INSERT INTO syncs (provider_id, mode, format, status, actor_role, actor_name, "
                "started_at, finished_at, lease_until) VALUES ($1::uuid, 'full', 'json', "
                "'running', 'system', 'test', now(), NULL, now() + make_interval(secs => $2))",
                provider["id"], lease)
    await sign_in_as(browser, pool, app, "college", provider["id"])
    home = await browser.get("/college")
    assert home.status_code == 200
    assert "In progress" in home.text and "Stopped, not stored" in home.text
    assert "stopped without finishing" in home.text
