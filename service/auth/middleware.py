"""Authentication: every route that is not public needs a valid bearer token; and the one
middleware every route runs (`RouteMiddleware`)."""

from litestar.types import ASGIApp, Receive, Scope, Send

from service import db
from service.auth import store
from service.auth.cache import TokenCache
from service.auth.guards import ROLE_CHECK, is_public
from service.auth.logic import Principal, bearer_token, hash_token
from service.errors import NotAuthenticated

BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})


def _authorization(scope: Scope) -> str | None:
    for name, value in scope["headers"]:
        if name == b"authorization":
            return value.decode("latin-1")
    return None


async def authenticate(scope: Scope) -> Principal:
    """Find the caller of a route that is not public, or refuse with 401. A token seen in the
    last second is answered from the app's `TokenCache` (see there for how long a revocation
    takes to reach other instances); otherwise it is looked up on the request's own connection
    (one pool checkout per request), and a request with a body gives that connection back while
    its body streams in, so a slow upload holds none."""
    token = bearer_token(_authorization(scope))
    if token is None:
        raise NotAuthenticated("send 'Authorization: Bearer <token>'")
    token_hash = hash_token(token)
    cache: TokenCache = scope["litestar_app"].state.token_cache
    principal = cache.get(token_hash)
    if principal is None:
        generation = cache.generation
        holder = db.request_connection(scope)
        found = await store.principal_for_token(await holder.get(), token_hash)
        if scope["method"] in BODY_METHODS:
            await holder.release()
        if found is None:
            raise NotAuthenticated("the token is unknown, expired or revoked")
        principal, expires_at = found
        cache.put(token_hash, principal, expires_at, generation)
    scope["state"]["principal"] = principal
    return principal


class RouteMiddleware:
    """Every route's one middleware, after routing and before the handler, its dependencies and
    its body (one layer where there were three): the body's time limit (`db.timed_body`),
    authentication (`authenticate`), the role the route's guard declares (an API route's,
    handed over by `guards.take_over_role_checks`: 403 before the body is read), and the
    request's connection given back to the pool however the request ends
    (`db.release_request_connection`).

    Authentication and roles here rather than in guards: Litestar copies the route handler for
    every guard it calls, which costs each request more than the check itself. OPTIONS
    needs no token: Litestar answers it itself with the allowed methods and no data (Ladder
    defines no OPTIONS route; one that returned data would need its own check). A WebSocket
    route, when one comes, must authenticate here too. The web pages (`opt={"web": True}`,
    service/web/) find their caller from a session cookie instead (`WebSessionMiddleware`)."""

    __slots__ = ("app",)

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        handler = scope["route_handler"]
        method = scope["method"]
        try:
            if method != "OPTIONS" and not is_public(handler) and not handler.opt.get("web"):
                principal = await authenticate(scope)
                role_check = handler.opt.get(ROLE_CHECK)
                if role_check is not None:
                    role_check.check(principal)
            if method not in db.READ_ONLY_METHODS:  # a GET's body is never read
                receive = db.timed_body(
                    receive, scope["litestar_app"].state.settings.body_timeout_seconds)
            await self.app(scope, receive, send)
        except db.BROKEN_CONNECTION:
            db.discard_request_connection(scope)
            raise
        finally:
            await db.release_request_connection(scope)
