"""Issuing tokens, shared by the API and the `ladder token create` command; revoking them."""

from datetime import UTC, datetime, timedelta
from uuid import UUID

import asyncpg

from service.auth import store
from service.auth.logic import Principal, Role, new_token
from service.auth.schemas import TokenCreated, TokenRevoked
from service.errors import Forbidden, Invalid, NotFound


async def issue_token(conn: asyncpg.Connection, role: Role, name: str, subject_id: UUID | None,
                      expires_at: datetime | None, default_days: int) -> TokenCreated:
    if role == "admin":
        if subject_id is not None:
            raise Invalid.on_field("subject_id", "an admin token has no subject")
    elif subject_id is None:
        raise Invalid.on_field("subject_id", f"a {role} token needs the {role}'s id")
    elif not await store.subject_exists(conn, role, subject_id):
        raise Invalid.on_field("subject_id", f"no {role} with id {subject_id}")
    now = datetime.now(UTC)
    if expires_at is None:
        expires_at = now + timedelta(days=default_days)
    elif expires_at.tzinfo is None:
        raise Invalid.on_field("expires_at", "needs a UTC offset (RFC 3339)")
    elif expires_at <= now:
        raise Invalid.on_field("expires_at", "must be in the future")
    plain, digest = new_token()
    row = await store.insert_token(conn, digest, role, name, subject_id, expires_at)
    return TokenCreated(row["id"], plain, row["role"], row["name"], row["expires_at"])


async def revoke_token(conn: asyncpg.Connection, principal: Principal,
                       token_id: UUID) -> TokenRevoked:
    """Admins revoke any token; anyone else only the token they are calling with."""
    if token_id != principal.token_id and principal.role != "admin":
        raise Forbidden("this needs the role admin, or the token's own holder; the token is "
                        f"{principal.role}")
    row = await store.revoke_token(conn, token_id)
    if row is None:
        raise NotFound(f"no token with id {token_id}")
    return TokenRevoked(row["id"], row["revoked_at"])
