"""Logs: one line per request (`log_request`, called by `FrontMiddleware`, logger
`ladder.access`) with a request id, and the format of every Ladder log line, plain text or one
JSON object per line (`LADDER_LOG_FORMAT`). A request's line holds its method, route *template*
(never the path itself, which may hold a calendar token, nor the query), status, duration and
request id: no personal data. The id is the caller's `X-Request-Id` when it is a short plain
token, else a new one, and is sent back in `X-Request-Id`.

Under `ladder serve` the line is written preformatted straight to the console handler
(`ConsoleHandler.write_access`: one string, no `LogRecord` and no formatter call per request,
flushed once per event-loop turn); under any other logging set-up (tests, an embedding app) it
goes through `logging` as a record with the same fields."""

import asyncio
import json
import logging
import os
import re
import time
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from litestar.types import Scope

access_log = logging.getLogger("ladder.access")
REQUEST_ID = b"x-request-id"
_GOOD_ID = re.compile(rb"^[A-Za-z0-9._:-]{1,100}$")
PLAIN_FORMAT = "[%(levelname)s] %(message)s"  # granian's console format


def request_id(scope: Scope) -> str:
    for name, value in scope["headers"]:
        if name == REQUEST_ID and _GOOD_ID.match(value):
            return value.decode()
    return os.urandom(16).hex()  # as random as uuid4().hex, without building a UUID


def log_request(method: str, route: str, status: int, seconds: float, rid: str) -> None:
    """The request's one line, at INFO on `ladder.access`."""
    if not access_log.isEnabledFor(logging.INFO):
        return
    ms = round(seconds * 1000, 1)
    console = _console()
    if console is not None and console.write_access(method, route, status, ms, rid):
        return
    fields = {"request_id": rid, "method": method, "route": route, "status": status, "ms": ms}
    access_log.info("%s %s %s %.1fms id=%s", method, route, status, ms, rid,
                    extra={"fields": fields})


def _console() -> "ConsoleHandler | None":
    """The handler a record of `ladder.access` would reach when that is one `ConsoleHandler`
    and nothing else (no filter, no other handler on the way), as `ladder serve` sets it up."""
    if access_log.handlers or access_log.filters or not access_log.propagate:
        return None
    parent = access_log.parent
    if parent is None or parent.filters or parent.propagate or len(parent.handlers) != 1:
        return None
    handler = parent.handlers[0]
    if type(handler) is not ConsoleHandler or handler.filters or handler.level > logging.INFO:
        return None
    return handler


@lru_cache(maxsize=256)
def _json_string(text: str) -> str:
    return json.dumps(text)


class ConsoleHandler(logging.StreamHandler):
    """Ladder's console handler in `ladder serve` (`service.cli.serve_log_config`): a
    StreamHandler that can also take a request's line already formatted, exactly as its
    formatter (`PlainFormatter` or `JsonFormatter`) would have written the record."""

    _flush_pending = False

    def write_access(self, method: str, route: str, status: int, ms: float, rid: str) -> bool:
        """Write the line; False if this handler's formatter is not one it can stand in for."""
        formatter = self.formatter
        if type(formatter) is JsonFormatter:
            now = datetime.fromtimestamp(time.time(), UTC).isoformat(timespec="milliseconds")
            line = (f'{{"time": "{now}", "level": "info", "logger": "ladder.access", '
                    f'"request_id": "{rid}", "method": {_json_string(method)}, '
                    f'"route": {_json_string(route)}, "status": {status}, "ms": {ms!r}}}\n')
        elif type(formatter) is PlainFormatter:
            line = f"[INFO] {method} {route} {status} {ms:.1f}ms id={rid}\n"
        else:
            return False
        try:
            with self.lock:
                self.stream.write(line)
        except Exception:  # a closed stream: logging's own path reports it (handleError)
            return False
        if not self._flush_pending:
            self._flush_pending = True
            asyncio.get_running_loop().call_soon(self._flush_access)
        return True

    def _flush_access(self) -> None:
        self._flush_pending = False
        self.flush()


class PlainFormatter(logging.Formatter):
    """Granian's console format, `[LEVEL] message`, as a class `ConsoleHandler` knows."""

    def __init__(self) -> None:
        super().__init__(PLAIN_FORMAT)


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, and a request's fields."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(), "logger": record.name,
        }
        fields = getattr(record, "fields", None)
        if fields:
            line |= fields
        else:
            line["message"] = record.getMessage()
        if record.exc_info:
            line["error"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str)
