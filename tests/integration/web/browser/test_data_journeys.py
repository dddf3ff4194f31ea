"""A worker's data rights and a college's enrolments in a real browser, with JavaScript on and
off: the worker answers the equality questions, raises a challenge and
withdraws a consent; the college then sees no email and confirms the start. With JavaScript
on, axe-core checks every page (no serious or critical violation)."""

from uuid import UUID

import pytest
from playwright.async_api import Page, expect

from service.web import service as web
from tests.integration.enrolments.helpers import Enrolments
from tests.integration.web.browser.conftest import screenshot
from tests.integration.web.browser.test_journeys import accessible, sign_in_by_email

pytestmark = pytest.mark.slow


async def answer_equality(page: Page) -> None:
    """Answer the equality questions (female, Caribbean, prefer not to say), consent, save."""
    await page.get_by_role("group", name="What is your sex?").get_by_label("Female").check()
    await page.get_by_label("What is your ethnic group?").select_option("black_caribbean")
    await page.get_by_role("group", name="Are you disabled under the Equality Act?"
                           ).get_by_label("Prefer not to say").check()
    await page.get_by_label("I agree that Ladder keeps").check()
    await page.get_by_role("button", name="Save your answers").click()


async def test_a_worker_answers_equality_challenges_and_withdraws_a_consent_then_a_college_confirms(
        api, app, pool, page: Page, javascript: bool, tmp_path):
    en = await Enrolments(api).setup()
    pid = await en.offer()
    worker, auth = await en.worker(email="maureen@example.org", name="Maureen Walsh")
    assert (await en.enrol(worker, pid, auth)).status_code == 201
    await en.move_start(pid, 0)
    await sign_in_by_email(page, pool, "maureen@example.org", javascript)

    await page.get_by_role("link", name="Your data").click()
    await accessible(page, javascript)
    if javascript:
        await screenshot(page, tmp_path, "your-data.png")
    await page.get_by_role("link", name="Equality monitoring").click()
    await expect(page.get_by_role("heading", name="Equality monitoring")).to_be_visible()
    await accessible(page, javascript)
    if javascript:
        await screenshot(page, tmp_path, "equality.png")
    await answer_equality(page)
    await expect(page.get_by_text("Your answers have been saved")).to_be_visible()
    await expect(page.get_by_text("Caribbean", exact=True)).to_be_visible()
    await accessible(page, javascript)

    await page.get_by_role("link", name="Back to your data").click()
    await page.get_by_role("link", name="Challenge a decision").click()
    await accessible(page, javascript)
    await page.get_by_label("Your priority score").check()
    await page.get_by_label("Why do you think it is wrong?").fill("I work 16 hours, not 37.")
    await page.get_by_role("button", name="Send the challenge").click()
    await expect(page.get_by_text("Your challenge has been sent")).to_be_visible()
    await accessible(page, javascript)
    if javascript:
        await screenshot(page, tmp_path, "challenges.png")

    await page.get_by_role("link", name="Back to your data").click()
    await page.get_by_role("link", name="What you agreed to share").click()
    await expect(page.get_by_role("cell", name="Leeds City College", exact=True)).to_be_visible()
    await accessible(page, javascript)
    await page.get_by_role("link", name="Withdraw").click()
    await accessible(page, javascript)
    await page.get_by_role("button", name="Yes, withdraw my consent").click()
    await expect(page.get_by_text("Your consent is withdrawn")).to_be_visible()
    await accessible(page, javascript)
    await page.get_by_role("link", name="Back to your data").click()
    await page.get_by_role("link", name="See every time, page by page").click()
    await expect(page.get_by_role("heading", name="Who looked at your data")).to_be_visible()
    await accessible(page, javascript)
    await page.get_by_role("button", name="Sign out").click()

    async with pool.acquire() as conn:
        secret = await web.create_link(conn, app.state.settings, "college",
                                       UUID(en.provider["id"]), "Leeds City College")
    await page.goto(f"/sign-in/{secret}")
    await page.get_by_role("button", name="Continue").click()
    await page.get_by_role("link", name="Enrolments").click()
    await expect(page.get_by_role("heading", name="Enrolments to confirm")).to_be_visible()
    await expect(page.get_by_text("Email not shared")).to_be_visible()
    await accessible(page, javascript)
    if javascript:
        await screenshot(page, tmp_path, "college-enrolments.png")
    await page.get_by_role("link", name="Confirm started").click()
    await expect(page.get_by_role("heading", name="Confirm that Maureen Walsh has started")
                 ).to_be_visible()
    await accessible(page, javascript)
    await page.get_by_role("button", name="Confirm started").click()
    await expect(page.get_by_text("The enrolment is confirmed as started")).to_be_visible()
    await accessible(page, javascript)
    async with pool.acquire() as conn:
        assert await conn.fetchval("SELECT status FROM enrolments") == "started"
        assert await conn.fetchval("SELECT ethnicity FROM equality_answers") == "black_caribbean"
        assert await conn.fetchval("SELECT count(*) FROM challenges") == 1
        assert await conn.fetchval("SELECT count(*) FROM consents WHERE withdrawn_at IS NULL"
                                   ) == 0


async def test_the_equality_form_with_its_errors_is_accessible(api, pool, browser, server):
    """The error summary and messages (a 422 answer, which the journeys' page would report as
    a console error, so on a page of its own)."""
    await api.worker(email="errors@example.org")
    context = await browser.new_context(base_url=server)
    page = await context.new_page()
    await sign_in_by_email(page, pool, "errors@example.org")
    await page.goto("/your-data/equality")
    await page.get_by_role("button", name="Save your answers").click()
    await expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    await expect(page).to_have_title("Error: Equality monitoring – Ladder")
    await page.get_by_role("link", name="Select your ethnic group, or that you prefer not to "
                           "say").click()
    assert await page.evaluate("document.activeElement.id") == "ethnicity"
    await accessible(page, True)
    await context.close()
