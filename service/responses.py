"""`LeanJSON`: the response class of the busiest reads (GET /account, course search).
Litestar's `Response` merges header and cookie sets, looks up a serializer and builds an
`ASGIResponse` for every answer, about a tenth of such a request's CPU; this one encodes the
handler's value with msgspec and sends it as two ASGI messages. What the route's OpenAPI schema
says is unchanged (it comes from the handler's return annotation), and so are the bytes sent:
the same JSON, with `content-type: application/json` and `content-length` (security headers
and the request id are added outside, by `FrontMiddleware`).

For a route that answers with a body (not 204 or 304) and sets no headers, cookies, background
tasks or other media type of its own: one that does (declared on a layer, or set by an
`after_request` hook on the response's `headers` and `cookies`) gets Litestar's own `Response`,
so nothing is dropped. Type encoders are not
used (Litestar always passes its plugins' ones, for pydantic types): the value must be one
msgspec encodes itself, as Ladder's Structs are."""

from typing import Any

import msgspec
from litestar import Response
from litestar.serialization import default_serializer
from litestar.types import Receive, Scope, Send

_encode = msgspec.json.Encoder(enc_hook=default_serializer).encode
_JSON = (b"content-type", b"application/json")


class LeanJSON(Response):
    def __init__(self, content: Any, *, status_code: int | None = None,
                 media_type: Any = None, **options: Any) -> None:
        self.content = content
        self.status_code = status_code or 200
        self.media_type = media_type
        self.headers: dict[str, Any] = {}  # what an after_request hook may set
        self.cookies: list[Any] = []
        self.background = options.pop("background", None)
        self._options = options

    def to_asgi_response(self, app: Any, request: Any, **options: Any) -> Any:
        if (self.headers or self.cookies or self.background or _not_json(self.media_type)
                or self.status_code in (204, 304)  # no body: Litestar's rules for those
                or any(options.get(k) for k in ("headers", "cookies", "background"))
                or any(self._options.get(k) for k in ("headers", "cookies"))):
            response = Response(self.content, status_code=self.status_code,
                                media_type=self.media_type or "application/json",
                                background=self.background, **self._options)
            response.headers.update(self.headers)
            response.cookies.extend(self.cookies)
            return response.to_asgi_response(app, request, **options)
        return _Sent(_encode(self.content), self.status_code)


def _not_json(media_type: Any) -> bool:
    return media_type is not None and str(getattr(media_type, "value", media_type)) \
        != "application/json"


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
