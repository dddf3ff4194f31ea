"""`LeanJSON` (service/responses.py) sends what Litestar's own response would: the same bytes and
headers; a route that declares headers or cookies of its own gets them (Litestar's response
then), and the account read that uses it answers as before, security headers included."""

import uuid
from datetime import date

import httpx
import msgspec
import pytest
from litestar import Litestar, get
from litestar.datastructures import Cookie, ResponseHeader

from service import responses
from service.responses import LeanJSON
from tests.conftest import worker_body

pytestmark = pytest.mark.asyncio


class Answer(msgspec.Struct):
    id: uuid.UUID
    on: date
    name: str
    items: list[int]
    note: str | None = None


ANSWER = Answer(uuid.UUID(int=7), date(2026, 12, 4), "Pat £ Example", [1, 2, 3])


@get("/litestar", sync_to_thread=False)
def litestar_answer() -> Answer:
    return ANSWER


@get("/lean", response_class=LeanJSON, sync_to_thread=False)
def lean_answer() -> Answer:
    return ANSWER


@get("/lean-created", response_class=LeanJSON, status_code=201, sync_to_thread=False)
def lean_created() -> Answer:
    return ANSWER


@get("/lean-declared", response_class=LeanJSON, sync_to_thread=False,
     response_headers=[ResponseHeader(name="cache-control", value="no-store")],
     response_cookies=[Cookie(key="seen", value="1")])
def lean_declared() -> Answer:
    return ANSWER


async def stamped(response):
    response.set_header("x-stamped", "yes")
    response.set_cookie("stamp", "1")
    return response


@get("/lean-hooked", response_class=LeanJSON, after_request=stamped, sync_to_thread=False)
def lean_hooked() -> Answer:
    return ANSWER


@get("/lean-empty", response_class=LeanJSON, status_code=204, sync_to_thread=False)
def lean_empty() -> None:
    return None


@get("/lean-text", response_class=LeanJSON, media_type="text/plain", sync_to_thread=False)
def lean_text() -> str:
    return "plain words"


async def client() -> httpx.AsyncClient:
    app = Litestar([litestar_answer, lean_answer, lean_created, lean_declared, lean_hooked,
                    lean_empty, lean_text])
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t")


@pytest.fixture
def fallbacks(monkeypatch) -> list[int]:
    """Counts the answers LeanJSON hands to Litestar's own response."""
    built: list[int] = []

    class Counted(responses.Response):
        def __init__(self, *args, **kwargs) -> None:
            built.append(1)
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(responses, "Response", Counted)
    return built


async def test_the_same_bytes_and_headers_as_litestars_response(fallbacks):
    async with await client() as c:
        litestar, lean = await c.get("/litestar"), await c.get("/lean")
        created = await c.get("/lean-created")
    assert lean.status_code == litestar.status_code == 200
    assert lean.content == litestar.content
    assert msgspec.json.decode(lean.content, type=Answer) == ANSWER
    assert dict(lean.headers) == dict(litestar.headers)
    assert lean.headers["content-type"] == "application/json"
    assert lean.headers["content-length"] == str(len(lean.content))
    assert created.status_code == 201 and created.content == litestar.content
    assert fallbacks == []  # both sent by LeanJSON itself


async def test_a_route_that_declares_headers_and_cookies_gets_them(fallbacks):
    async with await client() as c:
        declared = await c.get("/lean-declared")
    assert declared.status_code == 200
    assert declared.headers["cache-control"] == "no-store"
    assert declared.cookies["seen"] == "1"
    assert fallbacks == [1]
    assert msgspec.json.decode(declared.content, type=Answer) == ANSWER


async def test_what_an_after_request_hook_sets_is_sent(fallbacks):
    async with await client() as c:
        hooked = await c.get("/lean-hooked")
    assert hooked.status_code == 200
    assert hooked.headers["x-stamped"] == "yes" and hooked.cookies["stamp"] == "1"
    assert fallbacks == [1]
    assert msgspec.json.decode(hooked.content, type=Answer) == ANSWER


async def test_another_media_type_and_no_content_are_litestars_to_send():
    async with await client() as c:
        text, empty = await c.get("/lean-text"), await c.get("/lean-empty")
    assert empty.status_code == 204 and empty.content == b""
    assert "content-type" not in empty.headers
    assert text.status_code == 200
    assert text.headers["content-type"] == "text/plain; charset=utf-8"
    assert text.text == "plain words"


async def test_the_account_read_answers_with_its_security_headers(client, api):
    headers = await api.admin()
    worker = (await client.post("/v1/workers", json=worker_body(), headers=headers)).json()
    response = await client.get(f"/v1/workers/{worker['id']}/account", headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["content-security-policy"].startswith("default-src 'none'")
    assert len(response.headers["x-request-id"]) == 32
    body = response.json()
    assert body["worker_id"] == worker["id"] and body["currency"] == "GBP"
    assert body["balance_pence"] == 0 and body["earmarked"] == []
