"""Helpers for the web pages' tests: a browser-like client (cookies kept), the form token, and
signing in with the link read from the outbox."""

import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import asyncpg
import httpx
import pytest

LINK = re.compile(r"https?://[^\s]+/sign-in/([A-Za-z0-9_-]+(?:\?next=[^\s]*)?)")
CSRF = re.compile(r'name="_csrf_token" value="([^"]+)"')


@pytest.fixture
async def browser(app) -> AsyncIterator[httpx.AsyncClient]:
    """A client on http://localhost (so cookies are not Secure-only) that keeps cookies."""
    transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 51000))
    async with httpx.AsyncClient(transport=transport, base_url="http://localhost") as client:
        yield client


async def new_browser(app, address: str = "127.0.0.1") -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app, client=(address, 51000))
    return httpx.AsyncClient(transport=transport, base_url="http://localhost")


def csrf_of(html: str) -> str:
    found = CSRF.search(html)
    assert found, "no form token on the page"
    return found.group(1)


async def post_form(client: httpx.AsyncClient, path: str, data: dict | None = None,
                    page: str | None = None, **kwargs) -> httpx.Response:
    """Post a form as a browser does: with the token of the page it is on (`page`, else the
    form's own page fetched first)."""
    html = (await client.get(page or path)).text
    return await client.post(path, data={"_csrf_token": csrf_of(html), **(data or {})},
                             **kwargs)


async def outbox_links(pool: asyncpg.Pool, email: str) -> list[str]:
    async with pool.acquire() as conn:
        bodies = await conn.fetch("SELECT body FROM outbox WHERE recipient = $1 "
                                  "ORDER BY created_at", email)
    return [secret for row in bodies for secret in LINK.findall(row["body"])]


async def sign_in(client: httpx.AsyncClient, pool: asyncpg.Pool, email: str) -> httpx.Response:
    """Ask for a link, read it from the outbox and use it; the answer of using it."""
    asked = await post_form(client, "/sign-in", {"email": email})
    assert asked.status_code == 200, asked.text
    secret = (await outbox_links(pool, email))[-1]
    return await post_form(client, f"/sign-in/{secret}")


async def sign_in_as(client: httpx.AsyncClient, pool: asyncpg.Pool, app, role: str,
                     subject_id, name: str = "test") -> httpx.Response:
    """Sign in with a link made directly (as `ladder web link` does: colleges have no email)."""
    from uuid import UUID

    from service.web import service as web

    async with pool.acquire() as conn:
        secret = await web.create_link(conn, app.state.settings, role, UUID(str(subject_id)),
                                       name)
    return await post_form(client, f"/sign-in/{secret}")


async def open_slot(api, rep: dict, days: int = 3, mode: str = "video") -> dict:
    """A slot of `rep`'s published through the API, `days` from now, an hour long."""
    starts = datetime.now(UTC).replace(microsecond=0, second=0, minute=0) + timedelta(days=days)
    response = await api.client.post(f"/v1/reps/{rep['id']}/slots", json={
        "starts_at": starts.isoformat(), "ends_at": (starts + timedelta(hours=1)).isoformat(),
        "mode": mode, "location": "Teams link by email"}, headers=await api.rep_token(rep))
    assert response.status_code == 201, response.text
    return response.json()


async def book(api, worker: dict, slot: dict) -> dict:
    """The worker books the slot through the API."""
    response = await api.client.post("/v1/reviews", json={
        "worker_id": worker["id"], "slot_id": slot["id"]}, headers=await api.worker_token(worker))
    assert response.status_code == 201, response.text
    return response.json()


async def worker_with_money(api, email: str, **fields) -> dict:
    """A worker with a £250 union contribution."""
    worker = await api.worker(email=email, name="Maureen Walsh", **fields)
    response = await api.client.post(
        f"/v1/workers/{worker['id']}/account/contributions",
        json={"amount_pence": 25000, "source": "union", "reference": "learning fund"},
        headers=await api.admin() | {"Idempotency-Key": f"k-{email}"})
    assert response.status_code == 201, response.text
    return worker
