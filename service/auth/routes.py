from uuid import UUID

from litestar import Controller, Request, delete, post
from litestar.datastructures import State
from litestar.params import FromPath, JSONBody

from service import db
from service.auth.guards import is_public, requires, requires_any_role
from service.auth.logic import Principal
from service.auth.schemas import TokenCreated, TokenIn, TokenRevoked
from service.auth.service import issue_token, revoke_token
from service.deps import Caller, Db
from service.errors import NotAuthenticated


def provide_principal(request: Request) -> Principal | None:
    """The caller `RouteMiddleware` found; None on a public route (where no handler
    asks for one, but the `db` dependency is resolved after it)."""
    principal = getattr(request.state, "principal", None)
    if principal is None and not is_public(request.route_handler):
        raise NotAuthenticated("send 'Authorization: Bearer <token>'")
    return principal


class TokenController(Controller):
    path = "/v1/tokens"
    tags = ["tokens"]

    @post("/", guards=[requires("admin")],
          summary="Issue a token (admin); the token is shown once")
    async def create(self, data: JSONBody[TokenIn], db: Db, principal: Caller,
                     state: State) -> TokenCreated:
        return await issue_token(db, data.role, data.name, data.subject_id, data.expires_at,
                                 state.settings.token_default_days)

    @delete("/{token_id:uuid}", status_code=200, guards=[requires_any_role()],
            summary="Revoke a token (admin, or the token's own holder)")
    async def revoke(self, token_id: FromPath[UUID], request: Request, principal: Caller,
                     state: State) -> TokenRevoked:
        """Committed here, not at the end of the request, so that the token is forgotten by
        this process's cache only once no lookup can find it live again."""
        conn = await db.request_connection(request.scope).get()
        async with conn.transaction():
            revoked = await revoke_token(conn, principal, token_id)
        state.token_cache.forget(token_id)
        return revoked
