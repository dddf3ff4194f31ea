"""One log line per request: method, route template (not the path, which may hold ids or a
calendar token), status, duration and a request id, also sent back as X-Request-Id; as JSON
with LADDER_LOG_FORMAT=json."""

import json
import logging

import pytest

from service.logs import JsonFormatter
from tests.integration.faults.test_timeouts import limited_client


@pytest.fixture
def access_lines(caplog):
    caplog.set_level(logging.INFO, logger="ladder.access")
    return caplog


async def test_one_line_per_request_with_a_request_id(api, client, access_lines):
    worker = await api.worker()
    access_lines.clear()
    response = await client.get(f"/v1/workers/{worker['id']}", headers=await api.admin())
    assert response.status_code == 200
    (record,) = [r for r in access_lines.records if r.name == "ladder.access"]
    fields = record.fields
    assert fields["request_id"] == response.headers["x-request-id"]
    assert fields["method"] == "GET" and fields["status"] == 200
    assert fields["route"] == "/v1/workers/{worker_id}"
    line = JsonFormatter().format(record)
    assert worker["id"] not in line and "Pat Example" not in line and "pat@" not in line
    assert json.loads(line)["route"] == "/v1/workers/{worker_id}"


async def test_a_callers_request_id_is_kept_and_a_strange_one_replaced(client, access_lines):
    kept = await client.get("/health", headers={"X-Request-Id": "lb-1234.abc"})
    assert kept.headers["x-request-id"] == "lb-1234.abc"
    replaced = await client.get("/health", headers={"X-Request-Id": "x" * 101})
    assert len(replaced.headers["x-request-id"]) == 32
    unknown = await client.get("/calendar/secret-token-here.ics")
    assert unknown.status_code == 404
    lines = [JsonFormatter().format(r) for r in access_lines.records
             if r.name == "ladder.access"]
    assert any("/calendar/{filename}" in line for line in lines)
    assert not any("secret-token-here" in line for line in lines)


def access_fields(caplog) -> list[dict]:
    return [r.fields for r in caplog.records if r.name == "ladder.access"]


async def test_an_answer_from_a_middleware_is_logged_with_its_own_status(client, access_lines):
    """A 401 from authentication, and a path no route matches: logged with the status that
    was answered (not 500) and answered with the request id."""
    refused = await client.get("/v1/me")
    unrouted = await client.get("/no/such/place")
    assert (refused.status_code, unrouted.status_code) == (401, 404)
    assert [(f["route"], f["status"], f["request_id"]) for f in access_fields(access_lines)] == [
        ("/v1/me", 401, refused.headers["x-request-id"]),
        ("(no route)", 404, unrouted.headers["x-request-id"])]


async def test_a_503_before_the_handler_is_logged_as_503(api, settings, database_url):
    """A new instance (its token cache empty) whose pool has no free connection: the token
    lookup in the authentication middleware answers 503, and the log line says 503, which is
    what the operations guide tells operators to expect during a restart, not a 500."""
    headers = await api.admin()
    lines: list[logging.LogRecord] = []
    handler = logging.Handler(logging.INFO)
    handler.emit = lines.append
    async with limited_client(settings, database_url, max_size=1,
                              pool_acquire_timeout_seconds=0.2) as (limited, pool):
        # after the app is made: making one configures logging, which drops pytest's handler
        logging.getLogger("ladder.access").addHandler(handler)
        try:
            async with pool.acquire():
                response = await limited.get("/v1/me", headers=headers)
        finally:
            logging.getLogger("ladder.access").removeHandler(handler)
    assert response.status_code == 503, response.text
    assert [(r.fields["status"], r.fields["request_id"]) for r in lines] == [
        (503, response.headers["x-request-id"])]
