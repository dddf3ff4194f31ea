"""Time `ladder reference load` into a fresh database (first load and an unchanged second load)
and the occupation and skill searches.

    .venv/bin/python bench/reference_load.py [--searches N]

Uses LADDER_DATABASE_URL's server if set, else an embedded PostgreSQL in a temporary directory;
either way in a new database that is dropped afterwards."""

import argparse
import statistics
import sys
import time
from pathlib import Path

import asyncpg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.scratch import run_on_scratch_database  # noqa: E402
from service.migrations import migrate  # noqa: E402
from service.reference import store  # noqa: E402
from service.reference.service import load_catalogue  # noqa: E402

OCCUPATION_QUERIES = ["care worker", "cleaner", "shop assistant", "payroll clerk",
                      "care workr", "clener", "shop asistant", "payrol clerk"]
SKILL_QUERIES = ["manage payroll", "use spreadsheets software", "customer service",
                 "communicate", "manage payrol"]


async def time_searches(conn: asyncpg.Connection, search, queries: list[str],
                        runs: int) -> tuple[float, float, list[str]]:
    timings, firsts = [], []
    for q in queries:
        for n in range(runs):
            started = time.perf_counter()
            rows = await search(conn, q, None, 21)
            timings.append((time.perf_counter() - started) * 1000)
            if n == 0:
                firsts.append(f"{q!r} -> {rows[0][0].label if rows else '(none)'}")
    timings.sort()
    return statistics.median(timings), timings[int(len(timings) * 0.95) - 1], firsts


async def run(url: str, runs: int) -> None:
    conn = await asyncpg.connect(url)
    try:
        await migrate(conn, ROOT / "migrations")
        first = await load_catalogue(conn, ROOT / "catalogue")
        second = await load_catalogue(conn, ROOT / "catalogue")
        print(f"first load:  {first.seconds:6.2f} s  ({sum(first.changed.values())} rows written: "
              f"{first.totals['occupations']} occupations, {first.totals['skills']} skills, "
              f"{first.totals['occupation_skills']} relations, "
              f"{first.totals['isco_group_risks']} ISCO group risks, and the search labels)")
        print(f"second load: {second.seconds:6.2f} s  "
              f"({sum(second.changed.values())} rows changed)")
        for kind, search, queries in (("occupation", store.search_occupations, OCCUPATION_QUERIES),
                                      ("skill", store.search_skills, SKILL_QUERIES)):
            median, p95, firsts = await time_searches(conn, search, queries, runs)
            print(f"{kind} search: median {median:.1f} ms, p95 {p95:.1f} ms "
                  f"({len(queries)} queries x {runs} runs, 21 rows each)")
            for line in firsts:
                print(f"  {line}")
    finally:
        await conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--searches", type=int, default=20, help="runs of each search query")
    args = parser.parse_args()
    run_on_scratch_database(lambda url: run(url, args.searches))


if __name__ == "__main__":
    main()
