"""Enrolling with consent and the worker's enrolments over HTTP: the presentation's page, the
consent that must be ticked, check your answers, booked or waiting; a shortfall named in
pounds; cancelling (hold released or settled, said before); accepting an offered place; and
nothing left behind by a refusal, a post without its token or another worker's ids."""

import uuid

import asyncpg
import pytest

from tests.integration.enrolments.helpers import COST, Enrolments
from tests.integration.web.conftest import post_form, sign_in


@pytest.fixture
async def en(api) -> Enrolments:
    return await Enrolments(api).setup()


async def course_of(pool: asyncpg.Pool, presentation_id: str) -> str:
    async with pool.acquire() as conn:
        return str(await conn.fetchval("SELECT course_id FROM presentations WHERE id = $1",
                                       uuid.UUID(presentation_id)))


async def left_behind(pool: asyncpg.Pool) -> tuple[int, int, int]:
    """Enrolments, holds and consents recorded."""
    async with pool.acquire() as conn:
        return tuple(await conn.fetchrow("SELECT (SELECT count(*) FROM enrolments), "
                                         "(SELECT count(*) FROM holds), "
                                         "(SELECT count(*) FROM consents)"))


async def signed_in(en: Enrolments, browser, email: str, credit: int = 100_000):
    worker, auth = await en.worker(credit=credit, email=email)
    await sign_in(browser, en.pool, email)
    return worker, auth


async def test_a_worker_enrols_with_consent_after_checking(en: Enrolments, browser, pool):
    pid = await en.offer(min_places=4)
    cid = await course_of(pool, pid)
    worker, _ = await signed_in(en, browser, "enrol@example.org")
    path = f"/options/enrol/{cid}/{pid}"
    page = await browser.get(path)
    assert page.status_code == 200 and "Spreadsheets for work" in page.text
    assert "Share my name and email with Leeds City College" in page.text
    assert "£250.00" in page.text and "£1,000.00 available" in page.text
    assert "Evening, online" in page.text
    check = await post_form(browser, f"{path}/check", {"consent": "yes"}, page=path)
    assert check.status_code == 200 and "Check your enrolment" in check.text
    assert "Your name and email, with Leeds City College" in check.text
    assert await left_behind(pool) == (0, 0, 0)  # checking books nothing
    done = await post_form(browser, path, {"consent": "yes"}, page=path)
    assert done.status_code == 200 and "govuk-panel" in done.text and "Place booked" in done.text
    assert "£250.00" in done.text
    assert await left_behind(pool) == (1, 1, 1)
    account = await en.account(worker)
    assert account["held_pence"] == COST
    mine = await browser.get("/enrolments")
    assert mine.status_code == 200 and "Spreadsheets for work" in mine.text
    assert "Booked" in mine.text and "/cancel" in mine.text


async def test_consent_is_required_and_shown_in_the_error_summary(en: Enrolments, browser,
                                                                  pool):
    pid = await en.offer()
    cid = await course_of(pool, pid)
    await signed_in(en, browser, "noconsent@example.org")
    path = f"/options/enrol/{cid}/{pid}"
    for target in (f"{path}/check", path):  # the check step, and a post that skips it
        refused = await post_form(browser, target, {}, page=path)
        assert refused.status_code == 422, target
        assert "<title>Error: Enrol on a course – Ladder</title>" in refused.text
        assert "There is a problem" in refused.text and 'href="#consent"' in refused.text
        assert "share your name and email with Leeds City College" in refused.text
    assert await left_behind(pool) == (0, 0, 0)


async def test_too_little_credit_names_the_shortfall_and_leaves_nothing(en: Enrolments,
                                                                        browser, pool):
    pid = await en.offer()
    cid = await course_of(pool, pid)
    await signed_in(en, browser, "short@example.org", credit=10_000)
    path = f"/options/enrol/{cid}/{pid}"
    refused = await post_form(browser, path, {"consent": "yes"}, page=path)
    assert refused.status_code == 422
    assert "<title>Error: Check your enrolment – Ladder</title>" in refused.text
    assert "There is a problem" in refused.text
    assert "costs £250.00" in refused.text and "£150.00 short" in refused.text
    assert await left_behind(pool) == (0, 0, 0)  # no hold, no enrolment, no consent


