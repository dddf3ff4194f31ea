"""A worker's data-rights pages over HTTP: equality monitoring (give, read, change, delete, with
its error summary), consents (withdrawn after a check, and the college then no longer sees the
email), challenges (raised with a reason, answered by the rep), the access log page by page;
forms refused without their token; nobody else's data; equality answers on no other page."""

import re
import uuid

import pytest

from tests.integration.enrolments.helpers import Enrolments
from tests.integration.web.conftest import new_browser, post_form, sign_in, sign_in_as

ANSWERS = {"sex": "female", "ethnicity": "white_gypsy_or_irish_traveller",
           "disability": "not_disabled_condition_not_limiting", "consent": "yes"}
# The wording the pages use for those answers (equality's ONS lists).
SHOWN = ("Gypsy or Irish Traveller", "has a long-term physical or mental health condition but")


async def answered(api, browser, pool, email="eq@example.org") -> dict:
    worker = await api.worker(email=email, branch="Leeds UNISON")
    await sign_in(browser, pool, email)
    saved = await post_form(browser, "/your-data/equality", ANSWERS)
    assert saved.status_code == 303 and saved.headers["location"] == "/your-data/equality?saved=1"
    return worker


async def test_a_worker_gives_reads_changes_and_deletes_equality_answers(api, browser, pool):
    await api.worker(email="eq@example.org")
    await sign_in(browser, pool, "eq@example.org")
    form = await browser.get("/your-data/equality")
    assert form.status_code == 200 and "What is your ethnic group?" in form.text
    assert "Prefer not to say" in form.text and "I agree that Ladder keeps" in form.text
    saved = await post_form(browser, "/your-data/equality", ANSWERS, follow_redirects=True)
    assert saved.status_code == 200 and "Your answers have been saved" in saved.text
    assert all(text in saved.text for text in SHOWN) and "Female" in saved.text
    change = await browser.get("/your-data/equality/change")
    assert 'value="white_gypsy_or_irish_traveller" selected' in change.text
    again = await post_form(browser, "/your-data/equality", ANSWERS | {
        "sex": "prefer_not_to_say", "ethnicity": "asian", "disability": "prefer_not_to_say"})
    assert again.status_code == 303
    async with pool.acquire() as conn:
        row = await conn.fetchrow("SELECT sex, ethnicity, disability FROM equality_answers")
    assert tuple(row) == ("prefer_not_to_say", "asian", "prefer_not_to_say")
    check = await browser.get("/your-data/equality/delete")
    assert check.status_code == 200 and "Are you sure" in check.text
    deleted = await post_form(browser, "/your-data/equality/delete")
    assert deleted.status_code == 200 and "Your equality answers are deleted" in deleted.text
    async with pool.acquire() as conn:
        assert await conn.fetchval("SELECT count(*) FROM equality_answers") == 0
    assert (await browser.get("/your-data/equality/delete")).status_code == 404
    assert "What is your sex?" in (await browser.get("/your-data/equality")).text


@pytest.mark.parametrize(("change", "fields"), [
    ({"sex": "", "ethnicity": "", "disability": ""}, ["sex", "ethnicity", "disability"]),
    ({"ethnicity": "martian"}, ["ethnicity"]),
    ({"consent": ""}, ["consent"]),
])
async def test_equality_answers_out_of_the_lists_or_without_consent_show_the_errors(
        api, browser, pool, change, fields):
    await api.worker(email="bad@example.org")
    await sign_in(browser, pool, "bad@example.org")
    page = await post_form(browser, "/your-data/equality", ANSWERS | change)
    assert page.status_code == 422 and "There is a problem" in page.text
    assert "<title>Error: Equality monitoring – Ladder</title>" in page.text
    assert re.findall(r'href="#(\w+)"', page.text.split("govuk-error-summary__list")[1]
                      .split("</ul>")[0]) == fields
    async with pool.acquire() as conn:
        assert await conn.fetchval("SELECT count(*) FROM equality_answers") == 0


async def test_the_forms_need_their_token(api, browser, pool):
    await answered(api, browser, pool)
    for path in ("/your-data/equality", "/your-data/equality/delete", "/your-data/challenges"):
        refused = await browser.post(path, data=ANSWERS | {"decision": "priority",
                                                           "reason": "wrong"})
        assert refused.status_code == 403, path
    async with pool.acquire() as conn:
        assert await conn.fetchval("SELECT count(*) FROM equality_answers") == 1
        assert await conn.fetchval("SELECT count(*) FROM challenges") == 0


