"""A worker's pages over HTTP: each renders from the services' data, the statement downloads,
forms refuse without their token, and one worker's session opens nobody else's data."""

import httpx

from tests.integration.web.conftest import (
    book,
    new_browser,
    open_slot,
    post_form,
    sign_in,
    worker_with_money,
)


async def test_the_account_page_shows_balance_chart_and_statement(api, browser, pool):
    await worker_with_money(api, "w@example.org")
    await sign_in(browser, pool, "w@example.org")
    page = await browser.get("/account")
    assert page.status_code == 200
    assert "<title>Your learning account – Ladder</title>" in page.text
    assert "£250.00" in page.text and "<svg" in page.text and "Balance over time" in page.text
    assert len(page.content) < 100_000
    csv = await browser.get("/account/statement.csv")
    assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
    assert "attachment" in csv.headers["content-disposition"]
    assert "250.00" in csv.text


async def test_the_priority_and_skills_pages_render(api, browser, pool):
    await api.worker(email="p@example.org", contract_type="zero_hours", weekly_hours=16)
    await sign_in(browser, pool, "p@example.org")
    priority = await browser.get("/priority")
    assert priority.status_code == 200 and "Your priority score is" in priority.text
    assert "Points" in priority.text
    skills = await browser.get("/skills")
    assert skills.status_code == 200 and "Your skills" in skills.text


async def test_a_skill_form_without_a_choice_shows_the_errors(api, browser, pool):
    await api.worker(email="s@example.org")
    await sign_in(browser, pool, "s@example.org")
    page = await post_form(browser, "/skills", {"skill": "", "level": ""})
    assert page.status_code == 422 and "There is a problem" in page.text
    assert "<title>Error: Your skills – Ladder</title>" in page.text


async def test_a_worker_books_a_review_after_checking_it(api, browser, pool):
    await api.worker(email="b@example.org", birth_date="1970-01-01", branch="Leeds UNISON")
    rep = await api.rep(branch="Leeds UNISON")
    slot = await open_slot(api, rep)
    await sign_in(browser, pool, "b@example.org")
    review = await browser.get("/review")
    assert review.status_code == 200 and f"/review/book/{slot['id']}" in review.text
    check = await browser.get(f"/review/book/{slot['id']}")
    assert check.status_code == 200 and "Check your booking" in check.text
    booked = await post_form(browser, f"/review/book/{slot['id']}")
    assert booked.status_code == 200 and "Review booked" in booked.text
    assert "govuk-panel" in booked.text
    again = await browser.get("/review")
    assert "Your booked review" in again.text and "Cancel this review" in again.text


async def test_a_post_without_the_token_books_nothing(api, browser, pool):
    await api.worker(email="c@example.org", birth_date="1970-01-01")
    rep = await api.rep(branch="Leeds UNISON")
    slot = await open_slot(api, rep)
    await sign_in(browser, pool, "c@example.org")
    refused = await browser.post(f"/review/book/{slot['id']}")
    assert refused.status_code == 403
    async with pool.acquire() as conn:
        assert await conn.fetchval("SELECT count(*) FROM reviews") == 0


async def test_a_worker_joins_the_waiting_list_when_no_time_is_free(api, browser, pool):
    await api.worker(email="q@example.org", birth_date="1970-01-01")
    await sign_in(browser, pool, "q@example.org")
    page = await browser.get("/review")
    assert "Join the waiting list" in page.text
    joined = await post_form(browser, "/review/waiting-list", page="/review",
                             follow_redirects=True)
    assert joined.status_code == 200 and "You are on the waiting list" in joined.text


async def test_one_workers_session_cannot_open_anothers_review(api, app, browser, pool):
    await api.worker(email="one@example.org", birth_date="1970-01-01")
    other = await api.worker(email="two@example.org", birth_date="1970-01-01")
    rep = await api.rep(branch="Leeds UNISON")
    slot = await open_slot(api, rep)
    theirs = await book(api, other, slot)
    await sign_in(browser, pool, "one@example.org")
    page = await browser.get(f"/review/{theirs['id']}/cancel")
    assert page.status_code == 403 and "You cannot see this page" in page.text
    refused = await post_form(browser, f"/review/{theirs['id']}/cancel", page="/review")
    assert refused.status_code == 403
    async with pool.acquire() as conn:
        assert await conn.fetchval("SELECT status FROM reviews") == "booked"


async def test_a_rep_session_cannot_open_a_workers_pages(api, browser, pool):
    await api.rep(email="rep@example.org")
    await sign_in(browser, pool, "rep@example.org")
    assert (await browser.get("/account")).status_code == 403


async def test_the_pages_need_a_session(app):
    async with await new_browser(app) as anonymous:
        for path in ("/account", "/account/statement.csv", "/priority", "/skills", "/review"):
            page = await anonymous.get(path)
            assert page.status_code == 303, path
            assert page.headers["location"].startswith("/sign-in")


async def test_static_files_are_cached_for_a_year(browser: httpx.AsyncClient):
    page = await browser.get("/sign-in")
    href = page.text.split('rel="stylesheet" href="')[1].split('"')[0]
    css = await browser.get(href)
    assert css.status_code == 200 and "max-age=31536000" in css.headers["cache-control"]
    font = css.text.split("url(")[1].split(")")[0]
    assert (await browser.get(href.rsplit("/", 1)[0] + "/" + font)).status_code == 200


async def test_a_worker_accepts_a_time_offered_from_the_waiting_list(api, browser, pool):
    await api.worker(email="wait@example.org", birth_date="1970-01-01")
    await sign_in(browser, pool, "wait@example.org")
    await post_form(browser, "/review/waiting-list", page="/review")
    rep = await api.rep(branch="Leeds UNISON")
    slot = await open_slot(api, rep)  # offered at once to the one worker waiting
    page = await browser.get("/review")
    assert "A time is being kept for you" in page.text and "Accept this time" in page.text
    booked = await post_form(browser, f"/review/book/{slot['id']}")
    assert booked.status_code == 200 and "Review booked" in booked.text
    async with pool.acquire() as conn:
        assert await conn.fetchval("SELECT status FROM review_waitlist") == "booked"


async def test_the_options_page_shows_safer_jobs_or_says_what_is_missing(api, browser, pool,
                                                                        reference_data):
    await api.worker(email="opt@example.org", occupation="9112.2")
    await sign_in(browser, pool, "opt@example.org")
    page = await browser.get("/options")
    assert page.status_code == 200 and "Your options" in page.text
    assert "Your job:" in page.text


async def test_the_your_data_page_lists_who_looked_and_exports(api, browser, pool):
    await api.worker(email="me@example.org")
    await sign_in(browser, pool, "me@example.org")
    await browser.get("/account")
    page = await browser.get("/your-data")
    assert page.status_code == 200 and "Who looked at your data" in page.text
    assert "You" in page.text
    export = await browser.get("/your-data/export.json")
    assert export.status_code == 200 and "attachment" in export.headers["content-disposition"]
    assert export.json()["worker_id"]
