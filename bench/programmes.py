"""Time the bulk intake (`POST /v1/workers/import` of a 10,000-row CSV: new, then unchanged, then
every row changed) against creating workers one `POST /v1/workers` at a time, and a programme
marking 50,000 workers facing redundancy (`POST /v1/programmes`) against the daily priority
refresh over the same database.

    .venv/bin/python bench/programmes.py [--rows 10000] [--single 300] [--flag 50000]

Uses LADDER_DATABASE_URL's server if set, else an embedded PostgreSQL in a temporary directory;
either way a new database, dropped afterwards, with the reference catalogue loaded (programmes
and imports name ESCO occupations). The app runs in-process (httpx over ASGI)."""

import argparse
import logging
import sys
import time
from pathlib import Path

import asyncpg
import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.scratch import run_on_scratch_database  # noqa: E402
from service import db  # noqa: E402
from service.app import create_app  # noqa: E402
from service.auth.service import issue_token  # noqa: E402
from service.migrations import migrate  # noqa: E402
from service.people.service import refresh_priorities  # noqa: E402
from service.reference.service import load_catalogue  # noqa: E402
from service.settings import Settings  # noqa: E402

HEADER = ("external_ref,name,email,birth_date,branch,employer,region,occupation,contract_type,"
          "weekly_hours,highest_qualification,facing_redundancy")
OCCUPATIONS = ["4313.1", "4132.1", "4110.1", "4311.1", "2511.1"]
CONTRACTS = ["permanent", "permanent", "fixed_term", "zero_hours", "agency"]

# The workers a programme flags: `flag` of Flag Council's payroll clerks, and as many again that
# it must leave alone (another occupation, or another employer).
MAKE_WORKERS = """
INSERT INTO workers (external_ref, employer, name, birth_date, branch, region, occupation,
                     contract_type, weekly_hours, highest_qualification)
SELECT 'F-' || n, CASE WHEN n > $1 AND n % 2 = 0 THEN 'Other Council' ELSE 'Flag Council' END,
       'Worker ' || n, DATE '1960-01-01' + (n % 15000), 'Branch ' || (n % 50), 'E12000003',
       CASE WHEN n <= $1 OR n % 2 = 0 THEN '4313.1' ELSE '4132.1' END,
       (ARRAY['permanent', 'permanent', 'fixed_term', 'zero_hours', 'agency'])[1 + n % 5],
       20 + n % 18, (ARRAY['none', '1', '2', '3', '4', '5', '6'])[1 + n % 7]
FROM generate_series(1, $1 * 2) AS n
"""


def csv_rows(rows: int, hours: int = 37) -> bytes:
    lines = [HEADER]
    for n in range(rows):
        lines.append(f"HR-{n},Worker {n},w{n}@example.org,{1960 + n % 40}-0{1 + n % 9}-15,"
                     f"Branch {n % 20},Import Council,E12000003,{OCCUPATIONS[n % 5]},"
                     f"{CONTRACTS[n % 5]},{hours - n % 3},{1 + n % 6},false")
    return ("\n".join(lines) + "\n").encode()


def single_body(n: int) -> dict:
    return {"external_ref": f"ONE-{n}", "name": f"Worker {n}", "email": f"one{n}@example.org",
            "birth_date": "1970-05-01", "branch": "Branch 1", "employer": "Single Council",
            "region": "E12000003", "occupation": OCCUPATIONS[n % 5],
            "contract_type": CONTRACTS[n % 5], "weekly_hours": 37 - n % 3,
            "highest_qualification": "3", "facing_redundancy": False}


async def bench_import(client: httpx.AsyncClient, headers: dict, rows: int, single: int) -> None:
    started = time.perf_counter()
    for n in range(single):
        response = await client.post("/v1/workers", json=single_body(n), headers=headers)
        assert response.status_code == 201, response.text
    per_row = (time.perf_counter() - started) / single
    print(f"baseline: {single} x POST /v1/workers, {per_row * 1000:.2f} ms a worker "
          f"({per_row * rows:.1f} s for {rows} at that rate)")
    csv_headers = headers | {"Content-Type": "text/csv"}
    for label, body in (("new", csv_rows(rows)), ("unchanged", csv_rows(rows)),
                        ("all changed", csv_rows(rows, hours=30))):
        started = time.perf_counter()
        response = await client.post("/v1/workers/import", content=body, headers=csv_headers)
        seconds = time.perf_counter() - started
        assert response.status_code == 200, response.text
        report = response.json()
        print(f"import {rows} rows, {label:11}: {seconds:6.2f} s ({len(body) / 1e6:.1f} MB; "
              f"created {report['created']}, updated {report['updated']}, unchanged "
              f"{report['unchanged']}, rejected {len(report['rejected'])}); "
              f"{per_row * rows / seconds:.0f}x the single-POST rate")


async def bench_flag(conn: asyncpg.Connection, client: httpx.AsyncClient, headers: dict,
                     flag: int) -> None:
    started = time.perf_counter()
    await conn.execute(MAKE_WORKERS, flag)
    await conn.execute("ANALYZE workers")
    print(f"setup: {flag * 2} more workers inserted in {time.perf_counter() - started:.1f} s "
          f"({flag} to flag)")
    started = time.perf_counter()
    changed = await refresh_priorities(conn)
    total = await conn.fetchval("SELECT count(*) FROM workers")
    baseline = time.perf_counter() - started
    print(f"baseline: the daily priority refresh over all {total} workers: {baseline:.2f} s "
          f"({changed} changed)")
    body = {"name": "Bench programme", "employer": "Flag Council", "occupations": ["4313.1"],
            "announced_on": "2026-01-15", "last_day": "2026-06-30", "reason": "bench"}
    started = time.perf_counter()
    response = await client.post("/v1/programmes", json=body, headers=headers)
    seconds = time.perf_counter() - started
    assert response.status_code == 201, response.text
    change = response.json()
    assert change["workers_added"] == flag, change
    flagged = await conn.fetchval("SELECT count(*) FROM workers WHERE facing_redundancy")
    print(f"POST /v1/programmes flagging {change['workers_added']} workers: {seconds:.2f} s "
          f"({change['newly_facing_redundancy']} newly marked, {change['priority_changed']} "
          f"scores changed; {flagged} workers facing redundancy in all); "
          f"{seconds / baseline:.2f}x the refresh's time")


async def run(url: str, args: argparse.Namespace) -> None:
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.basicConfig(level=logging.INFO, format="  progress: %(message)s")
    conn = await asyncpg.connect(url)
    try:
        await db.init_connection(conn)
        await migrate(conn, ROOT / "migrations")
        await load_catalogue(conn, ROOT / "catalogue")
        token = (await issue_token(conn, "admin", "bench", None, None, 1)).token
        headers = {"Authorization": f"Bearer {token}"}
        pool = await db.create_pool(url, min_size=1, max_size=4)
        try:
            app = create_app(Settings(database_url=url, run_scheduler=False), pool=pool)
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://bench",
                                         timeout=600) as client:
                await bench_import(client, headers, args.rows, args.single)
                await bench_flag(conn, client, headers, args.flag)
        finally:
            await pool.close()
    finally:
        await conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--single", type=int, default=300,
                        help="workers created one POST at a time, for the baseline")
    parser.add_argument("--flag", type=int, default=50_000)
    args = parser.parse_args()
    run_on_scratch_database(lambda url: run(url, args))


if __name__ == "__main__":
    main()
