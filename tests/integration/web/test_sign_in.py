"""Signing in by emailed link: the form, the link from the outbox, the session cookie and its
flags, single use, expiry, sign-out, rate limits, and the CSRF check on every form."""

import re

import asyncpg
import httpx

from tests.integration.web.conftest import (
    csrf_of,
    new_browser,
    outbox_links,
    post_form,
    sign_in,
)


async def test_the_sign_in_page_renders_with_its_form(browser: httpx.AsyncClient):
    page = await browser.get("/sign-in")
    assert page.status_code == 200
    assert "<title>Sign in – Ladder</title>" in page.text
    assert 'href="#main-content"' in page.text  # the skip link
    assert csrf_of(page.text)
    start = await browser.get("/")
    assert start.status_code == 303 and start.headers["location"] == "/sign-in"


async def test_a_worker_signs_in_with_the_emailed_link(api, browser, pool):
    worker = await api.worker(email="maureen@example.org", name="Maureen Walsh")
    opened = await sign_in(browser, pool, "maureen@example.org")
    assert opened.status_code == 303 and opened.headers["location"] == "/account"
    cookie = [v for k, v in opened.headers.multi_items() if k == "set-cookie"
              and v.startswith("ladder_session=")][0]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie.replace("samesite", "SameSite")
    assert "Secure" not in cookie  # served to localhost over http
    account = await browser.get("/account")
    assert account.status_code == 200 and "Maureen Walsh" in account.text
    async with pool.acquire() as conn:
        stored = await conn.fetchval("SELECT count(*) FROM web_sign_in_links "
                                     "WHERE subject_id = $1 AND used_at IS NOT NULL",
                                     worker["id"])
    assert stored == 1


async def test_cookies_are_secure_off_localhost(api, app, pool):
    await api.worker(email="secure@example.org")
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="https://ladder.example.org") as c:
        page = await c.get("/sign-in")
        assert all("Secure" in v for k, v in page.headers.multi_items() if k == "set-cookie")
        opened = await sign_in(c, pool, "secure@example.org")
        session = [v for k, v in opened.headers.multi_items() if k == "set-cookie"
                   and v.startswith("ladder_session=")][0]
        assert "Secure" in session and "HttpOnly" in session


