"""The outermost layer of every HTTP request: its id (`X-Request-Id`), the security headers
(service/system/headers.py) and its one access-log line (service/logs.py), in one ASGI layer
with one wrapped `send`, where three (a log middleware, Litestar's `before_send` hook and its
wrapper) each cost a call per message.

It wraps `app.asgi_handler`, outside Litestar's app-level exception handler, not among the route
middleware: an error raised by a middleware (a 401 from authentication, a 503 when the token
lookup finds no database) is answered by that handler, and a layer inside it would see no
answer and log 500, with no request id and no security headers on the answer."""

import time

from litestar.types import ASGIApp, Message, Receive, Scope, Send

from service.logs import REQUEST_ID, log_request, request_id
from service.system.headers import secured


class FrontMiddleware:
    __slots__ = ("app", "log")

    def __init__(self, app: ASGIApp, log: bool = True) -> None:
        self.app = app
        self.log = log

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        rid = request_id(scope)
        scope["state"]["request_id"] = rid
        https = scope.get("scheme") == "https"
        started = time.perf_counter()
        status = 500  # if the app fails before it answers

        async def send_front(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = secured(
                    [*message.get("headers", ()), (REQUEST_ID, rid.encode())], https)
            await send(message)

        try:
            await self.app(scope, receive, send_front)
        finally:
            if self.log:
                log_request(scope["method"], scope.get("path_template") or "(no route)", status,
                            time.perf_counter() - started, rid)
