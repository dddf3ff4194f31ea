"""Fetching a college's feed over HTTP: conditional GET, timeouts, a size cap, retries with
exponential backoff, and no requests to private networks unless the operator allows them.

The host is resolved once, every address is checked, and the request goes to a checked address
(with the original Host header and TLS server name), so DNS cannot swap in an internal address
between the check and the connection.
"""

import asyncio
import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urljoin

import httpx

MAX_REDIRECTS = 3
USER_AGENT = "Ladder course-feed puller (+https://github.com/ladder)"
ACCEPT = "application/xml, text/xml;q=0.9, */*;q=0.1"


class FetchError(Exception):
    """The feed could not be fetched; the message is written for the college."""

    retryable = False


class RetryableFetchError(FetchError):
    retryable = True


@dataclass(frozen=True)
class FetchPolicy:
    timeout_seconds: float
    max_bytes: int
    retries: int
    backoff_seconds: float
    allow_private: bool


@dataclass(frozen=True)
class Fetched:
    """`body` is None when the server answered 304 Not Modified."""

    body: bytes | None
    etag: str | None
    last_modified: str | None
    attempts: int


MAX_VALIDATOR_LENGTH = 1000


def validator(value: str | None) -> str | None:
    """An ETag or Last-Modified worth keeping: printable ASCII of sane length. Another one
    (a server's Latin-1 bytes, say) could not be sent back in If-None-Match, and would break
    every later pull, so it is dropped: the next pull is simply unconditional."""
    if value and len(value) <= MAX_VALIDATOR_LENGTH and value.isascii() and value.isprintable():
        return value
    return None


async def fetch_feed(url: str, policy: FetchPolicy, *, etag: str | None = None,
                     last_modified: str | None = None,
                     transport: httpx.AsyncBaseTransport | None = None) -> Fetched:
    """GET the feed, retrying timeouts, connection failures and 5xx answers with backoff."""
    conditional = {}
    if etag := validator(etag):
        conditional["If-None-Match"] = etag
    if last_modified := validator(last_modified):
        conditional["If-Modified-Since"] = last_modified
    attempt = 0
    while True:
        attempt += 1
        try:
            async with asyncio.timeout(policy.timeout_seconds):
                body, response = await _get(url, policy, conditional, transport)
        except TimeoutError:
            error: FetchError = RetryableFetchError(
                f"no complete answer within {policy.timeout_seconds:g} seconds")
        except FetchError as failure:
            error = failure
        else:
            return Fetched(body, validator(response.headers.get("etag")),
                           validator(response.headers.get("last-modified")), attempt)
        if not error.retryable or attempt > policy.retries:
            suffix = f" (after {attempt} attempts)" if attempt > 1 else ""
            raise FetchError(f"{error}{suffix}")
        await asyncio.sleep(policy.backoff_seconds * 2 ** (attempt - 1))


async def _get(url: str, policy: FetchPolicy, headers: dict[str, str],
               transport: httpx.AsyncBaseTransport | None) -> tuple[bytes | None, httpx.Response]:
    timeout = httpx.Timeout(policy.timeout_seconds)
    async with httpx.AsyncClient(timeout=timeout, transport=transport,
                                 follow_redirects=False) as client:
        for _ in range(MAX_REDIRECTS + 1):
            request = await _pinned_request(client, url, policy, headers)
            try:
                response = await client.send(request, stream=True)
            except httpx.TimeoutException:
                raise RetryableFetchError(
                    f"no answer within {policy.timeout_seconds:g} seconds") from None
            except httpx.HTTPError as error:
                raise RetryableFetchError(f"could not connect: {error}") from None
            try:
                if response.is_redirect and "location" in response.headers:
                    url = urljoin(url, response.headers["location"])
                    continue
                return await _read(response, policy), response
            finally:
                await response.aclose()
        raise FetchError(f"more than {MAX_REDIRECTS} redirects")


async def _read(response: httpx.Response, policy: FetchPolicy) -> bytes | None:
    status = response.status_code
    if status == 304:
        return None
    if status >= 500 or status == 429:
        raise RetryableFetchError(f"the server answered HTTP {status}")
    if status != 200:
        raise FetchError(f"the server answered HTTP {status}")
    if "html" in response.headers.get("content-type", "").lower():
        raise FetchError("the URL returned an HTML page, not an XCRI-CAP feed")
    declared = response.headers.get("content-length", "").strip()
    # ASCII digits only (int() also reads "²" and refuses 4,300 digits); 19 digits is past
    # any limit anyway.
    if declared.isascii() and declared.isdigit() and (
            len(declared) > 18 or int(declared) > policy.max_bytes):
        raise FetchError(f"the feed is larger than the limit of {policy.max_bytes} bytes")
    chunks, size = [], 0
    try:
        async for chunk in response.aiter_bytes():
            size += len(chunk)
            if size > policy.max_bytes:
                raise FetchError(f"the feed is larger than the limit of {policy.max_bytes} bytes")
            chunks.append(chunk)
    except httpx.TimeoutException:
        raise RetryableFetchError("the server stopped sending the feed") from None
    except httpx.HTTPError as error:
        raise RetryableFetchError(f"the transfer failed: {error}") from None
    return b"".join(chunks)


async def _pinned_request(client: httpx.AsyncClient, url: str, policy: FetchPolicy,
                          headers: dict[str, str]) -> httpx.Request:
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL as error:
        raise FetchError(f"not a valid URL: {error}") from None
    if parsed.scheme not in ("http", "https") or not parsed.host:
        raise FetchError("only http and https URLs can be pulled")
    host = parsed.raw_host.decode("ascii")  # an international name in its punycode form
    address = await checked_address(host, parsed.port, parsed.scheme, policy.allow_private)
    return client.build_request(
        "GET", parsed.copy_with(host=address),
        headers={"Host": parsed.netloc.decode("ascii"), "User-Agent": USER_AGENT,
                 "Accept": ACCEPT, **headers},
        extensions={"sni_hostname": host},
    )


async def checked_address(host: str, port: int | None, scheme: str, allow_private: bool) -> str:
    """The first address the host resolves to, if every one of them is public."""
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(
            host, port or (443 if scheme == "https" else 80), type=socket.SOCK_STREAM)
    except OSError as error:
        raise RetryableFetchError(f"the host {host!r} could not be resolved: {error}") from None
    addresses = list(dict.fromkeys(info[4][0] for info in infos))
    if not addresses:
        raise RetryableFetchError(f"the host {host!r} has no address")
    if not allow_private:
        for address in addresses:
            if not is_public(address):
                raise FetchError(f"the host {host!r} resolves to {address}, a private, loopback "
                                 "or reserved address; feeds must be on the public internet")
    return addresses[0]


def is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not (ip.is_multicast or ip.is_reserved or ip.is_link_local
                                 or ip.is_loopback or ip.is_private)
