"""One hierarchy of domain errors and the one place that turns every error into RFC 9457 JSON.

Handlers and logic raise `DomainError` subclasses; validation and database errors are mapped here
too, so that bad input always gets a 4xx `application/problem+json` answer naming the field.
"""

import logging
import re
from typing import Any

import asyncpg
import msgspec
from litestar import Request, Response
from litestar.exceptions import HTTPException, ValidationException

log = logging.getLogger("ladder")

PROBLEM_JSON = "application/problem+json"


class FieldError(msgspec.Struct, omit_defaults=True):
    field: str
    message: str


class Problem(msgspec.Struct, omit_defaults=True):
    """RFC 9457 problem details, with `errors` naming the fields at fault."""

    type: str
    title: str
    status: int
    detail: str = ""
    errors: list[FieldError] = []


class DomainError(Exception):
    status = 400
    title = "Bad request"
    slug = "bad-request"

    def __init__(self, detail: str, errors: list[FieldError] | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = errors or []

    @classmethod
    def on_field(cls, field: str, message: str) -> "DomainError":
        return cls(f"{field}: {message}", [FieldError(field, message)])


class NotAuthenticated(DomainError):
    status, title, slug = 401, "Not authenticated", "not-authenticated"


class Forbidden(DomainError):
    status, title, slug = 403, "Forbidden", "forbidden"


class NotFound(DomainError):
    status, title, slug = 404, "Not found", "not-found"


class Conflict(DomainError):
    status, title, slug = 409, "Conflict", "conflict"


class PayloadTooLarge(DomainError):
    status, title, slug = 413, "Payload too large", "payload-too-large"


class Invalid(DomainError):
    status, title, slug = 422, "Unprocessable content", "invalid"


class Unavailable(DomainError):
    """The service cannot answer right now, but may shortly: the database is unreachable or
    restarting, no connection came free in time, a statement or a lock wait took too long, or
    the request body arrived too slowly. Answered with `Retry-After`."""

    status, title, slug = 503, "Service unavailable", "unavailable"


RETRY_AFTER_SECONDS = 5


class Malformed(DomainError):
    """The body is not readable JSON at all (syntax, UTF-8, nesting, a repeated key)."""

    status, title, slug = 400, "Malformed request", "malformed"


class UnsupportedMediaType(DomainError):
    status, title, slug = 415, "Unsupported media type", "unsupported-media-type"


def _problem(status: int, title: str, slug: str, detail: str, errors: list[FieldError]) -> Response:
    body = Problem(f"/problems/{slug}", title, status, detail, errors)
    headers = ({"WWW-Authenticate": 'Bearer realm="ladder"'} if status == 401
               else {"Retry-After": str(RETRY_AFTER_SECONDS)} if status == 503 else None)
    return Response(
        content=msgspec.json.encode(body), status_code=status, media_type=PROBLEM_JSON,
        headers=headers,
    )


def problem_response(error: DomainError) -> Response:
    """The answer to a domain error. Raised errors get it from the handler; a handler returns it
    itself when what it wrote before refusing must be committed (a failed sync's report)."""
    return _problem(error.status, error.title, error.slug, error.detail, error.errors)


def domain_error_handler(_: Request, exc: DomainError) -> Response:
    return problem_response(exc)


_MSGSPEC_PATH = re.compile(r" - at `\$(?P<path>[^`]*)`")
_NAMED_FIELD = re.compile(r"(?:unknown|required) field `(?P<name>[^`]+)`")


def _field_from_path(path: str) -> str:
    """`$.presentations[0].cost_pence` -> `presentations[0].cost_pence`."""
    return path.removeprefix(".") or "body"


def msgspec_error_at(message: str) -> tuple[str, str] | None:
    """A msgspec validation message split into the field it names and what is wrong there:
    "Expected `int`, got `str` - at `$.courses[0].places`" -> (`courses[0].places`,
    "Expected `int`, got `str`"); None if it names no place."""
    match = _MSGSPEC_PATH.search(message)
    if match is None:
        return None
    return _field_from_path(match.group("path")), message[: match.start()]


def _validation_errors(exc: ValidationException) -> list[FieldError]:
    errors: list[FieldError] = []
    extra = exc.extra if isinstance(exc.extra, list) else []
    for item in extra:
        if not isinstance(item, dict):
            continue
        message = str(item.get("message", "invalid"))
        key = item.get("key")
        at = msgspec_error_at(message)
        unknown = _NAMED_FIELD.search(message)
        if at:
            field, message = at
            if unknown:
                field = f"{field}.{unknown['name']}" if field != "body" else unknown["name"]
        elif unknown:
            field = unknown["name"]
        elif key:
            field = str(key)
        else:
            field = str(item.get("source") or "body")
        errors.append(FieldError(field, message))
    return errors


def validation_error_handler(request: Request, exc: ValidationException) -> Response:
    errors = _validation_errors(exc)
    detail = "; ".join(f"{e.field}: {e.message}" for e in errors) or str(exc.detail)
    malformed = any(e.message.startswith(("JSON is malformed", "Input data was truncated"))
                    for e in errors)
    status = 400 if malformed or not errors else 422
    title = "Malformed request" if status == 400 else "Invalid request"
    return _problem(status, title, "malformed" if status == 400 else "invalid", detail, errors)


def http_error_handler(_: Request, exc: HTTPException) -> Response:
    status = exc.status_code
    if status >= 500:
        log.error("server error: %s", exc.detail)
        return _problem(500, "Internal server error", "internal", "", [])
    detail = str(exc.detail)
    if status == 400:  # the body could not be read as JSON at all
        return _problem(400, "Malformed request", "malformed", detail,
                        [FieldError("body", detail)])
    title = detail if len(detail) < 80 else "Error"
    slug = re.sub(r"[^a-z]+", "-", title.lower()).strip("-") or "error"
    return _problem(status, title, slug, detail, [])


def _column_from_constraint(exc: asyncpg.PostgresError) -> str:
    """Constraints are named `<table>_<column>_<kind>` by PostgreSQL or by our migrations."""
    column = getattr(exc, "column_name", None)
    if column:
        return column
    name = getattr(exc, "constraint_name", None) or ""
    table = getattr(exc, "table_name", None) or ""
    name = name.removeprefix(f"{table}_")
    for suffix in ("_key", "_check", "_fkey", "_excl", "_not_null"):
        name = name.removesuffix(suffix)
    return name or "body"


# PostgreSQL errors that say "not now" rather than "not this": a statement or lock wait over its
# time limit (statement_timeout, lock_timeout), a connection lost or refused, the server
# shutting down or starting up (57P01-57P03), or out of connections or resources (53xxx).
UNAVAILABLE_ERRORS: tuple[type[Exception], ...] = (
    asyncpg.QueryCanceledError, asyncpg.LockNotAvailableError, asyncpg.PostgresConnectionError,
    asyncpg.OperatorInterventionError, asyncpg.InsufficientResourcesError,
)


def unavailable(exc: Exception) -> Response:
    log.warning("answered 503: %s: %s", type(exc).__name__, exc)
    what = ("a statement or lock wait took too long"
            if isinstance(exc, asyncpg.QueryCanceledError | asyncpg.LockNotAvailableError)
            else "the database cannot be reached")
    return problem_response(Unavailable(f"{what}; try again shortly"))


# Noted on an error (`add_note`) by `db.provide_connection` when the request's connection was
# closed under it: asyncpg's pool then takes the connection back and detaches the request's
# handle, whose next use raises InterfaceError "released back to the pool", which otherwise
# means a misuse.
CLOSED_UNDER_REQUEST = "the request's connection was closed under it"


def connection_lost_handler(request: Request, exc: Exception) -> Response:
    """A connection closed under the request (the server restarted, the network broke): 503.
    asyncpg raises InterfaceError for a closed connection and for misuse alike; misuse is ours."""
    closed = (isinstance(exc, OSError | asyncpg.InternalClientError)  # a broken protocol state
              or "closed" in str(exc)
              or CLOSED_UNDER_REQUEST in getattr(exc, "__notes__", ()))
    return unavailable(exc) if closed else internal_error_handler(request, exc)


def database_error_handler(_: Request, exc: asyncpg.PostgresError) -> Response:
    """Constraint violations are the client's conflict or bad value; anything else is ours."""
    if isinstance(exc, UNAVAILABLE_ERRORS):
        return unavailable(exc)
    field = _column_from_constraint(exc)
    if isinstance(exc, asyncpg.UniqueViolationError | asyncpg.ExclusionViolationError):
        return _problem(409, "Conflict", "conflict", f"{field}: already exists or overlaps",
                        [FieldError(field, "already exists or overlaps")])
    if isinstance(exc, asyncpg.ForeignKeyViolationError):
        return _problem(409, "Conflict", "conflict", f"{field}: refers to something missing or "
                        "is still referred to", [FieldError(field, "reference not satisfied")])
    if isinstance(exc, asyncpg.SerializationError | asyncpg.DeadlockDetectedError):
        return _problem(409, "Conflict", "retry", "concurrent update; retry the request", [])
    if isinstance(exc, asyncpg.IntegrityConstraintViolationError | asyncpg.DataError):
        message = "value not allowed"
        return _problem(422, "Invalid request", "invalid", f"{field}: {message}",
                        [FieldError(field, message)])
    if isinstance(exc, asyncpg.ProgramLimitExceededError):
        # An index row or a tsvector over PostgreSQL's size limit: validation should have
        # refused the value first, but the client still gets a 4xx, not a 500.
        log.warning("a value reached a PostgreSQL limit: %s", exc)
        message = "value too large to store"
        return _problem(422, "Invalid request", "invalid", f"{field}: {message}",
                        [FieldError(field, message)])
    return internal_error_handler(_, exc)


def internal_error_handler(_: Request, exc: Exception) -> Response:
    log.exception("unhandled error", exc_info=exc)
    return _problem(500, "Internal server error", "internal", "", [])


EXCEPTION_HANDLERS: dict[Any, Any] = {
    DomainError: domain_error_handler,
    ValidationException: validation_error_handler,
    HTTPException: http_error_handler,
    asyncpg.PostgresError: database_error_handler,
    asyncpg.InterfaceError: connection_lost_handler,
    asyncpg.InternalClientError: connection_lost_handler,
    ConnectionError: connection_lost_handler,
    Exception: internal_error_handler,
}
