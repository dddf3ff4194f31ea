import threading
from collections.abc import AsyncIterator, Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest

from service.app import create_app
from service.settings import Settings

FIXTURES = Path(__file__).parents[2] / "fixtures" / "xcri"
CORNWALL = FIXTURES / "cornwall_college_xcri_cap_1.2_2017-05-16.xml"
CORNWALL_UKPRN = "10001696"
XML = {"Content-Type": "application/xml"}


def course(ref: str = "C1", **fields: Any) -> dict[str, Any]:
    body = {
        "ref": ref,
        "title": "Welding and fabrication",
        "description": "Learn to weld metal safely in a workshop.",
        "subjects": ["engineering"],
        "rqf_level": "2",
        "presentations": [presentation()],
    }
    return body | fields


def presentation(ref: str = "P1", **fields: Any) -> dict[str, Any]:
    body = {
        "ref": ref,
        "starts_on": "2027-01-11",
        "ends_on": "2027-03-29",
        "study_mode": "part_time",
        "attendance_pattern": "evening",
        "delivery": "classroom",
        "cost_pence": 25_000,
        "places": 12,
        "venue_postcode": "PL6 7FH",
    }
    return body | fields


@pytest.fixture
async def college(api) -> tuple[dict[str, Any], dict[str, str]]:
    """A provider and its own college token."""
    provider = await api.provider()
    return provider, await api.college_token(provider)


class FeedServer:
    """A real HTTP server on 127.0.0.1 serving canned answers per path, counting requests."""

    def __init__(self) -> None:
        self.routes: dict[str, Callable[[BaseHTTPRequestHandler], None]] = {}
        self.hits: dict[str, int] = {}
        self.headers_seen: list[dict[str, str]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (the stdlib's name)
                server.hits[self.path] = server.hits.get(self.path, 0) + 1
                server.headers_seen.append(dict(self.headers))
                route = server.routes.get(self.path)
                if route is None:
                    self.send_response(404)
                    self.end_headers()
                    return
                try:
                    route(self)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.05,),
                                       daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}{path}"

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def answer(status: int, body: bytes = b"", **headers: str) -> Callable[[Any], None]:
    def respond(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(status)
        for name, value in headers.items():
            handler.send_header(name.replace("_", "-"), value)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    return respond


@pytest.fixture
def feed_server() -> Iterator[FeedServer]:
    server = FeedServer()
    yield server
    server.close()


@pytest.fixture
def feed_settings(settings: Settings) -> Settings:
    """Private addresses allowed (the feed server is on 127.0.0.1), short timeouts and backoff."""
    return settings.model_copy(update={
        "feed_allow_private": True, "feed_timeout_seconds": 1.0, "feed_retries": 2,
        "feed_backoff_seconds": 0.01, "catalogue_max_bytes": 3 * 1024 * 1024,
    })


@pytest.fixture
async def feed_client(feed_settings: Settings, pool: asyncpg.Pool,
                      lease_pool: asyncpg.Pool) -> AsyncIterator[Any]:
    app = create_app(feed_settings, pool=pool, lease_pool=lease_pool)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://ladder.test") as client:
        yield client
