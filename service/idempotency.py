"""`Idempotency-Key` for requests that move money or book places: a retry with the same key and
body gets the first answer again, byte for byte, and writes nothing; the same key with another
body is 409. Keys belong to the caller (their record, or an admin's token), so two callers
cannot collide.

Usage in a route, after the access checks:

    return await once(db, principal, idempotency_key, scope=f"contribution {worker_id}",
                      request=data, work=lambda: service.contribute(db, principal, ...))
"""

import hashlib
from collections.abc import Awaitable, Callable
from typing import Annotated, Any

import asyncpg
import msgspec
from litestar import Response
from litestar.params import HeaderParameter

from service.auth.logic import Principal
from service.errors import Conflict, Invalid
from service.sql import load_queries

Q = load_queries(__file__)
HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 200
REPLAYED_HEADER = "Idempotent-Replayed"

IdempotencyKey = Annotated[str | None, HeaderParameter(
    name=HEADER, required=False,
    description="Required: a unique key for this request (e.g. a UUID), reused on retries.")]


def check_key(key: str | None) -> str:
    if key is None or not key.strip():
        raise Invalid.on_field(HEADER, "this request moves money: send an Idempotency-Key "
                               "header (a new UUID, say) and reuse it when you retry")
    if len(key) > MAX_KEY_LENGTH:
        raise Invalid.on_field(HEADER, f"at most {MAX_KEY_LENGTH} characters")
    return key


def key_owner(principal: Principal) -> str:
    return f"{principal.role}:{principal.subject_id or principal.token_id}"


def request_hash(scope: str, request: Any) -> bytes:
    """The scope (route and target) and the decoded body: formatting does not matter, content
    does."""
    return hashlib.sha256(scope.encode() + b"\0" + msgspec.json.encode(request)).digest()


async def once(conn: asyncpg.Connection, principal: Principal, key: str | None, scope: str,
               request: Any, work: Callable[[], Awaitable[Any]],
               status_code: int = 201) -> Response:
    """Run `work` once per key, in the caller's transaction (so a failure keeps nothing, and the
    key can be retried)."""
    key = check_key(key)
    owner, digest = key_owner(principal), request_hash(scope, request)
    if await conn.fetchval(*Q.claim(owner=owner, key=key, scope=scope, digest=digest)):
        body = msgspec.json.encode(await work())
        await conn.execute(*Q.keep_response(owner=owner, key=key, status_code=status_code,
                                            body=body))
        return Response(content=body, status_code=status_code, media_type="application/json")
    stored = await conn.fetchrow(*Q.stored(owner=owner, key=key))
    if stored["scope"] != scope or stored["request_hash"] != digest:
        raise Conflict.on_field(HEADER, "this key was used for a different request; use a new "
                                "key for a new request")
    return Response(content=bytes(stored["response_body"]), status_code=stored["status_code"],
                    media_type="application/json", headers={REPLAYED_HEADER: "true"})


async def forget_worker(conn: asyncpg.Connection, worker_id: Any) -> int:
    """Delete the kept answers of requests about a worker (their erasure); how many."""
    done = await conn.execute(*Q.forget_worker(worker_id=worker_id))
    return int(done.split()[-1])
