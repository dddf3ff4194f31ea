"""Every error status a route can answer, in the OpenAPI document, declared once.

Litestar documents only a route's success and, for routes with input, its own 400 body
(`{"status_code", "detail", "extra"}`), which Ladder never sends. `ProblemResponses` is a plugin
that looks at each route handler as it is registered and adds the statuses its kind of route
can answer, each with the problem+json body that `service.errors` really sends:

- every route that is not public (`RouteMiddleware`'s rule, `is_public`): 401 and
  the bearer security requirement (only there: /health, /ready and /schema are public, so it
  is not document-wide);
- every route with a `requires` guard (`service.auth.guards`): 403, naming the roles it admits
  (a route open to every role may still refuse a record outside the caller's scope);
- with path parameters: 404 (nothing has that id);
- with any input (path, query, header, body): 400 and 422, replacing Litestar's 400;
- with a JSON body: 413 (the app's body size limit) and 415 (a media type that is not JSON);
- writes that need a token (POST, PUT, PATCH, DELETE): 409 (a duplicate, a reference not
  satisfied, or a concurrent update: every write runs in a transaction whose constraint errors
  map to 409);
- every route but `/health` (which touches nothing): 503 with `Retry-After` (the database is
  unreachable, no connection came free in time, a statement or lock wait passed its time
  limit, or the body arrived too slowly; `service.errors.Unavailable`).

A handler with a status this rule cannot see says so with `responses=problems(...)`; what a
handler declares in `responses` wins over the rule (so it can also sharpen a description).
"""

from collections.abc import Mapping

from litestar.handlers import HTTPRouteHandler
from litestar.openapi.datastructures import ResponseSpec
from litestar.plugins import ReceiveRoutePlugin
from litestar.routes import BaseRoute, HTTPRoute

from service.auth.guards import role_guards
from service.auth.routes import is_public
from service.errors import PROBLEM_JSON, Problem

BEARER = {"bearer": []}  # the security scheme create_app declares in the OpenAPI components
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
NEVER_UNAVAILABLE = frozenset({"/health"})  # answers without the database

DESCRIPTIONS = {
    400: "Malformed request: the body is not JSON, or the input cannot be read at all",
    401: "No bearer token, or the token is unknown, expired or revoked",
    403: "The token's role may not do this, or not to this record",
    404: "Nothing has the id or key given",
    409: "Conflicts with what is stored: a duplicate, a reference not satisfied, or a "
         "concurrent update (retry)",
    413: "The body is larger than the service accepts",
    415: "The body's media type is not one this route reads",
    422: "A field, parameter or header has a value that is not allowed; `errors` names it",
    503: "The service cannot answer right now (the database is unreachable or restarting, "
         "or a time limit was reached); retry after the `Retry-After` seconds",
}


def problem_response(status: int, description: str | None = None) -> ResponseSpec:
    return ResponseSpec(data_container=Problem, media_type=PROBLEM_JSON, generate_examples=False,
                        description=description or DESCRIPTIONS.get(status, "Error"))


def problems(*statuses: int | Mapping[int, str]) -> dict[int, ResponseSpec]:
    """A handler's own error statuses, for `responses=`: `problems(409)`, or with a description
    of what it means there, `problems({409: "a worker with this external_ref exists"})`."""
    specs: dict[int, ResponseSpec] = {}
    for item in statuses:
        pairs = item.items() if isinstance(item, Mapping) else [(item, None)]
        for status, description in pairs:
            specs[status] = problem_response(status, description)
    return specs


def derived_statuses(path: str, handler: HTTPRouteHandler, has_path_params: bool,
                     has_other_params: bool) -> set[int]:
    """The error statuses a route answers by its kind alone (see the module docstring)."""
    statuses: set[int] = set()
    has_body = "data" in handler.parsed_fn_signature.parameters
    if role_guards(handler):
        statuses.add(403)
    if not is_public(handler):
        statuses.add(401)
        if handler.http_methods & WRITE_METHODS:
            statuses.add(409)
    if has_path_params:
        statuses.add(404)
    if has_body or has_path_params or has_other_params:
        statuses |= {400, 422}
    if has_body:
        statuses |= {413, 415}
    if path not in NEVER_UNAVAILABLE:
        statuses.add(503)
    return statuses


def forbidden_description(handler: HTTPRouteHandler) -> str:
    """What the route's 403 means: the roles its guard admits, and the data scope."""
    guards = role_guards(handler)
    scope = "the record is not one this token may act on"
    if all(guard.any_role for guard in guards):
        return scope[0].upper() + scope[1:]
    roles = " or ".join(guards[-1].roles)
    return f"Needs the role {roles}; or {scope}"


class ProblemResponses(ReceiveRoutePlugin):
    """Give every route handler its problem+json responses as it is registered."""

    def receive_route(self, route: BaseRoute) -> None:
        if not isinstance(route, HTTPRoute):
            return
        seen: set[int] = set()
        for handler, kwargs_model in route.route_handler_map.values():
            if id(handler) in seen or not handler.resolve_include_in_schema():
                continue
            seen.add(id(handler))
            other_params = (kwargs_model.expected_query_params | kwargs_model.expected_header_params
                            | kwargs_model.expected_cookie_params)
            statuses = derived_statuses(route.path, handler, bool(route.path_parameters),
                                        bool(other_params))
            # new values, never the handler's own: Litestar copies handlers per app shallowly,
            # and a route can be received again when another handler joins its path
            security = list(handler.security or [])
            if not is_public(handler) and BEARER not in security:
                handler.security = [*security, BEARER]
            derived = problems(*sorted(statuses))
            if 403 in derived:
                derived[403] = problem_response(403, forbidden_description(handler))
            handler.responses = {**derived, **(handler.responses or {})}
