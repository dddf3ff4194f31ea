"""End-to-end journeys in a real browser, with JavaScript on and off: a worker signs in with the
link from the outbox, reads her account, downloads the statement and books a review; a rep
registers a worker and records an outcome; a college uploads a catalogue with a bad record and
sees why. With JavaScript on, axe-core checks every page visited (no serious or critical
violation); one journey is done with the keyboard alone; the account page at 320 pixels wide
does not scroll sideways."""

import json

import pytest
from playwright.async_api import Page, expect

from tests.integration.courses.conftest import course, presentation
from tests.integration.reviews.helpers import shift_into_past
from tests.integration.web.browser.conftest import screenshot
from tests.integration.web.conftest import book, open_slot, outbox_links, worker_with_money

pytestmark = pytest.mark.slow
SERIOUS = {"serious", "critical"}


async def accessible(page: Page, javascript: bool) -> None:
    """axe-core on the page as it is (run only with JavaScript on: axe is a script); and the
    page's own scripts ran under its Content-Security-Policy (GOV.UK Frontend's inline script,
    allowed by its nonce, marks the body)."""
    if not javascript:
        return
    classes = await page.evaluate("document.body.className")
    assert "js-enabled" in classes and "govuk-frontend-supported" in classes, page.url
    from axe_playwright_python.async_playwright import Axe

    results = await Axe().run(page)
    bad = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
           for v in results.response["violations"] if v["impact"] in SERIOUS]
    assert not bad, f"{page.url}: {bad}"


async def sign_in_by_email(page: Page, pool, email: str, javascript: bool = True) -> None:
    await page.goto("/sign-in")
    await accessible(page, javascript)
    await page.get_by_label("Email address").fill(email)
    await page.get_by_role("button", name="Send me a link").click()
    await expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    await accessible(page, javascript)
    secret = (await outbox_links(pool, email))[-1]
    await page.goto(f"/sign-in/{secret}")
    await accessible(page, javascript)
    await page.get_by_role("button", name="Continue").click()


async def test_a_worker_reads_her_account_downloads_the_statement_and_books_a_review(
        api, pool, page: Page, javascript: bool, tmp_path):
    await worker_with_money(api, "maureen@example.org", birth_date="1968-03-14",
                            contract_type="zero_hours", weekly_hours=16,
                            highest_qualification="1")
    rep = await api.rep(branch="Leeds UNISON")
    await open_slot(api, rep)
    await sign_in_by_email(page, pool, "maureen@example.org", javascript)

    await expect(page.get_by_role("heading", name="Your learning account")).to_be_visible()
    await expect(page.get_by_text("£250.00").first).to_be_visible()
    await accessible(page, javascript)
    if javascript:
        await screenshot(page, tmp_path, "account.png")
    async with page.expect_download() as download_info:
        await page.get_by_role("link", name="Download your statement (CSV)").click()
    download = await download_info.value
    statement = (await download.path()).read_text()
    assert statement.startswith("date,") and "250.00" in statement

    await page.get_by_role("link", name="Your priority").click()
    await expect(page.get_by_text("Your priority score is")).to_be_visible()
    await accessible(page, javascript)
    await page.get_by_role("link", name="Your skills").click()
    await expect(page.get_by_role("heading", name="Your skills")).to_be_visible()
    await accessible(page, javascript)
    await page.get_by_role("link", name="Your options").click()
    await expect(page.get_by_role("heading", name="Your options")).to_be_visible()
    await accessible(page, javascript)
    await page.get_by_role("link", name="Your data").click()
    await expect(page.get_by_role("heading", name="Who looked at your data")).to_be_visible()
    await accessible(page, javascript)

    await page.get_by_role("link", name="Your review").click()
    await accessible(page, javascript)
    await page.locator("a[href^='/review/book/']").first.click()
    await expect(page.get_by_role("heading", name="Check your booking")).to_be_visible()
    await accessible(page, javascript)
    if javascript:
        await screenshot(page, tmp_path, "review-check.png")
    await page.get_by_role("button", name="Book this review").click()
    await expect(page.get_by_role("heading", name="Review booked")).to_be_visible()
    await accessible(page, javascript)
    async with pool.acquire() as conn:
        assert await conn.fetchval("SELECT status FROM reviews") == "booked"


