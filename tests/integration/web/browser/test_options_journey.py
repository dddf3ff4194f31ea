"""The demo's at-risk worker in a real browser, with JavaScript on and off: Dev Patel signs in
with the link from the outbox, opens her options, chooses the librarian pathway after checking
it (the retraining top-up), enrols on its first course with consent (refused until ticked), sees
it in her enrolments and cancels it after checking what happens to the money. With JavaScript
on, axe-core checks every page visited (no serious or critical violation)."""

import re

import pytest
from playwright.async_api import Page, expect

from service.demo import load_demo
from tests.integration.web.browser.conftest import screenshot
from tests.integration.web.browser.test_journeys import accessible, sign_in_by_email

pytestmark = pytest.mark.slow
DEV = "dev.patel@example.org"


async def test_dev_chooses_a_pathway_and_enrols_with_consent(
        api, pool, settings, reference_data, page: Page, javascript: bool, tmp_path):
    async with pool.acquire() as conn:
        await load_demo(conn, settings, progress=lambda _: None)
    await sign_in_by_email(page, pool, DEV, javascript)
    await expect(page.get_by_role("heading", name="Your learning account")).to_be_visible()

    await page.get_by_role("link", name="Your options").click()
    await expect(page.get_by_role("heading", name="Your options")).to_be_visible()
    await expect(page.get_by_text("your job is at risk of redundancy")).to_be_visible()
    librarian = page.locator("div.ladder-pathway", has=page.get_by_role(
        "heading", name="Librarian", exact=True))
    await expect(librarian.get_by_role("table")).to_contain_text("Poppleton Community College")
    await accessible(page, javascript)
    if javascript:
        await screenshot(page, tmp_path, "options.png", height=1600)
    await page.get_by_label("Close my digital skills gaps first").check()
    await page.get_by_role("button", name="Update my options").click()
    await expect(page).to_have_url(re.compile(r"focus=digital"))
    await expect(page.get_by_label("Close my digital skills gaps first")).to_be_checked()

    await librarian.get_by_role("link", name="Choose this pathway").click()
    await expect(page.get_by_role("heading", name="Check your choice")).to_be_visible()
    await expect(page.get_by_text("£1,500.00, once")).to_be_visible()
    await accessible(page, javascript)
    if javascript:
        await screenshot(page, tmp_path, "pathway-check.png")
    await page.get_by_role("button", name="Choose this pathway").click()
    await expect(page.get_by_role("heading", name="Pathway chosen")).to_be_visible()
    await accessible(page, javascript)

    await page.get_by_role("link", name="your options", exact=True).click()
    course = librarian.locator("a[href^='/options/enrol/']").first
    await course.click()
    await expect(page.get_by_text("Share my name and email with Poppleton Community College")
                 ).to_be_visible()
    await accessible(page, javascript)
    title = await page.get_by_role("heading", level=1).text_content()
    await page.get_by_role("button", name="Continue").click()  # consent not ticked
    await expect(page.get_by_text("There is a problem")).to_be_visible()
    await expect(page).to_have_title(re.compile(r"^Error: "))
    await accessible(page, javascript)
    await page.get_by_label("Share my name and email with Poppleton Community College").check()
    await page.get_by_role("button", name="Continue").click()
    await expect(page.get_by_role("heading", name="Check your enrolment")).to_be_visible()
    await accessible(page, javascript)
    if javascript:
        await screenshot(page, tmp_path, "enrol-check.png")
    await page.get_by_role("button", name="Confirm and enrol").click()
    await expect(page.get_by_role("heading", name="Place booked")).to_be_visible()
    await accessible(page, javascript)

    await page.get_by_role("link", name="See your enrolments").click()
    await expect(page.get_by_role("heading", name="Your enrolments")).to_be_visible()
    await expect(page.get_by_role("table")).to_contain_text(title.strip())
    await expect(page.get_by_role("table")).to_contain_text("Booked")
    await accessible(page, javascript)
    if javascript:
        await screenshot(page, tmp_path, "enrolments.png")
    await page.get_by_role("link", name="Cancel").first.click()
    await expect(page.get_by_text("is given back to your account")).to_be_visible()
    await accessible(page, javascript)
    await page.get_by_role("button", name="Cancel my place").click()
    await expect(page.get_by_text("is back in your account")).to_be_visible()
    await accessible(page, javascript)
    async with pool.acquire() as conn:
        assert await conn.fetchval("SELECT count(*) FROM pathway_choices") == 1
        assert await conn.fetchval("SELECT status FROM enrolments") == "cancelled"
        assert await conn.fetchval("SELECT status FROM holds") == "released"
