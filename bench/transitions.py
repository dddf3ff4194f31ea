"""Time the transitions build over the full catalogue (3,007 occupations): the first build
inside `ladder reference load` into a fresh database, a rebuild from an emptied table, and a
rebuild that changes nothing; then the shape of what was kept and `GET .../transitions` reads.

    .venv/bin/python bench/transitions.py [--reads N]

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
from service.reference import transitions  # noqa: E402
from service.reference.service import load_catalogue  # noqa: E402


async def run(url: str, reads: int) -> None:
    conn = await asyncpg.connect(url)
    try:
        await migrate(conn, ROOT / "migrations")
        load = await load_catalogue(conn, ROOT / "catalogue", progress=print)
        print(f"first load: {load.seconds:.2f} s, of which the transitions build "
              f"{load.transitions_seconds:.2f} s ({load.totals['occupation_transitions']} rows)")
        async with conn.transaction():
            await conn.execute("DELETE FROM occupation_transitions")
        started = time.perf_counter()
        full = await transitions.rebuild_transitions(conn)
        print(f"rebuild from empty: {time.perf_counter() - started:.2f} s "
              f"({full.changed} rows written, {full.occupations} occupations with a target)")
        again = await transitions.rebuild_transitions(conn)
        print(f"rebuild unchanged: {again.seconds:.2f} s ({again.changed} rows changed)")
        shape = await conn.fetchrow("""
            SELECT count(*) AS n, min(similarity) AS lo, max(similarity) AS hi,
                   percentile_cont(0.5) WITHIN GROUP (ORDER BY similarity) AS median,
                   (SELECT count(*) FROM occupations WHERE risk IS NOT NULL) AS with_risk,
                   (SELECT count(*) FROM occupations
                    WHERE risk_category = 'High') AS high
            FROM occupation_transitions""")
        per = await conn.fetchrow("""
            SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY n) AS median, max(n) AS most,
                   count(*) FILTER (WHERE n = 50) AS capped
            FROM (SELECT count(*) AS n FROM occupation_transitions GROUP BY occupation_id) c""")
        print(f"kept {shape['n']} transitions: similarity {shape['lo']:.3f}-{shape['hi']:.3f} "
              f"(median {shape['median']:.3f}); per occupation with any: median "
              f"{per['median']:.0f}, most {per['most']} ({per['capped']} at the cap of 50)")
        ids = [r["id"] for r in await conn.fetch(
            "SELECT id FROM occupations ORDER BY random() LIMIT $1", reads)]
        timings = []
        for occupation_id in ids:
            started = time.perf_counter()
            await transitions.transitions_page(conn, occupation_id, None, 50)
            timings.append((time.perf_counter() - started) * 1000)
        timings.sort()
        print(f"transitions page (50): median {statistics.median(timings):.2f} ms, "
              f"p95 {timings[int(len(timings) * 0.95) - 1]:.2f} ms over {reads} occupations")
    finally:
        await conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reads", type=int, default=200, help="occupations to read a page of")
    args = parser.parse_args()
    run_on_scratch_database(lambda url: run(url, args.reads))


if __name__ == "__main__":
    main()
