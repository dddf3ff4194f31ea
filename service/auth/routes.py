from uuid import UUID

from litestar import Controller, Request, delete, post
from litestar.connection import ASGIConnection
from litestar.datastructures import State
from litestar.handlers.base import BaseRouteHandler
from litestar.params import FromPath, JSONBody

from service import db
from service.auth import store
from service.auth.logic import Principal, bearer_token, hash_token
from service.auth.schemas import TokenCreated, TokenIn, TokenRevoked
from service.auth.service import issue_token
from service.deps import Caller, Db
from service.errors import NotAuthenticated, NotFound

BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})


def is_public(handler: BaseRouteHandler) -> bool:
    """Routes open without a token say so on the route: `opt={"public": True}` (the OpenAPI
    schema's router is marked so in app.py)."""
    return bool(handler.opt.get("public"))


async def authenticate(connection: ASGIConnection, handler: BaseRouteHandler) -> None:
    """App-wide guard: every route that is not public needs a valid bearer token. The token is
    looked up on the request's own connection (one pool checkout per request). A guard runs
    before the body is read, so an anonymous caller learns nothing but 401, and a request with a
    body gives the connection back while the body streams in, so slow uploads hold none."""
    if is_public(handler):
        return
    token = bearer_token(connection.headers.get("authorization"))
    if token is None:
        raise NotAuthenticated("send 'Authorization: Bearer <token>'")
    holder = db.request_connection(connection.scope)
    principal = await store.principal_for_token(await holder.get(), hash_token(token))
    if connection.scope["method"] in BODY_METHODS:
        await holder.release()
    if principal is None:
        raise NotAuthenticated("the token is unknown, expired or revoked")
    connection.state.principal = principal


def provide_principal(request: Request) -> Principal:
    principal = getattr(request.state, "principal", None)
    if principal is None:  # a public handler asked for a caller
        raise NotAuthenticated("send 'Authorization: Bearer <token>'")
    return principal


class TokenController(Controller):
    path = "/v1/tokens"
    tags = ["tokens"]

    @post("/", summary="Issue a token (admin); the token is shown once")
    async def create(self, data: JSONBody[TokenIn], db: Db, principal: Caller,
                     state: State) -> TokenCreated:
        principal.require("admin")
        return await issue_token(db, data.role, data.name, data.subject_id, data.expires_at,
                                 state.settings.token_default_days)

    @delete("/{token_id:uuid}", status_code=200,
            summary="Revoke a token (admin, or the token's own holder)")
    async def revoke(self, token_id: FromPath[UUID], db: Db,
                     principal: Caller) -> TokenRevoked:
        if token_id != principal.token_id:
            principal.require("admin")
        row = await store.revoke_token(db, token_id)
        if row is None:
            raise NotFound(f"no token with id {token_id}")
        return TokenRevoked(row["id"], row["revoked_at"])
