"""`LeanJSON`: the response class of the busiest reads (GET /account). Litestar's `Response`
merges header and cookie sets, looks up a serializer and builds an `ASGIResponse` for every
answer, about a tenth of such a request's CPU; this one encodes the handler's value with msgspec
and sends it as two ASGI messages. What the route's OpenAPI schema says is unchanged (it comes
from the handler's return annotation), and so are the bytes sent: the same JSON, with
`content-type: application/json` and `content-length` (security headers and the request id are
added outside, by `FrontMiddleware`).

For a route that sets no headers, cookies or background tasks of its own: a handler or layer
that does gets Litestar's own `Response`, so nothing it declares is dropped."""

from typing import Any

import msgspec
from litestar import Response
from litestar.serialization import default_serializer
from litestar.types import Receive, Scope, Send

_encode = msgspec.json.Encoder(enc_hook=default_serializer).encode
_JSON = (b"content-type", b"application/json")


class LeanJSON(Response):
    def __init__(self, content: Any, *, status_code: int | None = None, **options: Any) -> None:
        self.content = content
        self.status_code = status_code or 200
        self._options = options

    def to_asgi_response(self, app: Any, request: Any, **options: Any) -> Any:
        if (options.get("headers") or options.get("cookies") or options.get("background")
                or any(self._options.get(k) for k in ("background", "headers", "cookies"))):
            return Response(self.content, status_code=self.status_code,
                            **self._options).to_asgi_response(app, request, **options)
        return _Sent(_encode(self.content), self.status_code)


class _Sent:
    __slots__ = ("body", "status")

    def __init__(self, body: bytes, status: int) -> None:
        self.body = body
        self.status = status

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        head = scope["method"] == "HEAD"
        await send({"type": "http.response.start", "status": self.status,
                    "headers": [_JSON, (b"content-length", b"%d" % len(self.body))]})
        await send({"type": "http.response.body", "body": b"" if head else self.body})
