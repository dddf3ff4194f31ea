"""Strict request input, checked before any handler runs (the app's `before_request`).

Litestar converts bodies leniently (it would take "100" for 100 and "true" for true) and whatever
the Content-Type says. Money and records need the JSON types the schema promises, so every body
whose handler takes a msgspec Struct as `data` is first checked here, in this order:

1. its media type is JSON (`application/json`, `application/*+json`, or none given), else 415;
2. it is well-formed JSON: UTF-8, valid syntax, nested at most as deep as the decoder allows, no
   key repeated within an object (msgspec would silently keep the last one; for money that is
   an overwrite nobody sees), else 400 naming `body` or the repeated key;
3. it decodes strictly into the Struct, else 422 naming the field (out-of-range numbers too);
4. no string in it holds U+0000, which PostgreSQL text cannot store, else 422 naming the field.

Query, path and header values are checked for U+0000 too, for every route: 422 naming the
parameter, instead of a database error that could not say which one.
"""

import json
from typing import Any

import msgspec
from litestar import Request
from litestar.exceptions import ValidationException
from litestar.handlers import HTTPRouteHandler

from service.errors import Invalid, Malformed, PayloadTooLarge, UnsupportedMediaType

NUL = "\x00"
CONTENT_TYPE = "Content-Type"


def media_type_of(request: Request[Any, Any, Any]) -> str:
    """The request's media type, lower-case, without parameters (`text/csv; charset=utf-8` is
    `text/csv`); empty if none is given."""
    return request.headers.get("content-type", "").split(";", 1)[0].strip().lower()


async def body_within(request: Request[Any, Any, Any], limit: int, what: str) -> bytes:
    """The body of a route that reads it by hand (a catalogue, a CSV import), refused with 413
    past its own limit, which is below the app's."""
    body = await request.body()
    if len(body) > limit:
        raise PayloadTooLarge.on_field("body", f"{what} may be at most {limit} bytes")
    return body


def is_json_media_type(media_type: str) -> bool:
    """`application/json`, `application/<anything>+json`, or no media type at all."""
    media_type = media_type.strip().lower()
    return media_type in ("", "application/json") or (
        media_type.startswith("application/") and media_type.endswith("+json"))


Decoding = tuple[msgspec.json.Decoder, bool] | None
DECODING = "ladder.strict_decoding"  # the key in a route handler's opt


def _decoder_for(handler: HTTPRouteHandler) -> Decoding:
    """The strict decoder of the handler's `data`, and whether a body is required; made once
    and kept in the handler's own `opt`, so it lives as long as the handler. (A module-level
    cache keyed by handler held every app a process built alive, with its caches: the test
    suite's heap grew to millions of objects, and every garbage collection with it.)"""
    try:
        return handler.opt[DECODING]
    except KeyError:
        found = handler.opt[DECODING] = _strict_decoder(handler)
        return found


def _strict_decoder(handler: HTTPRouteHandler) -> Decoding:
    field = handler.parsed_fn_signature.parameters.get("data")
    if field is None:
        return None
    target: Any = field.annotation
    if field.is_optional:
        target = target | None
    is_struct = isinstance(field.type_, type) and issubclass(field.type_, msgspec.Struct)
    if not is_struct:
        return None
    return msgspec.json.Decoder(target), not (field.is_optional or field.has_default)


async def strict_json_body(request: Request[Any, Any, Any]) -> None:
    _refuse_nul_in_parameters(request)
    found = _decoder_for(request.route_handler)
    if found is None:
        return
    decoder, required = found
    media_type = request.headers.get("content-type", "").split(";", 1)[0]
    if not is_json_media_type(media_type):
        raise UnsupportedMediaType.on_field(
            CONTENT_TYPE, f"send the body as application/json, not {media_type.strip()}")
    body = await request.body()
    if not body.strip():
        if required:
            raise Malformed.on_field("body", "a JSON body is required")
        return
    check_well_formed(body)
    try:
        value = decoder.decode(body)
    except msgspec.ValidationError as exc:
        raise ValidationException(detail="Invalid request body",
                                  extra=[{"message": str(exc), "source": "body"}]) from None
    except RecursionError:  # a nested Any-typed value the generic check stopped short of
        raise _too_deep() from None
    refuse_repeated_keys(body)
    if b"\\u0000" in body:  # the only way a JSON string can hold U+0000
        for field in nul_fields(msgspec.to_builtins(value)):
            raise Invalid.on_field(field, "must not contain NUL characters")


def check_well_formed(body: bytes) -> None:
    """Syntax, UTF-8 and depth, without the schema: what fails here is a 400 naming `body`."""
    try:
        msgspec.json.decode(body)
    except RecursionError:
        raise _too_deep() from None
    except msgspec.ValidationError:
        return  # a number out of range: the typed decoding names the field (422)
    except msgspec.DecodeError as exc:
        raise Malformed.on_field("body", str(exc)) from None


def _too_deep() -> Malformed:
    return Malformed.on_field("body", "the JSON is nested too deeply to read")


def _no_repeats(pairs: list[tuple[str, Any]]) -> None:
    seen: set[str] = set()
    for key, _ in pairs:
        if key in seen:
            raise Malformed.on_field(key, f"the key {key!r} appears more than once in an "
                                     "object; send each key once")
        seen.add(key)


def refuse_repeated_keys(body: bytes) -> None:
    """msgspec cannot report repeated keys, so the (already valid) body is read once more by
    the standard library, which can; numbers are left as text, so no digit limit applies."""
    try:
        json.loads(body, object_pairs_hook=_no_repeats, parse_int=str, parse_float=str,
                   parse_constant=str)
    except RecursionError:
        raise _too_deep() from None
    except ValueError as exc:  # msgspec accepted it, so this should not happen
        raise Malformed.on_field("body", str(exc)) from None


def nul_fields(value: Any, path: str = "") -> list[str]:
    """Where U+0000 occurs in strings (or keys) of a decoded body: `presentations[0].ref`."""
    if isinstance(value, str):
        return [path or "body"] if NUL in value else []
    if isinstance(value, dict):
        found: list[str] = []
        for key, item in value.items():
            where = f"{path}.{key}" if path else str(key)
            found += [where] if NUL in str(key) else nul_fields(item, where)
        return found
    if isinstance(value, list | tuple):
        return [f for i, item in enumerate(value) for f in nul_fields(item, f"{path}[{i}]")]
    return []


def _refuse_nul_in_parameters(request: Request[Any, Any, Any]) -> None:
    """A NUL in a path or query parameter or a header is refused, naming it. The raw scope is
    looked at first, and only a request that has a NUL somewhere pays for parsing its
    parameters to name the one: every request passes through here."""
    scope = request.scope
    if NUL in scope["path"]:  # path parameters are cut from the decoded path
        for name, value in request.path_params.items():
            if isinstance(value, str) and NUL in value:
                raise Invalid.on_field(name, "must not contain NUL characters")
    query = scope["query_string"]
    if b"%00" in query or b"\x00" in query:
        for name, value in request.query_params.multi_items():
            if NUL in name or NUL in value:
                raise Invalid.on_field(name.replace(NUL, ""), "must not contain NUL characters")
    for name, value in scope["headers"]:
        if b"\x00" in value:
            raise Invalid.on_field(_header_name(name.decode("latin-1")),
                                   "must not contain NUL characters")


def _header_name(name: str) -> str:
    """`idempotency-key` -> `Idempotency-Key`, as the API documents it."""
    return "-".join(part.capitalize() for part in name.split("-"))
