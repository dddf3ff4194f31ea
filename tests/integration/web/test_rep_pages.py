"""A rep's pages over HTTP: the branch task list, registering a worker (the plain form, the
occupation search without JavaScript, errors), publishing and cancelling slots, recording an
outcome, the calendar address; and another branch's review refused."""

from datetime import UTC, datetime, timedelta

from tests.integration.reviews.helpers import shift_into_past
from tests.integration.web.conftest import book, open_slot, post_form, sign_in

WORKER_FORM = {"name": "Jo Bloggs", "email": "jo@example.org", "external_ref": "LCC-9",
               "birth_date-day": "14", "birth_date-month": "3", "birth_date-year": "1968",
               "employer": "Leeds City Council", "region": "E12000003", "occupation": "",
               "contract_type": "zero_hours", "weekly_hours": "16",
               "highest_qualification": "1", "facing_redundancy": "no"}


async def rep_signed_in(api, browser, pool, branch="Leeds UNISON"):
    rep = await api.rep(email="rita@example.org", branch=branch)
    await sign_in(browser, pool, "rita@example.org")
    return rep


async def test_the_branch_page_is_a_task_list(api, browser, pool):
    await rep_signed_in(api, browser, pool)
    page = await browser.get("/branch")
    assert page.status_code == 200 and "govuk-task-list" in page.text
    assert "Waiting list" in page.text and "Outcomes to record" in page.text


async def test_a_rep_registers_a_worker_with_the_plain_form(api, browser, pool):
    await rep_signed_in(api, browser, pool)
    done = await post_form(browser, "/branch/workers/new", WORKER_FORM)
    assert done.status_code == 200 and "Worker registered" in done.text, done.text
    async with pool.acquire() as conn:
        row = await conn.fetchrow("SELECT branch, weekly_hours, birth_date FROM workers")
    assert row["branch"] == "Leeds UNISON" and float(row["weekly_hours"]) == 16
    assert str(row["birth_date"]) == "1968-03-14"


async def test_the_register_form_shows_every_problem(api, browser, pool):
    await rep_signed_in(api, browser, pool)
    page = await post_form(browser, "/branch/workers/new", WORKER_FORM | {
        "birth_date-day": "31", "birth_date-month": "2"})
    assert page.status_code == 422 and "There is a problem" in page.text
    assert 'href="#birth_date-day"' in page.text
    bad_hours = await post_form(browser, "/branch/workers/new", WORKER_FORM | {
        "weekly_hours": "200"})
    assert bad_hours.status_code == 422 and 'href="#weekly_hours"' in bad_hours.text
    async with pool.acquire() as conn:
        assert await conn.fetchval("SELECT count(*) FROM workers") == 0


async def test_the_occupation_search_works_without_javascript(api, browser, pool,
                                                              reference_data):
    await rep_signed_in(api, browser, pool)
    page = await post_form(browser, "/branch/workers/new", WORKER_FORM | {
        "occupation": "payroll"})
    assert page.status_code == 422 and "Jobs that match" in page.text
    assert 'name="occupation_choice"' in page.text
    code = page.text.split('name="occupation_choice" type="radio" value="')[1].split('"')[0]
    done = await post_form(browser, "/branch/workers/new", WORKER_FORM | {
        "occupation": "payroll", "occupation_choice": code}, page="/branch/workers/new")
    assert done.status_code == 200, done.text
    suggestions = await browser.get("/branch/occupations?q=payroll")
    assert suggestions.status_code == 200 and suggestions.json()[0]["code"]


async def test_a_rep_publishes_and_cancels_a_slot(api, browser, pool):
    await rep_signed_in(api, browser, pool)
    day = (datetime.now(UTC) + timedelta(days=10)).date()
    published = await post_form(browser, "/branch/slots", {
        "day-day": str(day.day), "day-month": str(day.month), "day-year": str(day.year),
        "start": "14:30", "length": "60", "mode": "video", "location": ""},
        follow_redirects=True)
    assert published.status_code == 200 and "Your open slots" in published.text
    async with pool.acquire() as conn:
        slot_id = await conn.fetchval("SELECT id FROM review_slots")
    cancelled = await post_form(browser, f"/branch/slots/{slot_id}/cancel", page="/branch/slots")
    assert cancelled.status_code == 303
    async with pool.acquire() as conn:
        assert await conn.fetchval("SELECT status FROM review_slots") == "cancelled"
    past = await post_form(browser, "/branch/slots", {
        "day-day": "1", "day-month": "1", "day-year": "2020", "start": "10:00",
        "length": "60", "mode": "phone"})
    assert past.status_code == 422 and "There is a problem" in past.text


async def test_a_rep_records_an_outcome(api, browser, pool):
    rep = await rep_signed_in(api, browser, pool)
    worker = await api.worker(birth_date="1970-01-01")
    slot = await open_slot(api, rep, days=2, mode="phone")
    review = await book(api, worker, slot)
    await shift_into_past(pool, slot["id"])
    branch = await browser.get("/branch")
    assert f"/branch/reviews/{review['id']}/outcome" in branch.text
    missing = await post_form(browser, f"/branch/reviews/{review['id']}/outcome",
                              {"outcome": "attended", "action_plan": ""})
    assert missing.status_code == 422 and 'href="#action_plan"' in missing.text
    done = await post_form(browser, f"/branch/reviews/{review['id']}/outcome",
                           {"outcome": "attended", "action_plan": "Take the payroll course"})
    assert done.status_code == 200 and "Outcome recorded" in done.text, done.text
    async with pool.acquire() as conn:
        assert await conn.fetchval("SELECT status FROM reviews") == "attended"


async def test_another_branchs_review_is_refused(api, browser, pool):
    other_rep = await api.rep(branch="Cornwall UNISON")
    worker = await api.worker(branch="Cornwall UNISON", birth_date="1970-01-01")
    slot = await open_slot(api, other_rep, days=2, mode="phone")
    review = await book(api, worker, slot)
    await rep_signed_in(api, browser, pool)
    page = await browser.get(f"/branch/reviews/{review['id']}/outcome")
    assert page.status_code == 403


async def test_the_calendar_address_is_shown(api, browser, pool):
    await rep_signed_in(api, browser, pool)
    shown = await post_form(browser, "/branch/calendar", page="/branch")
    assert shown.status_code == 200 and "/calendar/" in shown.text
    address = shown.text.split('readonly value="')[1].split('"')[0]
    feed = await browser.get(address.replace("http://localhost", ""))
    assert feed.status_code == 200 and "BEGIN:VCALENDAR" in feed.text


async def test_a_worker_cannot_open_the_reps_pages(api, browser, pool):
    await api.worker(email="w@example.org")
    await sign_in(browser, pool, "w@example.org")
    for path in ("/branch", "/branch/workers/new", "/branch/slots"):
        assert (await browser.get(path)).status_code == 403, path
