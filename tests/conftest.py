"""One real PostgreSQL per test session (the embedded one, or LADDER_TEST_DATABASE_URL's server),
migrated once; integration tests get an empty database each (see integration/conftest.py)."""

import os
import secrets
import subprocess
import sys
import tempfile
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import httpx
import pytest

from service import db
from service.app import create_app
from service.auth.service import issue_token
from service.courses import syncs
from service.migrations import migrate
from service.reference.schemas import LoadReport
from service.reference.service import load_catalogue
from service.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
# Tables filled by migrations or by loading reference data: kept between tests.
KEEP_TABLES = {"schema_migrations", "policies", "isco_group_risks", "occupations", "skills",
               "occupation_labels", "skill_labels", "occupation_skills", "reference_loads",
               "everyday_job_titles", "skill_tags", "occupation_transitions"}


def with_database(url: str, name: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


@pytest.fixture
def fresh_url(database_url: str) -> str:
    """A new, empty database on the session's server, for runs of the `ladder` command."""
    name = f"ladder_fresh_{secrets.token_hex(4)}"
    db.ensure_database(database_url, name)
    return with_database(database_url, name)


def start_ladder(*args: str, url: str, migrations: Path | None = None,
                 env: dict[str, str] | None = None) -> subprocess.Popen:
    """`ladder ARGS` in a subprocess against the database at `url` (with `env` added)."""
    env = os.environ | {"LADDER_DATABASE_URL": url} | (env or {})
    if migrations:
        env["LADDER_MIGRATIONS_DIR"] = str(migrations)
    return subprocess.Popen([sys.executable, "-m", "service.cli", *args], env=env, cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def run_ladder(*args: str, url: str, env: dict[str, str] | None = None
               ) -> subprocess.CompletedProcess:
    process = start_ladder(*args, url=url, env=env)
    out, err = process.communicate(timeout=300)
    return subprocess.CompletedProcess(process.args, process.returncode, out, err)


@pytest.fixture(scope="session")
def database_url() -> Iterator[str]:
    external = os.environ.get("LADDER_TEST_DATABASE_URL")
    if external:
        name = f"ladder_test_{secrets.token_hex(4)}"
        db.ensure_database(external, name)
        yield with_database(external, name)
        return
    # Not under pytest's private tmp dir: the server runs as another user when we are root.
    data_dir = Path(tempfile.mkdtemp(prefix="ladder-test-pg-"))
    yield db.start_embedded(data_dir, database="ladder_test", cleanup_mode="delete")


@pytest.fixture(scope="session")
def settings(database_url: str) -> Settings:
    return Settings(database_url=database_url, data_dir=ROOT / ".pytest-data",
                    migrations_dir=ROOT / "migrations", catalogue_dir=ROOT / "catalogue",
                    run_scheduler=False)


@pytest.fixture(scope="session")
async def pool(database_url: str, settings: Settings) -> AsyncIterator[asyncpg.Pool]:
    conn = await asyncpg.connect(database_url)
    try:
        await migrate(conn, settings.migrations_dir)
    finally:
        await conn.close()
    pool = await db.create_pool(database_url, min_size=2, max_size=30)
    yield pool
    await pool.close()


@pytest.fixture(scope="session")
async def reference_data(pool: asyncpg.Pool, settings: Settings) -> LoadReport:
    """The real ESCO and automation-risk catalogue, loaded once per session by the tests that
    need it; the report is that of the session's first load."""
    async with pool.acquire() as conn:
        return await load_catalogue(conn, settings.catalogue_dir)


@pytest.fixture(scope="session")
async def lease_pool(pool: asyncpg.Pool, database_url: str,
                     settings: Settings) -> AsyncIterator[asyncpg.Pool]:
    """The syncs' lease pool, as a server has one beside its request pool."""
    lease_pool = await syncs.create_pool(database_url, settings)
    yield lease_pool
    await lease_pool.close()


@pytest.fixture(scope="session")
def app(settings: Settings, pool: asyncpg.Pool, lease_pool: asyncpg.Pool):
    return create_app(settings, pool=pool, lease_pool=lease_pool)


@pytest.fixture
async def client(app) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://ladder.test") as client:
        yield client


class Api:
    """Tokens and records for a test, made through the API wherever the API can make them."""

    def __init__(self, client: httpx.AsyncClient, pool: asyncpg.Pool) -> None:
        self.client = client
        self.pool = pool
        self._admin: dict[str, str] | None = None

    async def token(self, role: str, subject_id: Any = None, name: str = "test") -> dict[str, str]:
        async with self.pool.acquire() as conn:
            created = await issue_token(conn, role, name, uuid.UUID(str(subject_id))
                                        if subject_id else None, None, 1)
        return {"Authorization": f"Bearer {created.token}"}

    async def admin(self) -> dict[str, str]:
        if self._admin is None:
            self._admin = await self.token("admin", name="test admin")
        return self._admin

    async def create(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        response = await self.client.post(path, json=body, headers=await self.admin())
        assert response.status_code == 201, response.text
        return response.json()

    async def worker(self, **fields: Any) -> dict[str, Any]:
        return await self.create("/v1/workers", worker_body(**fields))

    async def rep(self, **fields: Any) -> dict[str, Any]:
        body = {"name": "Rita Rep", "email": f"rep-{secrets.token_hex(4)}@example.org",
                "branch": "Leeds UNISON"} | fields
        return await self.create("/v1/reps", body)

    async def provider(self, **fields: Any) -> dict[str, Any]:
        body = {"ukprn": f"1{secrets.randbelow(10**7):07d}", "name": "Test College"} | fields
        return await self.create("/v1/providers", body)

    async def worker_token(self, worker: dict[str, Any]) -> dict[str, str]:
        return await self.token("worker", worker["id"])

    async def rep_token(self, rep: dict[str, Any]) -> dict[str, str]:
        return await self.token("rep", rep["id"])

    async def college_token(self, provider: dict[str, Any]) -> dict[str, str]:
        return await self.token("college", provider["id"])


def worker_body(**fields: Any) -> dict[str, Any]:
    return {
        "external_ref": f"EMP-{secrets.token_hex(4)}",
        "name": "Pat Example",
        "email": "pat@example.org",
        "birth_date": "1970-05-01",
        "branch": "Leeds UNISON",
        "employer": "Leeds City Council",
        "region": "E12000003",
        "occupation": None,
        "contract_type": "permanent",
        "weekly_hours": 37,
        "highest_qualification": "3",
        "facing_redundancy": False,
    } | fields


@pytest.fixture
def api(client: httpx.AsyncClient, pool: asyncpg.Pool) -> Api:
    return Api(client, pool)
