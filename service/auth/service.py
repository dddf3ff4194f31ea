"""Issuing tokens, shared by the API and the `ladder token create` command."""

from datetime import UTC, datetime, timedelta
from uuid import UUID

import asyncpg

from service.auth import store
from service.auth.logic import Role, new_token
from service.auth.schemas import TokenCreated
from service.errors import Invalid


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