async def test_a_rep_registers_a_worker_and_records_an_outcome(api, pool, page: Page,
                                                               javascript: bool, tmp_path):
    rep = await api.rep(email="amira@example.org", name="Amira Khan", branch="Leeds UNISON")
    worker = await api.worker(birth_date="1970-01-01", name="Dev Patel")
    slot = await open_slot(api, rep)
    await book(api, worker, slot)
    await shift_into_past(pool, slot["id"])

    await sign_in_by_email(page, pool, "amira@example.org", javascript)
    await expect(page.get_by_role("heading", name="Leeds UNISON")).to_be_visible()
    await accessible(page, javascript)
    if javascript:
        await screenshot(page, tmp_path, "branch.png")

    await page.get_by_role("link", name="Register a worker").first.click()
    await accessible(page, javascript)
    await page.get_by_label("Full name").fill("Jo Bloggs")
    await page.get_by_label("Staff number").fill("LCC-7788")
    await page.get_by_label("Day").fill("9")
    await page.get_by_label("Month").fill("11")
    await page.get_by_label("Year").fill("1969")
    await page.get_by_label("Employer").fill("Leeds City Council")
    await page.get_by_label("Where they work").select_option("E12000003")
    await page.get_by_label("Contract").select_option("agency")
    await page.get_by_label("Hours a week").fill("24.5")
    await page.get_by_label("Highest qualification").select_option("2")
    await page.get_by_role("button", name="Register the worker").click()
    await expect(page.get_by_role("heading", name="Worker registered")).to_be_visible()
    await accessible(page, javascript)

    await page.get_by_role("link", name="Review slots").click()
    await expect(page.get_by_role("heading", name="Review slots")).to_be_visible()
    await accessible(page, javascript)
    await page.get_by_role("link", name="Your branch").click()
    await page.get_by_role("link", name="Record the outcome").click()
    await accessible(page, javascript)
    await page.get_by_label("Yes, the review happened").check()
    await page.get_by_label("Action plan").fill("Take the payroll level 3 course in January.")
    await page.get_by_role("button", name="Record the outcome").click()
    await expect(page.get_by_role("heading", name="Outcome recorded")).to_be_visible()
    await accessible(page, javascript)
    async with pool.acquire() as conn:
        assert await conn.fetchval("SELECT status FROM reviews") == "attended"
        assert await conn.fetchval("SELECT count(*) FROM workers WHERE external_ref = "
                                   "'LCC-7788'") == 1


async def test_a_college_uploads_a_catalogue_with_a_bad_record_and_sees_why(
        api, app, pool, page: Page, javascript: bool, tmp_path):
    from uuid import UUID

    from service.web import service as web

    provider = await api.provider(name="Poppleton College")
    async with pool.acquire() as conn:
        secret = await web.create_link(conn, app.state.settings, "college",
                                       UUID(provider["id"]), "Poppleton College")
    await page.goto(f"/sign-in/{secret}")
    await page.get_by_role("button", name="Continue").click()
    await expect(page.get_by_role("heading", name="Poppleton College: your catalogue")
                 ).to_be_visible()
    await accessible(page, javascript)
    file = tmp_path / "catalogue.json"
    file.write_text(json.dumps({"courses": [
        course("WELD-1"), course("BAD-1", presentations=[
            presentation(starts_on="2027-05-01", ends_on="2027-01-01")])]}))
    await page.get_by_role("link", name="Upload a catalogue").first.click()
    await accessible(page, javascript)
    await page.get_by_label("Catalogue file").set_input_files(file)
    await page.get_by_role("button", name="Upload").click()
    await expect(page.get_by_role("heading", name="Catalogue uploaded")).to_be_visible()
    table = page.get_by_role("table", name="Rejected courses and why")
    await expect(table).to_contain_text("BAD-1")
    await accessible(page, javascript)
    if javascript:
        await screenshot(page, tmp_path, "college-upload.png")


async def tab_to(page: Page, locator, presses: int = 80) -> None:
    """Press Tab until `locator` has the focus (the keyboard alone reaches it), or fail."""
    for _ in range(presses):
        await page.keyboard.press("Tab")
        if await locator.evaluate("el => el === document.activeElement"):
            return
    raise AssertionError(f"Tab never reached {locator}")


@pytest.mark.parametrize("javascript", [True], ids=["javascript"])
async def test_a_worker_books_a_review_with_the_keyboard_alone(api, pool, page: Page):
    await api.worker(email="keys@example.org", birth_date="1968-03-14")
    rep = await api.rep(branch="Leeds UNISON")
    await open_slot(api, rep)
    await page.goto("/sign-in")
    await tab_to(page, page.get_by_label("Email address"))
    await page.keyboard.type("keys@example.org")
    await page.keyboard.press("Enter")
    await expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    await page.goto(f"/sign-in/{(await outbox_links(pool, 'keys@example.org'))[-1]}")
    await tab_to(page, page.get_by_role("button", name="Continue"))
    await page.keyboard.press("Enter")
    await expect(page.get_by_role("heading", name="Your learning account")).to_be_visible()
    await tab_to(page, page.get_by_role("link", name="Your review"))
    await page.keyboard.press("Enter")
    await tab_to(page, page.locator("a[href^='/review/book/']").first)
    await page.keyboard.press("Enter")
    await tab_to(page, page.get_by_role("button", name="Book this review"))
    await page.keyboard.press("Enter")
    await expect(page.get_by_role("heading", name="Review booked")).to_be_visible()


async def test_the_skip_link_is_the_first_thing_the_keyboard_reaches(browser, server):
    context = await browser.new_context(base_url=server)
    page = await context.new_page()
    await page.goto("/sign-in")
    await page.keyboard.press("Tab")
    focused = await page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Skip to main content"
    await context.close()


async def test_the_account_page_at_320_pixels_does_not_scroll_sideways(api, pool, browser,
                                                                       server, tmp_path):
    await worker_with_money(api, "narrow@example.org")
    context = await browser.new_context(base_url=server, viewport={"width": 320, "height": 900})
    page = await context.new_page()
    await sign_in_by_email(page, pool, "narrow@example.org")
    await expect(page.get_by_role("heading", name="Your learning account")).to_be_visible()
    width = await page.evaluate("document.documentElement.scrollWidth")
    assert width <= 320, f"the page is {width} px wide at a 320 px viewport"
    await screenshot(page, tmp_path, "account-320.png")
    await context.close()
