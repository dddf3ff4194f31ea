"""Feed fetching with httpx's mock transport: conditional headers, retries, redirects, limits,
and the address checks (no network needed: literal addresses resolve locally)."""

import asyncio

import httpx
import pytest

from service.courses.fetch import FetchError, FetchPolicy, checked_address, fetch_feed, is_public

PUBLIC = "http://93.184.216.34/feed.xml"
POLICY = FetchPolicy(timeout_seconds=2, max_bytes=1000, retries=2, backoff_seconds=0.001,
                     allow_private=False)


def fetch(handler, url=PUBLIC, policy=POLICY, **kwargs):
    return asyncio.run(fetch_feed(url, policy, transport=httpx.MockTransport(handler), **kwargs))


@pytest.mark.parametrize(("address", "public"), [
    ("93.184.216.34", True), ("2606:2800:220:1:248:1893:25c8:1946", True),
    ("127.0.0.1", False), ("10.1.2.3", False), ("172.16.0.1", False), ("192.168.1.1", False),
    ("169.254.169.254", False), ("::1", False), ("fe80::1%eth0", False), ("fc00::1", False),
    ("224.0.0.1", False), ("0.0.0.0", False), ("100.64.0.1", False), ("::ffff:10.0.0.1", False),
    ("240.0.0.1", False),
])
def test_is_public(address, public):
    assert is_public(address) is public


@pytest.mark.parametrize("host", ["127.0.0.1", "10.0.0.7", "::1", "localhost"])
def test_private_hosts_are_refused_unless_allowed(host):
    with pytest.raises(FetchError, match="private, loopback or reserved"):
        asyncio.run(checked_address(host, 80, "http", allow_private=False))
    assert asyncio.run(checked_address(host, 80, "http", allow_private=True))


def test_conditional_headers_and_304():
    seen = {}

    def handler(request):
        seen.update(request.headers)
        return httpx.Response(304)

    result = fetch(handler, etag='"abc"', last_modified="Mon, 02 Nov 2026 10:00:00 GMT")
    assert result.body is None and result.attempts == 1
    assert seen["if-none-match"] == '"abc"'
    assert seen["if-modified-since"] == "Mon, 02 Nov 2026 10:00:00 GMT"
    assert seen["host"] == "93.184.216.34"


def test_a_200_returns_the_body_and_validators():
    result = fetch(lambda r: httpx.Response(200, content=b"<catalog/>",
                                            headers={"ETag": '"v2"', "Last-Modified": "x"}))
    assert (result.body, result.etag, result.last_modified) == (b"<catalog/>", '"v2"', "x")


def test_retries_5xx_and_connection_errors_then_gives_up():
    calls = []

    def handler(request):
        calls.append(1)
        if len(calls) == 1:
            raise httpx.ConnectError("refused")
        return httpx.Response(502)

    with pytest.raises(FetchError, match=r"HTTP 502 \(after 3 attempts\)"):
        fetch(handler)
    assert len(calls) == 3


def test_backoff_doubles_between_attempts(monkeypatch):
    delays = []

    async def record(seconds):
        delays.append(seconds)

    monkeypatch.setattr("service.courses.fetch.asyncio.sleep", record)
    policy = FetchPolicy(timeout_seconds=2, max_bytes=1000, retries=3, backoff_seconds=0.5,
                         allow_private=False)
    with pytest.raises(FetchError, match="after 4 attempts"):
        fetch(lambda r: httpx.Response(503), policy=policy)
    assert delays == [0.5, 1.0, 2.0]


def test_4xx_is_not_retried():
    calls = []

    def handler(request):
        calls.append(1)
        return httpx.Response(403)

    with pytest.raises(FetchError, match="HTTP 403$"):
        fetch(handler)
    assert calls == [1]


def test_redirects_are_followed_and_checked():
    def handler(request):
        if request.url.path == "/feed.xml":
            return httpx.Response(301, headers={"Location": "/moved.xml"})
        return httpx.Response(200, content=b"<catalog/>")

    assert fetch(handler).body == b"<catalog/>"

    def to_private(request):
        return httpx.Response(302, headers={"Location": "http://10.0.0.1/feed.xml"})

    with pytest.raises(FetchError, match="private"):
        fetch(to_private)

    def loop(request):
        return httpx.Response(302, headers={"Location": PUBLIC})

    with pytest.raises(FetchError, match="more than 3 redirects"):
        fetch(loop)


def test_size_cap_and_html():
    with pytest.raises(FetchError, match="larger than the limit of 1000 bytes"):
        fetch(lambda r: httpx.Response(200, content=b"x" * 1001))
    with pytest.raises(FetchError, match="HTML page"):
        fetch(lambda r: httpx.Response(200, content=b"<html/>",
                                       headers={"Content-Type": "text/html; charset=utf-8"}))


def test_only_http_and_https():
    with pytest.raises(FetchError, match="only http and https"):
        fetch(lambda r: httpx.Response(200), url="ftp://93.184.216.34/feed.xml")


@pytest.mark.parametrize("declared", [b"9" * 5000, "\u00b2".encode("latin-1"), b"1" * 19])
def test_a_content_length_of_many_or_odd_digits_is_no_crash(declared):
    def handler(request):
        return httpx.Response(200, content=b"<x/>", headers=[(b"Content-Length", declared)])

    if declared.isdigit():
        with pytest.raises(FetchError, match="larger than the limit"):
            fetch(handler)
    else:  # not a number: ignored, and the body read as it comes
        assert fetch(handler).body == b"<x/>"


def test_validators_that_cannot_be_sent_back_are_dropped():
    sent = []

    def handler(request):
        sent.append(request.headers.get("if-none-match"))
        return httpx.Response(200, content=b"<x/>", headers=[
            (b"ETag", b'W/"caf\xe9"'), (b"Last-Modified", b"Mon, 02 Nov 2026 10:00:00 GMT")])

    got = fetch(handler, etag='W/"caf\xe9"')
    assert sent == [None]
    assert got.etag is None and got.last_modified == "Mon, 02 Nov 2026 10:00:00 GMT"
