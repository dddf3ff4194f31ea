"""A throwaway database for a benchmark: on LADDER_DATABASE_URL's server if set, else on an
embedded PostgreSQL in a temporary directory; created empty, dropped afterwards."""

import asyncio
import os
import secrets
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from service import db  # noqa: E402


def run_on_scratch_database(bench: Callable[[str], Awaitable[None]]) -> None:
    """Run `bench(url)` against a new, empty database."""
    server_url = os.environ.get("LADDER_DATABASE_URL")
    if server_url:
        asyncio.run(_on_new_database(server_url, bench))
        return
    with tempfile.TemporaryDirectory(prefix="ladder-bench-") as data_dir:
        server_url = db.start_embedded(Path(data_dir), database="postgres")
        asyncio.run(_on_new_database(server_url, bench))


async def _on_new_database(server_url: str, bench: Callable[[str], Awaitable[None]]) -> None:
    name = f"ladder_bench_{secrets.token_hex(4)}"
    await asyncio.to_thread(db.ensure_database, server_url, name)
    try:
        await bench(urlunsplit(urlsplit(server_url)._replace(path=f"/{name}")))
    finally:
        admin = await asyncpg.connect(server_url)
        try:
            await admin.execute(await admin.fetchval(
                "SELECT format('DROP DATABASE %I WITH (FORCE)', $1::text)", name))
        finally:
            await admin.close()


def wait_until_healthy(base: str, process: "subprocess.Popen", seconds: float = 30) -> None:
    """Until `base`/health answers 200; fails if the server exits or the time runs out."""
    deadline = time.monotonic() + seconds
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"the server at {base} exited with {process.returncode}")
        try:
            if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
