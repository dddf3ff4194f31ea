"""Time the annual accrual over many workers (first run, then the re-run that must add nothing)
and `GET /v1/workers/{id}/account` under concurrent load.

    .venv/bin/python bench/accounts.py [--workers 100000] [--batch-size 5000]
                                       [--requests 5000] [--concurrency 32]
                                       [--server-workers 2]

Uses LADDER_DATABASE_URL's server if set, else an embedded PostgreSQL in a temporary directory;
either way in a new database that is dropped afterwards. The reads are measured twice: with the
app in-process (httpx over ASGI, one Python process: the handler, auth guard, audit write and
database round trips) and through a real granian server on localhost."""

import argparse
import asyncio
import logging
import os
import random
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import asyncpg
import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.scratch import run_on_scratch_database, wait_until_healthy  # noqa: E402
from service import db  # noqa: E402
from service.accounts.service import accrue  # noqa: E402
from service.actor import SYSTEM  # noqa: E402
from service.app import create_app  # noqa: E402
from service.auth.service import issue_token  # noqa: E402
from service.migrations import migrate  # noqa: E402
from service.settings import Settings  # noqa: E402

MAKE_WORKERS = """
INSERT INTO workers (external_ref, employer, name, birth_date, branch, region, contract_type,
                     weekly_hours, highest_qualification)
SELECT 'B-' || n, 'Bench Council', 'Worker ' || n, DATE '1960-01-01' + (n % 15000),
       'Branch ' || (n % 50), 'E12000003',
       (ARRAY['permanent', 'permanent', 'fixed_term', 'zero_hours', 'agency'])[1 + n % 5],
       20 + n % 18, (ARRAY['none', '1', '2', '3', '4', '5', '6'])[1 + n % 7]
FROM generate_series(1, $1) AS n
"""


async def bench_accrual(conn: asyncpg.Connection, workers: int, batch_size: int) -> None:
    started = time.perf_counter()
    await conn.execute(MAKE_WORKERS, workers)
    print(f"setup: {workers} workers inserted in {time.perf_counter() - started:.1f} s")
    period = str(date.today().year)
    for label in ("first run", "re-run"):
        started = time.perf_counter()
        result = await accrue(conn, SYSTEM, period, batch_size=batch_size)
        seconds = time.perf_counter() - started
        print(f"accrual {label}: {seconds:6.2f} s  ({result.workers_credited_now} workers "
              f"credited, {result.credited_now_pence / 100:,.2f} GBP; batches of {batch_size})")
    entries = await conn.fetchval("SELECT count(*) FROM ledger_entries")
    print(f"ledger entries after both runs: {entries}")


async def load(client: httpx.AsyncClient, label: str, ids: list, token: str, requests: int,
               concurrency: int) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    timings: list[float] = []

    async def one_client(n: int) -> None:
        for _ in range(n):
            started = time.perf_counter()
            response = await client.get(f"/v1/workers/{random.choice(ids)}/account",
                                        headers=headers)
            timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, response.text

    await one_client(50)  # warm up
    timings.clear()
    started = time.perf_counter()
    await asyncio.gather(*[one_client(requests // concurrency) for _ in range(concurrency)])
    seconds = time.perf_counter() - started
    timings.sort()
    print(f"GET /account {label}: {len(timings) / seconds:,.0f} requests/s over {len(timings)} "
          f"requests, {concurrency} concurrent; latency median "
          f"{statistics.median(timings):.1f} ms, p95 {timings[int(len(timings) * .95)]:.1f} ms")


async def bench_account_reads(url: str, args: argparse.Namespace) -> None:
    pool = await db.create_pool(url, min_size=2, max_size=args.concurrency + 2)
    try:
        async with pool.acquire() as conn:
            ids = [r["id"] for r in await conn.fetch(
                "SELECT id FROM workers ORDER BY random() LIMIT 1000")]
            token = (await issue_token(conn, "admin", "bench", None, None, 1)).token
        app = create_app(Settings(database_url=url), pool=pool)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            await load(client, "in-process", ids, token, args.requests, args.concurrency)
    finally:
        await pool.close()
    if args.server_workers:
        with granian_server(url, args.server_workers) as base:
            limits = httpx.Limits(max_connections=args.concurrency)
            async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30) as client:
                await load(client, f"via granian, {args.server_workers} worker processes", ids,
                           token, args.requests, args.concurrency)


@contextmanager
def granian_server(url: str, workers: int) -> Iterator[str]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = os.environ | {"LADDER_DATABASE_URL": url, "LADDER_POOL_MAX_SIZE": "20"}
    process = subprocess.Popen(
        [sys.executable, "-m", "granian", "--interface", "asgi", "--host", "127.0.0.1",
         "--port", str(port), "--workers", str(workers), "--no-ws", "service.asgi:app"],
        env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_healthy(base, process)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


async def run(url: str, args: argparse.Namespace) -> None:
    logging.getLogger("httpx").setLevel(logging.WARNING)
    conn = await asyncpg.connect(url)
    try:
        await db.init_connection(conn)
        await migrate(conn, ROOT / "migrations")
        await bench_accrual(conn, args.workers, args.batch_size)
        await bench_account_reads(url, args)
    finally:
        await conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=100_000)
    parser.add_argument("--batch-size", type=int, default=5000)
    parser.add_argument("--requests", type=int, default=5000)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--server-workers", type=int, default=2,
                        help="also load a real granian server with this many processes (0: no)")
    args = parser.parse_args()
    run_on_scratch_database(lambda url: run(url, args))


if __name__ == "__main__":
    main()
