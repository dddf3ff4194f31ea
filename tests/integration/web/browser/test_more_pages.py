"""The pages the journeys do not reach, in a real browser with axe-core (no serious or critical
violation): the waiting list and a time offered from it, cancelling a review, saving a skill,
changing and deleting equality answers, accepting an offered course place, publishing and
cancelling a slot, the calendar address, the job choices a rep is offered, the 403, 404 and
410 pages, the signed-out page, and a rep's forms sent empty (their error summaries). And the
security rules seen from a browser, with JavaScript on and off: another worker's pages are
refused, a form posted without its token does nothing, a used or expired link does not sign
in, and the session cookie's flags."""

import re
from uuid import uuid4

import pytest
from playwright.async_api import Page, expect

from tests.integration.enrolments.helpers import Enrolments
from tests.integration.web.browser.test_data_journeys import answer_equality
from tests.integration.web.browser.test_journeys import accessible, sign_in_by_email
from tests.integration.web.conftest import book, open_slot, outbox_links

pytestmark = pytest.mark.slow


async def landed(page: Page, heading: str, javascript: bool = True) -> None:
    await expect(page.get_by_role("heading", name=heading, exact=True).first).to_be_visible()
    await accessible(page, javascript)


@pytest.mark.parametrize("javascript", [True], ids=["javascript"])
async def test_the_worker_pages_no_journey_reaches_are_accessible(api, pool, page: Page,
                                                                  reference_data):
    en = await Enrolments(api).setup()
    pid = await en.offer(places=1)
    first, first_auth = await en.worker()
    booked = (await en.enrol(first, pid, first_auth)).json()
    worker, auth = await en.worker(email="more@example.org", name="Maureen Walsh",
                                   occupation="9112.2")
    waiting = (await en.enrol(worker, pid, auth)).json()
    await sign_in_by_email(page, pool, "more@example.org")

    await page.goto("/review")
    await page.get_by_role("button", name="Join the waiting list").click()
    await expect(page.get_by_text("You are on the waiting list")).to_be_visible()
    await accessible(page, True)
    await open_slot(api, en.rep)  # offered at once to the one worker waiting
    await page.reload()
    await landed(page, "A time is being kept for you")
    await page.get_by_role("link", name=re.compile("^Accept this time")).click()
    await page.get_by_role("button", name="Book this review").click()
    await landed(page, "Review booked")
    await page.goto("/review")
    await page.get_by_role("link", name="Cancel this review").click()
    await expect(page.get_by_role("heading", name=re.compile("^Cancel your review"))
                 ).to_be_visible()
    await accessible(page, True)
    await page.get_by_role("button", name="Cancel the review").click()
    await accessible(page, True)

    await page.goto("/skills")
    await page.get_by_label("Skill", exact=True).select_option(index=1)
    await page.get_by_role("group", name="How good are you at it?").get_by_role(
        "radio").first.check()
    await page.get_by_role("button", name="Save").click()
    await landed(page, "Your skills")

    await page.goto("/your-data/equality")
    await answer_equality(page)
    await page.get_by_role("link", name="Change your answers").first.click()
    await landed(page, "Equality monitoring")
    await page.goto("/your-data/equality")
    await page.get_by_role("button", name="Delete your answers").click()
    await landed(page, "Are you sure you want to delete your equality answers?")
    await page.get_by_role("button", name="Yes, delete my answers").click()
    await accessible(page, True)

    assert (await en.act(booked, "cancel", first_auth)).status_code == 200  # offered to her
    await page.goto("/enrolments")
    await expect(page.get_by_text("Place offered")).to_be_visible()
    await accessible(page, True)
    await page.goto(f"/enrolments/{waiting['id']}/accept")
    await landed(page, "Accept your place")
    await page.get_by_role("button", name="Accept the place").click()
    await landed(page, "Place booked")

    await page.goto("/branch")  # a rep's page: 403
    await expect(page.get_by_role("heading", level=1)).to_be_visible()
    await accessible(page, True)
    await page.goto(f"/review/{uuid4()}/cancel")  # no such review: 404
    await expect(page.get_by_role("heading", level=1)).to_be_visible()
    await accessible(page, True)
    await page.goto("/account")
    await page.get_by_role("button", name="Sign out").click()
    await landed(page, "You have signed out")
    await page.goto(f"/sign-in/{(await outbox_links(pool, 'more@example.org'))[-1]}")
    await page.get_by_role("button", name="Continue").click()  # used already: 410
    await landed(page, "This link has expired")


