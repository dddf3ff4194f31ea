"""A worker's options over HTTP: the pathways with their courses, costs and why, the digital
focus as a plain GET form, and choosing a pathway after checking it (the retraining top-up
once, refusals in the error summary with nothing recorded, no choice without the form token).
On the matching tests' small hand-made reference set, where the answers are known."""

import uuid

import asyncpg
import pytest

from tests.integration.accounts.helpers import contribute
from tests.integration.matching.helpers import (
    Catalogue,
    course,
    install,
    occupation_id,
    uninstall,
    worker,
)
from tests.integration.web.conftest import new_browser, post_form, sign_in


@pytest.fixture
async def hand_made(pool: asyncpg.Pool):
    async with pool.acquire() as conn:
        await install(conn)
    yield
    async with pool.acquire() as conn:
        await uninstall(conn)


async def counts(pool: asyncpg.Pool) -> tuple[int, int]:
    """Pathway choices recorded and retraining top-ups granted."""
    async with pool.acquire() as conn:
        return (await conn.fetchval("SELECT count(*) FROM pathway_choices"),
                await conn.fetchval("SELECT count(*) FROM ledger_entries "
                                    "WHERE kind = 'retraining_topup'"))


async def signed_in_worker(api, browser, pool, email: str, credit: int = 50_000, **fields):
    found = await worker(api, email=email, **fields)
    if credit:
        await contribute(api, found, credit)
    await sign_in(browser, pool, email)
    return found


async def test_the_options_page_shows_each_pathway_with_courses_in_order(api, browser, pool,
                                                                        hand_made):
    ids = await Catalogue(api).sync(course("SHEETS", ["g1"], level="2"),
                                    course("PAY", ["g2"], level="3"), course("DATA", ["g3"]))
    await signed_in_worker(api, browser, pool, "opt@example.org")
    page = await browser.get("/options")
    assert page.status_code == 200 and "<title>Your options – Ladder</title>" in page.text
    assert "your job is at high risk of being automated" in page.text
    html = page.text
    assert "Test payroll analyst" in html and "Test data steward" in html
    close = html.index('id="pathway-' + str(occupation_id("close")))
    far = html.index('id="pathway-' + str(occupation_id("far")))
    assert close < far  # the closer, safer job first
    close_part = html[close:far]
    # introductory before advanced, each with its presentation, cost and an enrol link
    assert close_part.index("Course SHEETS") < close_part.index("Course PAY")
    assert f"/options/enrol/{ids['SHEETS']}/" in close_part
    assert "Evening, in a classroom, at LS1 3HE" in close_part and "£100.00" in close_part
    assert "12 places left" in close_part and "£200.00" in close_part  # the total
    assert "80 out of 100" in close_part and "2.5 points lower" in close_part
    assert "use spreadsheets software (digital)" in close_part
    assert f'href="/options/pathway/{occupation_id("close")}"' in close_part
    assert '<a class="govuk-link" href="/enrolments">' in html  # and in the menu
    assert len(page.content) < 100_000


async def test_an_unaffordable_pathway_is_marked_and_uncovered_gaps_said(api, browser, pool,
                                                                        hand_made):
    await Catalogue(api).sync(course("SHEETS", ["g1"]))
    await signed_in_worker(api, browser, pool, "poor@example.org", credit=5_000)
    html = (await browser.get("/options")).text
    close = html[html.index('id="pathway-' + str(occupation_id("close"))):]
    assert "No, not all of it" in close and "More than you have" in close
    assert "No course we know of teaches: advise on pay" in close


async def test_the_digital_focus_is_a_plain_get_form(api, browser, pool, hand_made):
    await Catalogue(api).sync(course("PAY", ["g2"]), course("SHEETS", ["g1"], level="3"))
    await signed_in_worker(api, browser, pool, "dig@example.org")
    usual = (await browser.get("/options")).text
    assert '<form method="get" action="/options"' in usual
    assert 'name="focus" type="checkbox" value="digital"' in usual
    assert usual.index("Course PAY") < usual.index("Course SHEETS")  # by level
    focused = await browser.get("/options", params={"focus": "digital"})
    assert focused.status_code == 200
    assert 'value="digital" checked' in focused.text
    assert focused.text.index("Course SHEETS") < focused.text.index("Course PAY")
    assert f'/options/pathway/{occupation_id("close")}?focus=digital' in focused.text
    assert (await browser.get("/options", params={"focus": "nonsense"})).status_code == 200


