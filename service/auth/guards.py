"""Which roles may call a route, declared on the route: `guards=[requires("admin", "rep")]` on
a handler, or on its Controller when every handler shares it. A route open to every role says
so too (`requires_any_role()`), so that a test can check that no route forgot its guard.

The guard checks the role only. Which records a caller may touch (whose worker, which branch,
which provider) depends on the data and is checked where the data is read, by one helper per
kind: `people.service.visible_worker`, `Principal.require_branch`, `Principal.require_provider`.
"""

from dataclasses import dataclass

from litestar.connection import ASGIConnection
from litestar.handlers.base import BaseRouteHandler

from service.auth.logic import ROLES, Principal, Role
from service.errors import Forbidden, NotAuthenticated


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
        principal: Principal | None = connection.scope["state"].get("principal")
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
