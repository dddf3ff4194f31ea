"""The database CPU of one course search call: `course_search_page` (migration 0041, which runs a
query alone under a generic plan) against `course_search_page_general` (migration 0028,
planned with its own values every call), on the same data in the same run.

    .venv/bin/python bench/search_db_cpu.py [--calls 3000] [--rounds 5] [--filtered]

Loads the `ladder serve --demo` catalogue into a scratch database (bench/scratch.py: an
embedded PostgreSQL unless LADDER_DATABASE_URL is set, whose server must then run on this
machine), then makes `--calls` calls of each function per round over one asyncpg connection,
as the app does (a prepared statement, the words of bench/request_path.py in turn, a page of
51), reading the backend's user+system CPU from /proc/<pg_backend_pid()>/stat before and after;
which function goes first alternates. Prints the median per call over the rounds. CPU time is
less moved than wall time by other work on a shared machine, but not unmoved (caches, SMT).
`--filtered` adds `delivery=classroom` to every call: both then take the general statement,
and the difference is what the new function's dispatch costs a filtered call."""

import argparse
import statistics
import sys
import time
from pathlib import Path

import asyncpg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.cpu import tree_cpu_seconds  # noqa: E402
from bench.request_path import COURSE_QUERIES  # noqa: E402
from bench.scratch import run_on_scratch_database  # noqa: E402
from service import db  # noqa: E402
from service.cli import prepare_database  # noqa: E402
from service.courses.store import Q  # noqa: E402
from service.demo import load_demo  # noqa: E402
from service.settings import Settings  # noqa: E402

FUNCTIONS = ["course_search_page", "course_search_page_general"]


def on_this_machine(pid: int) -> bool:
    """Whether the backend `pid` is a PostgreSQL process here (a remote server's backend pid
    may be the number of some other process on this machine)."""
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False
    return command.startswith(b"postgres")


def statement(function: str, q: str, filtered: bool) -> tuple:
    sql, *values = Q.search_page(
        q=q, level=None, band=None, provider_id=None, skill_id=None, attendance=None,
        delivery="classroom" if filtered else None, max_cost=None, starting_after=None,
        presentations_together=False, after_rank=None, after_starts_on=None, after_id=None,
        limit=51)
    return (sql.replace("course_search_page(", f"{function}("), *values)


async def per_call(conn: asyncpg.Connection, pid: int, function: str, calls: int,
                   filtered: bool) -> float:
    """Backend CPU microseconds per call, after a warm-up past the plan cache's first five."""
    made = [statement(function, q, filtered) for q in COURSE_QUERIES]
    for call in made * 2:
        await conn.fetch(*call)
    before = tree_cpu_seconds(pid)
    for n in range(calls):
        await conn.fetch(*made[n % len(made)])
    return (tree_cpu_seconds(pid) - before) / calls * 1e6


async def run(url: str, calls: int, rounds: int, filtered: bool) -> None:
    settings = Settings(database_url=url, run_scheduler=False)
    conn = await asyncpg.connect(url)
    await db.init_connection(conn)
    try:
        await prepare_database(conn, settings)
        await load_demo(conn, settings, progress=lambda _: None)
        pid = await conn.fetchval("SELECT pg_backend_pid()")
        if not on_this_machine(pid):
            raise SystemExit("the database server does not run on this machine")
        figures: dict[str, list[float]] = {name: [] for name in FUNCTIONS}
        started = time.monotonic()
        for n in range(rounds):
            for name in FUNCTIONS[::1 if n % 2 == 0 else -1]:
                figures[name].append(await per_call(conn, pid, name, calls, filtered))
        print(f"{calls} calls x {rounds} rounds{' (delivery=classroom)' if filtered else ''}, "
              f"{time.monotonic() - started:.0f} s")
        for name, values in figures.items():
            print(f"{name:28} {statistics.median(values):5.0f} µs/call database CPU  "
                  f"(rounds: {', '.join(f'{v:.0f}' for v in values)})")
    finally:
        await conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=3000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--filtered", action="store_true")
    args = parser.parse_args()
    run_on_scratch_database(lambda url: run(url, args.calls, args.rounds, args.filtered))


if __name__ == "__main__":
    main()
