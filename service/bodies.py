"""Strict JSON request bodies.

Litestar converts bodies leniently (it would take "100" for 100 and "true" for true). Money and
records need the JSON types the schema promises, so every JSON body whose handler takes a msgspec
Struct as `data` is first decoded strictly here; what fails is a 422 naming the field."""

from functools import cache
from typing import Any

import msgspec
from litestar import Request
from litestar.exceptions import ValidationException
from litestar.handlers import HTTPRouteHandler


@cache
def _decoder_for(handler: HTTPRouteHandler) -> msgspec.json.Decoder | None:
    field = handler.parsed_fn_signature.parameters.get("data")
    if field is None:
        return None
    target: Any = field.annotation
    if field.is_optional:
        target = target | None
    is_struct = isinstance(field.type_, type) and issubclass(field.type_, msgspec.Struct)
    return msgspec.json.Decoder(target) if is_struct else None


async def strict_json_body(request: Request[Any, Any, Any]) -> None:
    if "json" not in request.headers.get("content-type", "application/json"):
        return
    decoder = _decoder_for(request.route_handler)
    if decoder is None:
        return
    body = await request.body()
    if not body:
        return
    try:
        decoder.decode(body)
    except msgspec.ValidationError as exc:
        raise ValidationException(detail="Invalid request body",
                                  extra=[{"message": str(exc), "source": "body"}]) from None
    except msgspec.DecodeError:
        return  # malformed JSON: Litestar's own decoding reports it as a 400