async def test_a_second_enrolment_on_the_same_presentation_is_refused(en: Enrolments, browser,
                                                                      pool):
    pid = await en.offer()
    cid = await course_of(pool, pid)
    await signed_in(en, browser, "twice@example.org")
    path = f"/options/enrol/{cid}/{pid}"
    assert (await post_form(browser, path, {"consent": "yes"}, page=path)).status_code == 200
    again = await post_form(browser, path, {"consent": "yes"}, page=path)
    assert again.status_code == 409 and "There is a problem" in again.text
    assert "already enrolled" in again.text
    assert await left_behind(pool) == (1, 1, 1)


async def test_a_full_presentation_puts_the_worker_on_the_waiting_list(en: Enrolments, browser,
                                                                       pool):
    pid = await en.offer(places=1)
    cid = await course_of(pool, pid)
    first, first_auth = await en.worker()
    assert (await en.enrol(first, pid, first_auth)).status_code == 201
    await signed_in(en, browser, "wait@example.org")
    path = f"/options/enrol/{cid}/{pid}"
    done = await post_form(browser, path, {"consent": "yes"}, page=path)
    assert done.status_code == 200 and "You are on the waiting list" in done.text
    assert "You are number 1 in line" in done.text
    assert await left_behind(pool) == (2, 1, 2)  # waiting holds nothing
    mine = (await browser.get("/enrolments")).text
    assert "On the waiting list" in mine and "Number 1 in line" in mine
    assert "Leave the waiting list" in mine


async def test_an_unknown_presentation_is_not_found(en: Enrolments, browser, pool):
    pid = await en.offer()
    cid = await course_of(pool, pid)
    await signed_in(en, browser, "unknown@example.org")
    assert (await browser.get(f"/options/enrol/{cid}/{uuid.uuid4()}")).status_code == 404
    assert (await browser.get(f"/options/enrol/{uuid.uuid4()}/{pid}")).status_code == 404


async def test_cancelling_says_first_whether_the_hold_is_released(en: Enrolments, browser,
                                                                  pool):
    pid = await en.offer()
    worker, auth = await signed_in(en, browser, "cancel@example.org")
    enrolment = (await en.enrol(worker, pid, auth)).json()
    path = f"/enrolments/{enrolment['id']}/cancel"
    check = await browser.get(path)
    assert check.status_code == 200 and "Cancel your place" in check.text
    assert "is given back to your account" in check.text
    done = await post_form(browser, path, follow_redirects=True)
    assert done.status_code == 200 and "govuk-notification-banner" in done.text
    assert "The £250.00 held is back in your account" in done.text
    assert await en.holds("released") == 1
    assert (await en.account(worker))["available_pence"] == 100_000


async def test_cancelling_late_says_the_hold_is_paid_to_the_college(en: Enrolments, browser,
                                                                    pool):
    pid = await en.offer()
    worker, auth = await signed_in(en, browser, "late@example.org")
    enrolment = (await en.enrol(worker, pid, auth)).json()
    await en.move_start(pid, 3)
    path = f"/enrolments/{enrolment['id']}/cancel"
    assert "is paid to the college: the course starts in less than 7 days" in (
        await browser.get(path)).text
    done = await post_form(browser, path, follow_redirects=True)
    assert "is paid to the college" in done.text
    assert await en.holds("settled") == 1
    again = await post_form(browser, path, page="/enrolments")  # already cancelled
    assert again.status_code == 409 and "There is a problem" in again.text


