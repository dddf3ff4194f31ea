"""A body that cannot be synced is refused alike by every way in: the API, a pulled feed and
`ladder catalogue import` store the same failed sync (status, error text, format) for it. One
college takes every way in turn, so the error texts (which may name its UKPRN) can be equal."""

from pathlib import Path
from typing import Any

import pytest

from service.courses.commands import import_file
from tests.integration.courses.conftest import CORNWALL, answer
from tests.integration.courses.test_sync import BILLION_LAUGHS

pytestmark = pytest.mark.asyncio

XML_BODIES = {
    "not well-formed": b"<catalog><provider></catalog>",
    "a DTD": BILLION_LAUGHS,
    "an HTML page": b"<!DOCTYPE html><html><body>Our courses</body></html>",
    "not a catalog": b'<?xml version="1.0"?><rss version="2.0"><channel/></rss>',
    "another college's feed": CORNWALL.read_bytes(),
}
JSON_BODIES = {
    "malformed": b'{"courses": [',
    "a wrong type": b'{"courses": [{"ref": "C1", "title": "Welding", "rqf_level": 2}]}',
    "a repeated key": b'{"courses": [], "courses": []}',
    "nested too deeply": b'{"courses": [' + b"[" * 5000 + b"]" * 5000 + b"]}",
}


def stored(sync: dict[str, Any]) -> tuple[str, str, str, str | None]:
    return sync["status"], sync["mode"], sync["format"], sync["error"]


async def last_sync(client, provider, headers) -> dict[str, Any]:
    response = await client.get(f"/v1/providers/{provider['ukprn']}/syncs", headers=headers)
    assert response.status_code == 200, response.text
    return response.json()["items"][0]


async def by_api(client, provider, headers, body: bytes, content_type: str) -> dict[str, Any]:
    response = await client.put(f"/v1/providers/{provider['ukprn']}/catalogue", content=body,
                                headers=headers | {"Content-Type": content_type})
    assert response.status_code in (400, 422), response.text
    sync = await last_sync(client, provider, headers)
    assert sync["id"] in response.json()["detail"]
    return sync


async def by_cli(client, provider, headers, pool, tmp_path: Path,
                 body: bytes) -> dict[str, Any]:
    path = tmp_path / "catalogue"
    path.write_bytes(body)
    async with pool.acquire() as conn:
        report = await import_file(conn, provider["ukprn"], path, "full")
    assert report.status == "failed"
    return await last_sync(client, provider, headers)


async def by_feed(feed_client, provider, headers, feed_server, body: bytes) -> dict[str, Any]:
    feed_server.routes["/feed.xml"] = answer(200, body, Content_Type="application/xml")
    feed = await feed_client.post(f"/v1/providers/{provider['ukprn']}/feeds", headers=headers,
                                  json={"url": feed_server.url("/feed.xml")})
    assert feed.status_code == 201, feed.text
    pulled = await feed_client.post(
        f"/v1/providers/{provider['ukprn']}/feeds/{feed.json()['id']}/pull", headers=headers)
    assert pulled.status_code == 200 and pulled.json()["outcome"] == "failed", pulled.text
    sync = await last_sync(feed_client, provider, headers)
    assert pulled.json()["error"] == sync["error"]
    return sync


@pytest.mark.parametrize("body", XML_BODIES.values(), ids=XML_BODIES.keys())
async def test_an_unsyncable_feed_is_the_same_failed_sync_by_api_feed_and_cli(
        client, feed_client, college, pool, feed_server, tmp_path, body):
    provider, headers = college
    through_api = await by_api(client, provider, headers, body, "application/xml")
    through_feed = await by_feed(feed_client, provider, headers, feed_server, body)
    through_cli = await by_cli(client, provider, headers, pool, tmp_path, body)
    assert through_api["status"] == "failed" and through_api["error"]
    assert len({through_api["id"], through_feed["id"], through_cli["id"]}) == 3
    assert stored(through_api) == stored(through_feed) == stored(through_cli)


@pytest.mark.parametrize("body", JSON_BODIES.values(), ids=JSON_BODIES.keys())
async def test_an_unreadable_json_catalogue_is_the_same_failed_sync_by_api_and_cli(
        client, college, pool, tmp_path, body):
    provider, headers = college
    through_api = await by_api(client, provider, headers, body, "application/json")
    through_cli = await by_cli(client, provider, headers, pool, tmp_path, body)
    assert through_api["status"] == "failed" and through_api["error"]
    assert through_api["id"] != through_cli["id"]
    assert stored(through_api) == stored(through_cli)
