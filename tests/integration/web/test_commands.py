"""`ladder web link`: a one-time sign-in link printed, which then signs in once."""

from tests.conftest import run_ladder
from tests.integration.web.conftest import post_form


async def test_ladder_web_link_prints_a_link_for_a_college(api, browser, database_url):
    provider = await api.provider(name="Link College")
    done = run_ladder("web", "link", "--college", provider["ukprn"], url=database_url)
    assert done.returncode == 0, done.stderr
    link = done.stdout.split()[-1]
    assert "college (Link College)" in done.stdout and "/sign-in/" in link
    opened = await post_form(browser, "/sign-in/" + link.rsplit("/", 1)[1])
    assert opened.status_code == 303 and opened.headers["location"] == "/college"


async def test_ladder_web_link_for_nobody_fails(database_url):
    done = run_ladder("web", "link", "--email", "nobody@example.org", url=database_url)
    assert done.returncode == 1 and "nobody has that email" in done.stderr