async def test_a_worker_accepts_an_offered_place(en: Enrolments, browser, pool):
    pid = await en.offer(places=1)
    first, first_auth = await en.worker()
    booked = (await en.enrol(first, pid, first_auth)).json()
    worker, auth = await signed_in(en, browser, "offer@example.org")
    waiting = (await en.enrol(worker, pid, auth)).json()
    assert (await en.act(booked, "cancel", first_auth)).status_code == 200  # offered to her
    mine = (await browser.get("/enrolments")).text
    assert "Place offered" in mine and f"/enrolments/{waiting['id']}/accept" in mine
    path = f"/enrolments/{waiting['id']}/accept"
    check = await browser.get(path)
    assert check.status_code == 200 and "Accept your place" in check.text
    assert "£250.00 until the course starts" in check.text
    done = await post_form(browser, path)
    assert done.status_code == 200 and "Place booked" in done.text
    assert (await en.account(worker))["held_pence"] == COST


async def test_accepting_with_too_little_credit_names_the_shortfall(en: Enrolments, browser,
                                                                    pool):
    pid = await en.offer(places=1)
    first, first_auth = await en.worker()
    booked = (await en.enrol(first, pid, first_auth)).json()
    worker, auth = await signed_in(en, browser, "offerpoor@example.org", credit=0)
    waiting = (await en.enrol(worker, pid, auth)).json()
    await en.act(booked, "cancel", first_auth)
    refused = await post_form(browser, f"/enrolments/{waiting['id']}/accept")
    assert refused.status_code == 422 and "£250.00 short" in refused.text
    assert "<title>Error: Accept your place – Ladder</title>" in refused.text
    async with pool.acquire() as conn:
        assert await conn.fetchval("SELECT status FROM enrolments WHERE id = $1",
                                   uuid.UUID(waiting["id"])) == "offered"
    assert await en.holds("open") == 0


async def test_another_workers_enrolment_cannot_be_seen_or_touched(en: Enrolments, browser,
                                                                   pool):
    pid = await en.offer()
    other, other_auth = await en.worker()
    theirs = (await en.enrol(other, pid, other_auth)).json()
    await signed_in(en, browser, "nosy@example.org")
    for action in ("cancel", "accept"):
        path = f"/enrolments/{theirs['id']}/{action}"
        page = await browser.get(path)
        assert page.status_code == 403 and "You cannot see this page" in page.text
        refused = await post_form(browser, path, page="/enrolments")
        assert refused.status_code == 403
    assert "Spreadsheets for work" not in (await browser.get("/enrolments")).text
    assert (await browser.get(f"/enrolments/{uuid.uuid4()}/cancel")).status_code == 404
    async with pool.acquire() as conn:
        assert await conn.fetchval("SELECT status FROM enrolments") == "booked"


async def test_enrolment_forms_without_the_token_are_refused(en: Enrolments, browser, pool):
    pid = await en.offer()
    cid = await course_of(pool, pid)
    worker, auth = await signed_in(en, browser, "csrf-en@example.org")
    refused = await browser.post(f"/options/enrol/{cid}/{pid}", data={"consent": "yes"})
    assert refused.status_code == 403
    assert await left_behind(pool) == (0, 0, 0)
    enrolment = (await en.enrol(worker, pid, auth)).json()
    for action in ("cancel", "accept"):
        refused = await browser.post(f"/enrolments/{enrolment['id']}/{action}")
        assert refused.status_code == 403
    assert await en.holds("open") == 1


async def test_a_presentation_that_has_started_is_refused_on_the_check_page(
        en: Enrolments, browser, pool):
    pid = await en.offer()
    cid = await course_of(pool, pid)
    await signed_in(en, browser, "started@example.org")
    await en.move_start(pid, 0)
    path = f"/options/enrol/{cid}/{pid}"
    refused = await post_form(browser, path, {"consent": "yes"}, page=path)
    assert refused.status_code == 409 and "choose one still to come" in refused.text
    assert await left_behind(pool) == (0, 0, 0)
