"""Logs: one line per request (`RequestLogMiddleware`, logger `ladder.access`) with a request
id, and the format of every Ladder log line, plain text or one JSON object per line
(`LADDER_LOG_FORMAT`). A request's line holds its method, route *template* (never the path
itself, which may hold a calendar token, nor the query), status, duration and request id: no
personal data. The id is the caller's `X-Request-Id` when it is a short plain token, else a new
one, and is sent back in `X-Request-Id`."""

import json
import logging
import re
import time
import uuid
from datetime import UTC, datetime
from typing import Any

from litestar.types import ASGIApp, Message, Receive, Scope, Send

access_log = logging.getLogger("ladder.access")
REQUEST_ID = b"x-request-id"
_GOOD_ID = re.compile(rb"^[A-Za-z0-9._:-]{1,100}$")


def request_id(scope: Scope) -> str:
    for name, value in scope.get("headers", ()):
        if name == REQUEST_ID and _GOOD_ID.match(value):
            return value.decode()
    return uuid.uuid4().hex


class RequestLogMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        rid = request_id(scope)
        scope.setdefault("state", {})["request_id"] = rid
        started = time.perf_counter()
        status = 500  # if the app fails before it answers

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", ()), (REQUEST_ID, rid.encode())]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            if access_log.isEnabledFor(logging.INFO):
                ms = round((time.perf_counter() - started) * 1000, 1)
                route = scope.get("path_template") or "(no route)"
                fields = {"request_id": rid, "method": scope["method"], "route": route,
                          "status": status, "ms": ms}
                access_log.info("%s %s %s %.1fms id=%s", scope["method"], route, status, ms,
                                rid, extra={"fields": fields})


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
