"""A college's enrolments over HTTP: its own list (name, email only under consent, course,
status), confirming a start and a completion after a check, the enrolments service's refusals
shown in the error summary, forms refused without their token, and another college's
enrolments neither listed nor confirmable."""

import pytest

from tests.integration.enrolments.helpers import Enrolments
from tests.integration.web.conftest import post_form, sign_in_as


@pytest.fixture
async def en(api) -> Enrolments:
    return await Enrolments(api).setup()


async def booked(en: Enrolments, email="pat@example.org", name="Pat Example") -> dict:
    pid = await en.offer()
    worker, auth = await en.worker(email=email, name=name)
    enrolment = (await en.enrol(worker, pid, auth)).json()
    assert enrolment["status"] == "booked"
    return enrolment | {"presentation_id": pid}


async def status_of(en: Enrolments, enrolment: dict) -> str:
    async with en.pool.acquire() as conn:
        return await conn.fetchval("SELECT status FROM enrolments WHERE id = $1::uuid",
                                   enrolment["id"])


async def test_a_college_confirms_a_start_then_a_completion(en, app, browser, pool):
    enrolment = await booked(en)
    await en.move_start(enrolment["presentation_id"], 0)
    await sign_in_as(browser, pool, app, "college", en.provider["id"], "Leeds City College")
    listed = await browser.get("/college/enrolments")
    assert listed.status_code == 200 and "Enrolments to confirm" in listed.text
    assert "Pat Example" in listed.text and "pat@example.org" in listed.text
    assert "Spreadsheets for work" in listed.text and "Booked" in listed.text
    start = f"/college/enrolments/{enrolment['id']}/start"
    assert start in listed.text
    check = await browser.get(start)
    assert check.status_code == 200 and "Confirm that Pat Example has started" in check.text
    done = await post_form(browser, start, follow_redirects=True)
    assert done.status_code == 200 and "confirmed as started" in done.text
    assert await status_of(en, enrolment) == "started"
    complete = f"/college/enrolments/{enrolment['id']}/complete"
    assert complete in done.text
    finished = await post_form(browser, complete, follow_redirects=True)
    assert finished.status_code == 200 and "confirmed as completed" in finished.text
    assert await status_of(en, enrolment) == "completed"
    only = await browser.get("/college/enrolments?status=completed")
    assert "Pat Example" in only.text
    assert "Pat Example" not in (await browser.get("/college/enrolments?status=booked")).text


async def test_a_start_before_the_course_starts_is_shown_as_the_problem(en, app, browser,
                                                                        pool):
    enrolment = await booked(en)  # starts in 30 days
    await sign_in_as(browser, pool, app, "college", en.provider["id"])
    page = await post_form(browser, f"/college/enrolments/{enrolment['id']}/start")
    assert page.status_code == 409 and "There is a problem" in page.text
    assert "<title>Error: Confirm the start – Ladder</title>" in page.text
    assert 'href="#confirm"' in page.text and "confirm the start on or after" in page.text
    assert await status_of(en, enrolment) == "booked"
    early = await post_form(browser, f"/college/enrolments/{enrolment['id']}/complete")
    assert early.status_code == 409 and "only a started enrolment can be completed" in early.text


async def test_a_confirmation_without_its_token_is_refused(en, app, browser, pool):
    enrolment = await booked(en)
    await en.move_start(enrolment["presentation_id"], 0)
    await sign_in_as(browser, pool, app, "college", en.provider["id"])
    await browser.get("/college/enrolments")
    refused = await browser.post(f"/college/enrolments/{enrolment['id']}/start")
    assert refused.status_code == 403
    assert await status_of(en, enrolment) == "booked"


async def test_another_colleges_enrolments_are_not_shown_nor_confirmed(en, app, browser, pool):
    enrolment = await booked(en)
    await en.move_start(enrolment["presentation_id"], 0)
    other = await en.api.provider(name="Another College")
    await sign_in_as(browser, pool, app, "college", other["id"], "Another College")
    listed = await browser.get("/college/enrolments")
    assert listed.status_code == 200 and "Pat Example" not in listed.text
    start = f"/college/enrolments/{enrolment['id']}/start"
    assert (await browser.get(start)).status_code == 404
    refused = await post_form(browser, start, page="/college/enrolments")
    assert refused.status_code == 403 and "You cannot see this page" in refused.text
    assert await status_of(en, enrolment) == "booked"
    assert (await browser.get(f"/college/enrolments/{enrolment['id']}/pay")).status_code == 404


async def test_a_worker_cannot_open_the_college_pages(en, app, browser, pool):
    await booked(en)
    async with pool.acquire() as conn:
        worker_id = await conn.fetchval("SELECT worker_id FROM enrolments")
    await sign_in_as(browser, pool, app, "worker", worker_id)
    assert (await browser.get("/college/enrolments")).status_code == 403
