"""With the demo, a newcomer can sign in as anyone in it: `ladder serve --demo` prints a link
for every demo worker, rep and college, each of which signs in once at that person's home, and
the sign-in page lists every demo worker's and rep's email (and each college's UKPRN)."""

import html
import queue
import re
import threading
import time

import httpx
import pytest

from service.app import create_app
from service.demo import load_demo
from service.web.commands import demo_links
from service.web.demo import demo_people
from tests.conftest import ROOT, start_ladder
from tests.integration.web.browser.conftest import free_port, wait_for_health
from tests.integration.web.conftest import csrf_of, new_browser, post_form

HOMES = {"worker": "/account", "rep": "/branch", "college": "/college"}


def test_every_demo_person_is_listed_once():
    people = demo_people()
    assert [p.role for p in people] == ["worker"] * 6 + ["rep"] * 2 + ["college"] * 2
    assert len({p.email or p.ukprn for p in people}) == len(people)
    assert all(p.try_ for p in people)


async def test_the_demo_links_sign_in_as_every_demo_person(app, pool, settings, reference_data):
    async with pool.acquire() as conn:
        await load_demo(conn, settings, progress=lambda _: None)
        links = await demo_links(conn, settings)
    assert [(role, name) for role, name, _ in links] == [
        (p.role, p.name) for p in demo_people()]
    for role, name, link in links:
        async with await new_browser(app) as client:
            secret = link.rsplit("/", 1)[1]
            opened = await post_form(client, f"/sign-in/{secret}")
            assert (opened.status_code, opened.headers["location"]) == (303, HOMES[role]), name
            home = await client.get(HOMES[role])
            assert home.status_code == 200, name
            if name == "Dev Patel":  # the at-risk journey starts from her options
                options = await client.get("/options")
                assert options.status_code == 200 and "at risk of redundancy" in options.text
            used = await post_form(client, f"/sign-in/{secret}")
            assert used.status_code == 410, name


async def test_the_demo_has_a_review_to_book_and_an_outcome_to_record(app, pool, settings,
                                                                      reference_data):
    """A newcomer can do the review journeys at once: Maureen books one of the rep's open
    slots, and Amira records the outcome of Joanne's review of a week ago."""
    async with pool.acquire() as conn:
        await load_demo(conn, settings, progress=lambda _: None)
        links = {name: link.rsplit("/", 1)[1]
                 for _, name, link in await demo_links(conn, settings)}
    async with await new_browser(app) as client:
        await post_form(client, f"/sign-in/{links['Maureen Walsh']}")
        slots = re.findall(r'href="(/review/book/[0-9a-f-]+)"', (await client.get("/review")).text)
        assert len(slots) == 6
        booked = await post_form(client, slots[0])
        assert booked.status_code == 200 and "Review booked" in booked.text
    async with await new_browser(app) as client:
        await post_form(client, f"/sign-in/{links['Amira Khan']}")
        branch = (await client.get("/branch")).text
        [outcome] = re.findall(r'href="(/branch/reviews/[0-9a-f-]+/outcome)"', branch)
        recorded = await post_form(client, outcome, {
            "outcome": "attended", "action_plan": "A payroll course in the spring."})
        assert recorded.status_code == 200 and "Outcome recorded" in recorded.text
    async with pool.acquire() as conn:
        assert sorted(await conn.fetch("SELECT status FROM reviews")) == [
            ("attended",), ("booked",)]
        await load_demo(conn, settings, progress=lambda _: None)  # again: nothing added
        assert await conn.fetchval("SELECT count(*) FROM review_slots") == 7


async def test_the_example_catalogue_has_a_bad_course_the_demo_college_is_told_about(
        app, pool, settings, reference_data):
    """docs/examples/catalogue-with-a-bad-course.json, uploaded as Cornwall College keeping its
    other courses: one course added, one rejected with its reason."""
    async with pool.acquire() as conn:
        await load_demo(conn, settings, progress=lambda _: None)
        links = {name: link.rsplit("/", 1)[1]
                 for _, name, link in await demo_links(conn, settings)}
    example = ROOT / "docs" / "examples" / "catalogue-with-a-bad-course.json"
    async with await new_browser(app) as client:
        await post_form(client, f"/sign-in/{links['Cornwall College']}")
        token = csrf_of((await client.get("/college/upload")).text)
        done = await client.post("/college/upload", data={"_csrf_token": token, "mode": "delta"},
                                 files={"catalogue": (example.name, example.read_bytes(),
                                                      "application/json")})
    assert done.status_code == 200 and "Catalogue uploaded" in done.text
    rejected = done.text[done.text.index("Rejected courses and why"):]
    assert "DEMO-BAD-1" in rejected and "DEMO-CARE-2" not in rejected
    assert "2028-01-01 is before starts_on 2028-05-01" in rejected


async def test_the_demo_sign_in_page_lists_every_demo_email(app, pool, settings):
    demo_app = create_app(settings.model_copy(update={"web_demo": True}), pool=pool)
    async with await new_browser(demo_app) as client:
        page = (await client.get("/sign-in")).text
    for person in demo_people():
        assert (person.email or person.ukprn) in page, person.name
        assert person.try_ in html.unescape(page), person.name
    async with await new_browser(app) as client:
        plain = (await client.get("/sign-in")).text
    assert not any(p.email in plain for p in demo_people() if p.email)


@pytest.mark.slow
def test_ladder_serve_demo_prints_a_link_that_signs_in_for_each_demo_person(fresh_url):
    port = free_port()
    process = start_ladder("serve", "--demo", "--port", str(port), "--host", "127.0.0.1",
                           url=fresh_url, env={"LADDER_RUN_SCHEDULER": "false",
                                               "LADDER_CATALOGUE_DIR": str(ROOT / "catalogue"),
                                               "LADDER_WORKERS": "1"})
    lines: queue.Queue[str] = queue.Queue()
    errors: list[str] = []  # the log, drained so that the server never blocks on it
    threading.Thread(target=lambda: [lines.put(line) for line in process.stdout],
                     daemon=True).start()
    threading.Thread(target=lambda: errors.extend(process.stderr), daemon=True).start()
    try:
        links: dict[str, str] = {}
        deadline = time.monotonic() + 240
        while len(links) < len(demo_people()) and time.monotonic() < deadline:
            try:
                line = lines.get(timeout=1)
            except queue.Empty:
                assert process.poll() is None, "".join(errors)[-2000:]
                continue
            found = re.match(r"(\w+) \((.+?)\)\s+(http://\S+/sign-in/\S+)$", line.strip())
            if found:
                links[found[2]] = found[3]
        assert set(links) == {p.name for p in demo_people()}
        base = f"http://127.0.0.1:{port}"
        wait_for_health(base, process, lambda: "".join(errors), seconds=120)
        for person in demo_people():
            link = links[person.name]
            assert link.startswith(f"http://127.0.0.1:{port}/sign-in/")
            with httpx.Client(base_url=base) as client:
                token = csrf_of(client.get(link).text)
                opened = client.post(link, data={"_csrf_token": token})
                assert (opened.status_code, opened.headers["location"]) == (
                    303, HOMES[person.role]), person.name
                assert client.get(HOMES[person.role]).status_code == 200, person.name
        with httpx.Client(base_url=base) as client:
            page = client.get("/sign-in").text
        assert all(p.email in page for p in demo_people() if p.email)
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except Exception:
            process.kill()