@pytest.mark.parametrize("javascript", [True], ids=["javascript"])
async def test_the_rep_pages_no_journey_reaches_are_accessible(api, pool, page: Page,
                                                               reference_data):
    await api.rep(email="slots@example.org", branch="Leeds UNISON")
    await sign_in_by_email(page, pool, "slots@example.org")
    await page.get_by_role("link", name="Review slots").click()
    await page.get_by_role("button", name="Publish the slot").click()  # nothing filled in
    await expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    await expect(page).to_have_title(re.compile("^Error: "))
    await accessible(page, True)
    await page.get_by_label("Day").fill("14")
    await page.get_by_label("Month").fill("5")
    await page.get_by_label("Year").fill("2027")
    await page.get_by_label("Start time").fill("14:30")
    await page.get_by_role("group", name="How").get_by_role("radio").first.check()
    await page.get_by_role("button", name="Publish the slot").click()
    await expect(page.get_by_role("button", name=re.compile("^Cancel"))).to_have_count(1)
    await accessible(page, True)
    await page.get_by_role("button", name=re.compile("^Cancel")).click()
    await expect(page.get_by_text("You have no open slots")).to_be_visible()
    await accessible(page, True)

    await page.goto("/branch")
    await page.get_by_role("button", name="Get your calendar address").click()
    await landed(page, "Your calendar feed")

    await page.goto("/branch/workers/new")
    await page.get_by_role("button", name="Register the worker").click()  # nothing filled in
    await expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    await accessible(page, True)
    await page.get_by_label("Full name").fill("Jo Bloggs")
    await page.get_by_label("Job", exact=True).fill("cleaner")
    await page.get_by_role("button", name="Register the worker").click()
    await expect(page.get_by_role("group", name="Jobs that match")).to_be_visible()
    await accessible(page, True)


async def test_another_workers_pages_are_refused(api, app, pool, page: Page, javascript: bool):
    rep = await api.rep(branch="Leeds UNISON")
    other = await api.worker(email="other@example.org", birth_date="1970-01-01")
    theirs = await book(api, other, await open_slot(api, rep))
    await api.worker(email="me@example.org", birth_date="1970-01-01")
    await sign_in_by_email(page, pool, "me@example.org", javascript)
    answer = await page.goto(f"/review/{theirs['id']}/cancel")
    assert answer.status in (403, 404)
    await expect(page.get_by_text("Cancel your review")).to_have_count(0)
    answer = await page.goto("/branch")
    assert answer.status == 403
    await page.goto("/account")  # a page with a form (sign out): its valid token
    token = await page.locator("input[name=_csrf_token]").first.get_attribute("value")
    posted = await page.request.post(f"/review/{theirs['id']}/cancel",
                                     form={"_csrf_token": token, "reason": "not mine"})
    assert posted.status in (403, 404)
    async with pool.acquire() as conn:
        assert await conn.fetchval("SELECT status FROM reviews") == "booked"


async def test_a_form_posted_without_its_token_does_nothing(api, pool, page: Page,
                                                            javascript: bool):
    rep = await api.rep(branch="Leeds UNISON")
    slot = await open_slot(api, rep)
    await api.worker(email="csrf@example.org", birth_date="1970-01-01")
    await sign_in_by_email(page, pool, "csrf@example.org", javascript)
    await page.goto(f"/review/book/{slot['id']}")
    await page.locator("input[name=_csrf_token]").first.wait_for(state="attached")
    for form in ({}, {"_csrf_token": "not-the-token"}):
        answer = await page.request.post(f"/review/book/{slot['id']}", form=form)
        assert answer.status == 403, form
    async with pool.acquire() as conn:
        assert await conn.fetchval("SELECT count(*) FROM reviews") == 0
    await page.get_by_role("button", name="Book this review").click()  # with it: booked
    await expect(page.get_by_role("heading", name="Review booked")).to_be_visible()


async def test_a_used_or_expired_link_does_not_sign_in(api, pool, page: Page, javascript: bool):
    await api.worker(email="links@example.org")
    await sign_in_by_email(page, pool, "links@example.org", javascript)
    await expect(page.get_by_role("heading", name="Your learning account")).to_be_visible()
    used = (await outbox_links(pool, "links@example.org"))[-1]
    await page.context.clear_cookies()
    await page.goto(f"/sign-in/{used}")
    async with page.expect_response(re.compile("/sign-in/")) as answer:
        await page.get_by_role("button", name="Continue").click()
    assert (await answer.value).status == 410
    await expect(page.get_by_role("heading", name="This link has expired")).to_be_visible()
    await page.goto("/sign-in")
    await page.get_by_label("Email address").fill("links@example.org")
    await page.get_by_role("button", name="Send me a link").click()
    await expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    async with pool.acquire() as conn:
        await conn.execute("UPDATE web_sign_in_links SET created_at = now() - interval "
                           "'20 min', expires_at = now() - interval '5 min' WHERE used_at IS NULL")
    await page.goto(f"/sign-in/{(await outbox_links(pool, 'links@example.org'))[-1]}")
    await page.get_by_role("button", name="Continue").click()
    await expect(page.get_by_role("heading", name="This link has expired")).to_be_visible()
    assert not [c for c in await page.context.cookies() if c["name"] == "ladder_session"]
    answer = await page.goto("/account")
    assert re.search(r"/sign-in\?next=", page.url) and answer.status == 200


async def test_the_session_cookie_carries_its_flags(api, pool, page: Page, javascript: bool):
    await api.worker(email="cookie@example.org")
    await sign_in_by_email(page, pool, "cookie@example.org", javascript)
    await expect(page.get_by_role("heading", name="Your learning account")).to_be_visible()
    [session] = [c for c in await page.context.cookies() if c["name"] == "ladder_session"]
    assert session["httpOnly"] is True and session["sameSite"] == "Lax"
    assert session["path"] == "/" and session["domain"] == "localhost"
    assert session["secure"] is False  # plain http on localhost; Secure elsewhere (HTTP tests)
    assert session["expires"] > 0  # ends with its 12 hours, not only with the browser
    if javascript:  # HttpOnly: the page's scripts cannot read it
        assert "ladder_session" not in await page.evaluate("document.cookie")
