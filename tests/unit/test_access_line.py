"""The request line `ladder serve` writes preformatted is the line its formatter would have
written from the record: the same text (plain) or the same JSON object (json)."""
import io
import json
import logging
import re

import pytest

from service.logs import ConsoleHandler, JsonFormatter, PlainFormatter, log_request

REQUESTS = [  # method, route, status, seconds, request id
    ("GET", "/v1/workers/{worker_id}/account", 200, 0.01824, "9b3a26d41f1b4e57"),
    ("POST", "(no route)", 503, 2.5, "lb-1234.abc"),
    ('WEIRD"\\', "/v1/x", 405, 0.0, "id"),
]


@pytest.fixture
def ladder_console():
    """`ladder`'s logger as serve_log_config sets it: one ConsoleHandler, no propagation."""
    ladder = logging.getLogger("ladder")
    saved = (ladder.level, ladder.handlers[:], ladder.propagate)
    stream = io.StringIO()
    handler = ConsoleHandler(stream)
    ladder.handlers[:] = [handler]
    ladder.setLevel(logging.INFO)
    ladder.propagate = False
    try:
        yield handler, stream
    finally:
        ladder.setLevel(saved[0])
        ladder.handlers[:] = saved[1]
        ladder.propagate = saved[2]


def both_ways(handler: ConsoleHandler, stream: io.StringIO, *request) -> tuple[str, str]:
    """The line written preformatted, then through logging (a filter turns the shortcut off)."""
    log_request(*request)
    fast = stream.getvalue()
    stream.seek(0)
    stream.truncate()
    handler.addFilter(lambda record: True)
    try:
        log_request(*request)
    finally:
        handler.filters.clear()
    return fast, stream.getvalue()


@pytest.mark.parametrize("request_", REQUESTS)
async def test_the_plain_line_is_the_formatters(ladder_console, request_):
    handler, stream = ladder_console
    handler.setFormatter(PlainFormatter())
    fast, logged = both_ways(handler, stream, *request_)
    assert fast == logged
    assert fast.startswith(f"[INFO] {request_[0]} {request_[1]} {request_[2]} ")


@pytest.mark.parametrize("request_", REQUESTS)
async def test_the_json_line_is_the_formatters(ladder_console, request_):
    handler, stream = ladder_console
    handler.setFormatter(JsonFormatter())
    fast, logged = both_ways(handler, stream, *request_)
    assert fast.endswith("\n") and fast.count("\n") == 1
    fast_line, logged_line = json.loads(fast), json.loads(logged)
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00", fast_line.pop("time"))
    logged_line.pop("time")
    assert fast_line == logged_line
    assert list(fast_line) == list(logged_line)  # the same keys in the same order
    assert fast_line["route"] == request_[1] and fast_line["status"] == request_[2]


async def test_another_set_up_gets_a_record_with_the_fields(ladder_console, caplog):
    handler, stream = ladder_console
    handler.setFormatter(PlainFormatter())
    logging.getLogger("ladder").propagate = True  # as under pytest's caplog: records go up
    caplog.set_level(logging.INFO, logger="ladder.access")
    log_request("GET", "/health", 200, 0.001, "abc")
    records = [r for r in caplog.records if r.name == "ladder.access"]
    assert records and all(r.fields == {"request_id": "abc", "method": "GET", "route": "/health",
                                        "status": 200, "ms": 1.0} for r in records)
