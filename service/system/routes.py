import msgspec
from litestar import Response, get
from litestar.datastructures import State
from litestar.openapi.datastructures import ResponseSpec

from service.migrations import MigrationError, pending_migrations


class Health(msgspec.Struct):
    status: str


class Readiness(msgspec.Struct, omit_defaults=True):
    status: str
    database: str
    pending_migrations: list[str] = []
    detail: str = ""


@get("/health", tags=["system"], summary="The process is up", opt={"public": True})
async def health() -> Health:
    return Health("ok")


@get("/ready", tags=["system"], summary="The database is reachable and migrations are current",
     responses={503: ResponseSpec(Readiness, generate_examples=False, description="Not ready: "
                                  "the database is unreachable or migrations are pending")},
     opt={"public": True})
async def ready(state: State) -> Response[Readiness]:
    try:
        async with state.pool.acquire(timeout=state.settings.pool_acquire_timeout_seconds) as conn:
            pending = await pending_migrations(conn, state.settings.migrations_dir)
    except MigrationError as exc:
        return Response(Readiness("not ready", "reachable", detail=str(exc)), status_code=503)
    except (OSError, TimeoutError, Exception) as exc:  # noqa: BLE001 - any failure is "not ready"
        return Response(Readiness("not ready", "unreachable", detail=type(exc).__name__),
                        status_code=503)
    if pending:
        names = [f"{m.version:04d}_{m.name}" for m in pending]
        return Response(Readiness("not ready", "reachable", names), status_code=503)
    return Response(Readiness("ready", "reachable"))
