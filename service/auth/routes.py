from uuid import UUID

from litestar import Controller, Request, delete, post
from litestar.connection import ASGIConnection
from litestar.datastructures import State
from litestar.handlers.base import BaseRouteHandler
from litestar.params import FromPath, JSONBody

from service.auth import store
from service.auth.logic import Principal, bearer_token, hash_token
from service.auth.schemas import TokenCreated, TokenIn, TokenRevoked
from service.auth.service import issue_token
from service.deps import Caller, Db
from service.errors import NotAuthenticated, NotFound


async def authenticate(connection: ASGIConnection, _: BaseRouteHandler) -> None:
    """App-wide guard: everything under /v1 needs a valid bearer token. A guard runs before the
    body is read, so an anonymous caller learns nothing but 401."""
    if not connection.scope["path"].startswith("/v1/"):
        return
    token = bearer_token(connection.headers.get("authorization"))
    if token is None:
        raise NotAuthenticated("send 'Authorization: Bearer <token>'")
    async with connection.app.state.pool.acquire() as conn:
        principal = await store.principal_for_token(conn, hash_token(token))
    if principal is None:
        raise NotAuthenticated("the token is unknown, expired or revoked")
    connection.state.principal = principal


def provide_principal(request: Request) -> Principal:
    principal = getattr(request.state, "principal", None)
    if principal is None:  # a handler outside /v1 asked for a caller
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