async def test_choosing_a_pathway_after_checking_it_grants_the_top_up_once(api, browser, pool,
                                                                         hand_made):
    await Catalogue(api).sync(course("SHEETS", ["g1", "g2"]))
    await signed_in_worker(api, browser, pool, "choose@example.org")
    close = occupation_id("close")
    check = await browser.get(f"/options/pathway/{close}")
    assert check.status_code == 200 and "<title>Check your choice – Ladder</title>" in check.text
    assert "Test payroll analyst" in check.text and "Course SHEETS" in check.text
    assert "£1,500.00, once, for this pathway&#39;s courses" in check.text
    assert await counts(pool) == (0, 0)  # checking records nothing
    chosen = await post_form(browser, f"/options/pathway/{close}")
    assert chosen.status_code == 200 and "govuk-panel" in chosen.text
    assert "Pathway chosen" in chosen.text and "£1,500.00" in chosen.text
    assert await counts(pool) == (1, 1)
    again = await browser.get(f"/options/pathway/{close}")
    assert "you had the one-off top-up before" in again.text
    second = await post_form(browser, f"/options/pathway/{occupation_id('far')}")
    assert second.status_code == 200 and "granted before" in second.text
    assert await counts(pool) == (2, 1)


async def test_a_worker_not_at_risk_is_told_there_is_no_top_up(api, browser, pool, hand_made):
    await signed_in_worker(api, browser, pool, "safe@example.org", occupation="9999.3")
    async with pool.acquire() as conn:  # a safe occupation with a transition of its own
        await conn.execute("INSERT INTO occupation_transitions VALUES ($1, $2, 0.5, 1, 1)",
                           occupation_id("far"), occupation_id("close"))
    check = await browser.get(f"/options/pathway/{occupation_id('close')}")
    assert "None: it is for workers facing redundancy" in check.text


async def test_a_choice_that_is_not_a_transition_is_shown_in_the_error_summary(
        api, browser, pool, hand_made):
    await signed_in_worker(api, browser, pool, "bad@example.org")
    risky = occupation_id("risky")  # riskier than the worker's job: never a transition
    check = await browser.get(f"/options/pathway/{risky}")
    assert check.status_code == 200  # shown by name; the choice says whether it may be
    refused = await post_form(browser, f"/options/pathway/{risky}")
    assert refused.status_code == 422
    assert "<title>Error: Check your choice – Ladder</title>" in refused.text
    assert "There is a problem" in refused.text and 'href="#confirm"' in refused.text
    assert "Not one of the worker&#39;s transitions" in refused.text
    assert await counts(pool) == (0, 0)
    unknown = await browser.get(f"/options/pathway/{uuid.uuid4()}")
    assert unknown.status_code == 404 and "Page not found" in unknown.text


async def test_a_choice_without_the_form_token_is_refused(api, browser, pool, hand_made):
    await signed_in_worker(api, browser, pool, "csrf@example.org")
    refused = await browser.post(f"/options/pathway/{occupation_id('close')}")
    assert refused.status_code == 403
    assert await counts(pool) == (0, 0)


async def test_a_worker_with_no_occupation_is_told_what_to_add(api, browser, pool, hand_made):
    await signed_in_worker(api, browser, pool, "none@example.org", occupation=None)
    page = await browser.get("/options")
    assert page.status_code == 200 and "No occupation is recorded" in page.text
    refused = await post_form(browser, f"/options/pathway/{occupation_id('close')}",
                              page="/options")
    assert refused.status_code == 422 and "There is a problem" in refused.text
    assert await counts(pool) == (0, 0)


async def test_the_options_pages_are_a_workers_own(api, app, browser, pool, hand_made):
    await api.rep(email="rep-opt@example.org")
    await sign_in(browser, pool, "rep-opt@example.org")
    assert (await browser.get("/options")).status_code == 403
    assert (await browser.get(f"/options/pathway/{occupation_id('close')}")).status_code == 403
    async with await new_browser(app) as anonymous:
        for path in ("/options", f"/options/pathway/{occupation_id('close')}", "/enrolments"):
            page = await anonymous.get(path)
            assert page.status_code == 303 and page.headers["location"].startswith("/sign-in")