async def test_the_answer_is_the_same_for_an_unknown_email(api, browser, pool):
    await api.worker(email="known@example.org")
    known = await post_form(browser, "/sign-in", {"email": "known@example.org"})
    unknown = await post_form(browser, "/sign-in", {"email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 200
    def same(text: str, email: str) -> str:
        return re.sub(r'nonce="[^"]+"', "", text.replace(email, "X@"))

    assert same(known.text, "known@") == same(unknown.text, "nobody@")
    assert await outbox_links(pool, "nobody@example.org") == []
    assert len(await outbox_links(pool, "known@example.org")) == 1


async def test_a_bad_email_shows_the_error_summary(browser: httpx.AsyncClient):
    page = await post_form(browser, "/sign-in", {"email": "not an email"})
    assert page.status_code == 422
    assert "<title>Error: Sign in – Ladder</title>" in page.text
    assert "There is a problem" in page.text and 'href="#email"' in page.text


async def test_a_link_works_once(api, browser, pool, app):
    await api.worker(email="once@example.org")
    await post_form(browser, "/sign-in", {"email": "once@example.org"})
    [secret] = await outbox_links(pool, "once@example.org")
    first = await post_form(browser, f"/sign-in/{secret}")
    assert first.status_code == 303
    async with await new_browser(app) as other:
        again = await post_form(other, f"/sign-in/{secret}")
        assert again.status_code == 410 and "This link has expired" in again.text
        assert (await other.get("/account")).status_code == 303


async def test_an_expired_link_is_refused(api, browser, pool):
    await api.worker(email="late@example.org")
    await post_form(browser, "/sign-in", {"email": "late@example.org"})
    [secret] = await outbox_links(pool, "late@example.org")
    async with pool.acquire() as conn:
        await conn.execute("UPDATE web_sign_in_links SET created_at = now() - interval '20 min', "
                           "expires_at = now() - interval '5 min'")
    late = await post_form(browser, f"/sign-in/{secret}")
    assert late.status_code == 410
    assert (await browser.get("/account")).status_code == 303


async def test_an_unknown_link_is_refused(browser: httpx.AsyncClient):
    assert (await post_form(browser, "/sign-in/not-a-real-link")).status_code == 410


async def test_sign_out_ends_the_session_everywhere(api, browser, pool, app):
    await api.worker(email="bye@example.org")
    await sign_in(browser, pool, "bye@example.org")
    cookie = browser.cookies.get("ladder_session")
    out = await post_form(browser, "/sign-out", page="/account")
    assert out.status_code == 200 and "You have signed out" in out.text
    async with await new_browser(app) as thief:  # the old cookie, kept elsewhere
        thief.cookies.set("ladder_session", cookie)
        assert (await thief.get("/account")).status_code == 303


async def test_an_expired_session_sends_the_browser_to_sign_in(api, browser, pool):
    await api.worker(email="old@example.org")
    await sign_in(browser, pool, "old@example.org")
    async with pool.acquire() as conn:
        await conn.execute("UPDATE web_sessions SET expires_at = now() - interval '1 second'")
    page = await browser.get("/account")
    assert page.status_code == 303 and page.headers["location"] == "/sign-in?next=/account"


async def test_a_form_without_its_token_is_refused(api, browser, pool):
    await api.worker(email="csrf@example.org")
    await browser.get("/sign-in")  # the form token's cookie is set, but the field is missing
    refused = await browser.post("/sign-in", data={"email": "csrf@example.org"})
    assert refused.status_code == 403
    assert await outbox_links(pool, "csrf@example.org") == []
    wrong = await browser.post("/sign-in", data={"email": "csrf@example.org",
                                                 "_csrf_token": "forged"})
    assert wrong.status_code == 403


async def test_api_tokens_still_work_without_any_form_token(api, client):
    """The API's POSTs carry no CSRF token and need none."""
    created = await client.post("/v1/reps", json={"name": "R", "email": "r@example.org",
                                                  "branch": "B"}, headers=await api.admin())
    assert created.status_code == 201


async def test_sign_in_requests_are_limited_per_email(api, browser, pool, settings):
    await api.worker(email="many@example.org")
    for _ in range(settings.web_sign_in_per_email):
        assert (await post_form(browser, "/sign-in", {"email": "many@example.org"})
                ).status_code == 200
    limited = await post_form(browser, "/sign-in", {"email": "MANY@example.org"})
    assert limited.status_code == 429 and "too many sign-in links" in limited.text
    assert len(await outbox_links(pool, "many@example.org")) == settings.web_sign_in_per_email


async def test_sign_in_requests_are_limited_per_address(app, pool: asyncpg.Pool, settings):
    async with await new_browser(app, "10.9.8.7") as client:
        for n in range(settings.web_sign_in_per_address):
            assert (await post_form(client, "/sign-in", {"email": f"a{n}@example.org"})
                    ).status_code == 200
        limited = await post_form(client, "/sign-in", {"email": "another@example.org"})
        assert limited.status_code == 429
    async with await new_browser(app, "10.9.8.8") as elsewhere:
        assert (await post_form(elsewhere, "/sign-in", {"email": "another@example.org"})
                ).status_code == 200


async def test_after_signing_in_the_page_asked_for_opens(api, browser, pool):
    await api.worker(email="next@example.org")
    sent = await browser.get("/priority")
    assert sent.headers["location"] == "/sign-in?next=/priority"
    form = await browser.get(sent.headers["location"])
    assert 'name="next" value="/priority"' in form.text
    await post_form(browser, "/sign-in", {"email": "next@example.org", "next": "/priority"})
    [link] = await outbox_links(pool, "next@example.org")
    assert link.endswith("?next=/priority")
    secret = link.split("?")[0]
    page = await browser.get(f"/sign-in/{link}")
    assert 'name="next" value="/priority"' in page.text
    opened = await post_form(browser, f"/sign-in/{secret}", {"next": "/priority"},
                             page=f"/sign-in/{link}")
    assert opened.headers["location"] == "/priority"


async def test_a_next_address_off_the_site_is_not_followed(api, browser, pool):
    await api.worker(email="evil@example.org")
    await post_form(browser, "/sign-in", {"email": "evil@example.org"})
    [secret] = await outbox_links(pool, "evil@example.org")
    opened = await post_form(browser, f"/sign-in/{secret}", {"next": "//evil.example/x"})
    assert opened.headers["location"] == "/account"


async def test_pages_are_not_cached_framed_or_referred(browser: httpx.AsyncClient):
    page = await browser.get("/sign-in/some-link")
    assert page.headers["cache-control"] == "no-store"
    assert page.headers["x-frame-options"] == "DENY"
    assert page.headers["referrer-policy"] == "no-referrer"
    [policy] = page.headers.get_list("content-security-policy")
    assert "form-action 'self'" in policy and "frame-ancestors 'none'" in policy
    nonce = policy.split("'nonce-")[1].split("'")[0]
    assert f'<script nonce="{nonce}">' in page.text  # GOV.UK Frontend's one inline script
    again = await browser.get("/sign-in/some-link")
    assert nonce not in again.headers["content-security-policy"]


async def test_two_instances_racing_for_one_link_sign_in_once(api, browser, pool, settings):
    """The link is taken under its row lock: a second instance using it while the first has it
    (uncommitted) waits, then finds it used."""
    import asyncio

    from service.app import create_app
    from service.web import logic
    from tests.integration.locks import wait_for_lock_wait

    await api.worker(email="race@example.org")
    await post_form(browser, "/sign-in", {"email": "race@example.org"})
    [secret] = await outbox_links(pool, "race@example.org")
    other = create_app(settings, pool=pool)
    async with await new_browser(other) as second, pool.acquire() as holder:
        token = csrf_of((await second.get(f"/sign-in/{secret}")).text)
        async with holder.transaction():
            taken = await holder.fetchval(
                "UPDATE web_sign_in_links SET used_at = now() WHERE token_hash = $1 "
                "AND used_at IS NULL RETURNING id", logic.hash_secret(secret))
            assert taken is not None
            racing = asyncio.create_task(second.post(f"/sign-in/{secret}",
                                                     data={"_csrf_token": token}))
            await wait_for_lock_wait(pool, holder, racing)
        assert (await racing).status_code == 410
    async with pool.acquire() as conn:
        assert await conn.fetchval("SELECT count(*) FROM web_sessions") == 0
