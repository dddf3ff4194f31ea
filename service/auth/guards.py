"""Which roles may call a route, declared on the route: `guards=[requires("admin", "rep")]` on
a handler, or on its Controller when every handler shares it. A route open to every role says
so too (`requires_any_role()`), so that a test can check that no route forgot its guard.

On the API's routes the guard is data: `take_over_role_checks` (at app start) hands each one to
`RouteMiddleware`, which checks the role right after authentication, and takes it out of the
guards Litestar runs, since Litestar copies the route handler for every guard it calls. The web
pages' guards stay Litestar's: their caller is found by the web's own middleware, after
`RouteMiddleware`.

The guard checks the role only. Which records a caller may touch (whose worker, which branch,
which provider) depends on the data and is checked where the data is read, by one helper per
kind: `people.service.visible_worker`, `Principal.require_branch`, `Principal.require_provider`.
"""

from dataclasses import dataclass

from litestar import Litestar
from litestar.connection import ASGIConnection
from litestar.handlers.base import BaseRouteHandler
from litestar.routes import HTTPRoute
from litestar.types import Scope

from service.auth.logic import ROLES, Principal, Role
from service.errors import Forbidden, NotAuthenticated


def is_public(handler: BaseRouteHandler) -> bool:
    """Routes open without a token say so on the route: `opt={"public": True}` (the OpenAPI
    schema's router is marked so in app.py)."""
    return bool(handler.opt.get("public"))


def caller(scope: Scope) -> Principal:
    """The caller `RouteMiddleware` found, for a handler that takes no `principal`
    dependency; refused (401) rather than None, should a public route ever ask."""
    principal = scope["state"].get("principal")
    if principal is None:
        raise NotAuthenticated("send 'Authorization: Bearer <token>'")
    return principal


@dataclass(frozen=True, slots=True)
class RoleGuard:
    """Refuses (403) a caller whose token's role is not one of `roles`. It runs after
    `RouteMiddleware` has found the caller and before the body is read."""

    roles: tuple[Role, ...]

    @property
    def any_role(self) -> bool:
        return set(self.roles) == set(ROLES)

    def describe(self) -> str:
        return "any role" if self.any_role else f"the role {' or '.join(self.roles)}"

    async def __call__(self, connection: ASGIConnection, _: BaseRouteHandler) -> None:
        if connection.scope.get("method") == "OPTIONS":
            return  # Litestar's own answer (allowed methods, no data), open as in the middleware
        self.check(connection.scope["state"].get("principal"))

    def check(self, principal: Principal | None) -> None:
        if principal is None:  # a guard on a public route: a mistake, refused rather than let in
            raise NotAuthenticated("send 'Authorization: Bearer <token>'")
        if principal.role not in self.roles:
            raise Forbidden(f"this needs {self.describe()}; the token is {principal.role}")


def requires(*roles: Role) -> RoleGuard:
    """The guard admitting only `roles` (every role the route may be called by at all; rules
    that depend on the data, such as a rep adding only union money, stay in the service)."""
    unknown = sorted(set(roles) - set(ROLES))
    if not roles or unknown:
        raise ValueError(f"requires() needs roles among {ROLES}; got {roles}")
    return RoleGuard(tuple(dict.fromkeys(roles)))


def requires_any_role() -> RoleGuard:
    """Every authenticated role may call the route (its data scope may still refuse)."""
    return RoleGuard(ROLES)


def role_guards(handler: BaseRouteHandler) -> list[RoleGuard]:
    """The `requires` guards declared on the handler and the layers that own it."""
    return [guard for layer in handler.ownership_layers for guard in (layer.guards or [])
            if isinstance(guard, RoleGuard)]


ROLE_CHECK = "ladder.role_check"  # the handler's opt key: the RoleGuard RouteMiddleware checks


def take_over_role_checks(app: Litestar) -> None:
    """For every API route (not public, not a web page): its declared role guard goes into its
    `opt[ROLE_CHECK]` (None when every role may call it: authentication is the whole check)
    for `RouteMiddleware`, and out of the guards Litestar runs for it. Should Litestar ever
    stop handing back its own list from `resolve_guards`, the guard simply runs twice."""
    for route in app.routes:
        if not isinstance(route, HTTPRoute):
            continue
        for handler in route.route_handlers:
            if handler.opt.get("web") or is_public(handler):
                continue
            declared = role_guards(handler)
            if len(declared) != 1:  # tests/unit/test_route_guards.py keeps this from happening
                continue
            handler.opt[ROLE_CHECK] = None if declared[0].any_role else declared[0]
            guards = handler.resolve_guards()
            guards[:] = [guard for guard in guards if not isinstance(guard, RoleGuard)]