async def test_equality_answers_are_shown_on_no_other_page(api, app, browser, pool):
    """Every web page a GET reaches, as the worker who answered, their rep and a college: the
    answers appear only on the worker's own equality pages (and in their own export)."""
    worker = await answered(api, browser, pool)
    own = {"/your-data/equality", "/your-data/equality/change", "/your-data/export.json"}
    rep = await api.rep(email="rep-eq@example.org", branch="Leeds UNISON")
    provider = await api.provider()
    fill = {"worker_id": worker["id"], "slot_id": uuid.uuid4(), "review_id": uuid.uuid4(),
            "enrolment_id": uuid.uuid4(), "consent_id": uuid.uuid4(), "action": "start"}
    paths = sorted({route.path for route in app.routes
                    if not route.path.startswith(("/v1", "/static", "/schema"))})
    async with await new_browser(app) as rep_browser, await new_browser(app) as college:
        await sign_in(rep_browser, pool, rep["email"])
        await sign_in_as(college, pool, app, "college", provider["id"])
        walked = 0
        for path in paths:
            url = re.sub(r"\{(\w+)(?::\w+)?\}", lambda m: str(fill.get(m.group(1), "x")), path)
            for who in (browser, rep_browser, college):
                if who is browser and path in own:
                    continue
                page = await who.get(url)
                assert page.status_code < 500, (url, page.text[-500:])
                for text in (*SHOWN, "white_gypsy_or_irish_traveller",
                             "not_disabled_condition_not_limiting"):
                    assert text not in page.text, (url, text)
                walked += 1
    assert walked >= 3 * 20  # the pages were walked, not a handful


async def test_another_role_cannot_open_the_equality_pages(api, app, browser, pool):
    await answered(api, browser, pool)
    rep = await api.rep(email="r2@example.org")
    async with await new_browser(app) as other:
        await sign_in(other, pool, rep["email"])
        assert (await other.get("/your-data/equality")).status_code == 403
        assert (await other.get("/your-data/consents")).status_code == 403


@pytest.fixture
async def en(api) -> Enrolments:
    return await Enrolments(api).setup()


async def test_a_worker_withdraws_a_consent_after_a_check_and_the_college_loses_the_email(
        en, app, browser, pool):
    pid = await en.offer()
    worker, auth = await en.worker(email="pat@example.org", name="Pat Example")
    enrolment = (await en.enrol(worker, pid, auth)).json()
    async with await new_browser(app) as college:
        await sign_in_as(college, pool, app, "college", en.provider["id"])
        assert "pat@example.org" in (await college.get("/college/enrolments")).text

        await sign_in(browser, pool, "pat@example.org")
        listed = await browser.get("/your-data/consents")
        assert listed.status_code == 200 and "Leeds City College" in listed.text
        withdraw = f"/your-data/consents/{enrolment['consent_id']}/withdraw"
        assert withdraw in listed.text
        check = await browser.get(withdraw)
        assert check.status_code == 200 and "Are you sure" in check.text
        assert (await browser.post(withdraw)).status_code == 403  # no form token
        done = await post_form(browser, withdraw, follow_redirects=True)
        assert done.status_code == 200 and "Your consent is withdrawn" in done.text
        assert "Withdrawn" in done.text and withdraw not in done.text

        shown = await college.get("/college/enrolments")
        assert "Pat Example" in shown.text and "pat@example.org" not in shown.text
        assert "Email not shared" in shown.text
        again = await post_form(browser, withdraw, page="/your-data/consents")
        assert again.status_code == 409


async def test_one_worker_cannot_withdraw_anothers_consent(en, app, browser, pool):
    pid = await en.offer()
    theirs, auth = await en.worker(email="them@example.org")
    enrolment = (await en.enrol(theirs, pid, auth)).json()
    await en.worker(email="me@example.org")
    await sign_in(browser, pool, "me@example.org")
    withdraw = f"/your-data/consents/{enrolment['consent_id']}/withdraw"
    assert (await browser.get(withdraw)).status_code == 404
    refused = await post_form(browser, withdraw, page="/your-data/consents")
    assert refused.status_code == 404
    async with pool.acquire() as conn:
        assert await conn.fetchval("SELECT withdrawn_at FROM consents") is None


