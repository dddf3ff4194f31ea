"""One log line per request: method, route template (not the path, which may hold ids or a
calendar token), status, duration and a request id, also sent back as X-Request-Id; as JSON
with LADDER_LOG_FORMAT=json."""

import json
import logging

import pytest

from service.logs import JsonFormatter


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