async def test_a_worker_raises_a_challenge_and_reads_the_answer(api, browser, pool):
    worker = await api.worker(email="ch@example.org", branch="Leeds UNISON")
    rep = await api.rep(branch="Leeds UNISON")
    await sign_in(browser, pool, "ch@example.org")
    page = await browser.get("/your-data/challenges")
    assert page.status_code == 200 and "Your place on a waiting list" in page.text
    raised = await post_form(browser, "/your-data/challenges",
                             {"decision": "priority", "reason": "I work 16 hours, not 37"},
                             follow_redirects=True)
    assert raised.status_code == 200 and "Your challenge has been sent" in raised.text
    assert "I work 16 hours, not 37" in raised.text and "Waiting for an answer" in raised.text
    mine = (await api.client.get("/v1/challenges", headers=await api.rep_token(rep))).json()
    assert [c["worker_id"] for c in mine["items"]] == [worker["id"]]
    answer = await api.client.post(f"/v1/challenges/{mine['items'][0]['id']}/answer",
                                   headers=await api.rep_token(rep),
                                   json={"outcome": "changed", "explanation": "Hours fixed."})
    assert answer.status_code == 200
    again = await browser.get("/your-data/challenges")
    assert "The decision was changed. Hours fixed." in again.text and "Answered" in again.text


@pytest.mark.parametrize(("form", "fields"), [
    ({"decision": "", "reason": ""}, ["decision", "reason"]),
    ({"decision": "salary", "reason": "too low"}, ["decision"]),
    ({"decision": "matches", "reason": "x" * 4001}, ["reason"]),
])
async def test_a_challenge_without_a_decision_or_reason_shows_the_errors(api, browser, pool,
                                                                        form, fields):
    await api.worker(email="chx@example.org")
    await sign_in(browser, pool, "chx@example.org")
    page = await post_form(browser, "/your-data/challenges", form)
    assert page.status_code == 422 and "There is a problem" in page.text
    summary = page.text.split("govuk-error-summary__list")[1].split("</ul>")[0]
    assert re.findall(r'href="#(\w+)"', summary) == fields
    async with pool.acquire() as conn:
        assert await conn.fetchval("SELECT count(*) FROM challenges") == 0


async def test_a_worker_sees_only_their_own_challenges(api, app, browser, pool):
    other = await api.worker(email="o@example.org")
    response = await api.client.post(f"/v1/workers/{other['id']}/challenges",
                                     headers=await api.worker_token(other),
                                     json={"decision": "matches", "reason": "THEIRS-ONLY"})
    assert response.status_code == 201
    await api.worker(email="mine@example.org")
    await sign_in(browser, pool, "mine@example.org")
    page = await browser.get("/your-data/challenges")
    assert page.status_code == 200 and "THEIRS-ONLY" not in page.text


async def test_the_access_log_pages_newest_first(api, browser, pool):
    await api.worker(email="log@example.org")
    await sign_in(browser, pool, "log@example.org")
    for _ in range(25):
        await browser.get("/priority")
    first = await browser.get("/your-data/access-log")
    assert first.status_code == 200 and "Who looked at your data" in first.text
    assert first.text.count('<tr class="govuk-table__row"><td') == 20
    older = re.search(r'href="(/your-data/access-log\?cursor=[^"]+)"', first.text)
    assert older, "no link to older entries"
    second = await browser.get(older.group(1).replace("&amp;", "&"))
    assert second.status_code == 200 and "Older entries" in second.text
    assert 'href="/your-data/access-log"' in second.text  # back to the newest
    bad = await browser.get("/your-data/access-log?cursor=nonsense")
    assert bad.status_code == 422
    hub = await browser.get("/your-data")
    assert 'href="/your-data/access-log"' in hub.text and 'href="/your-data/equality"' in hub.text
    assert 'href="/your-data/export.json"' in hub.text


async def test_the_pages_need_a_worker_session(app):
    async with await new_browser(app) as anonymous:
        for path in ("/your-data/equality", "/your-data/consents", "/your-data/challenges",
                     "/your-data/access-log"):
            page = await anonymous.get(path)
            assert page.status_code == 303 and page.headers["location"].startswith("/sign-in")

