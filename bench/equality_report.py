"""Time the equality report (GET /v1/reports/equality's use case: one statement over the
owners' views, then the suppression in Python) over many workers, against a baseline measured
in the same run: one plain scan counting the workers by contract type.

    .venv/bin/python bench/equality_report.py [--workers 100000] [--runs 10]

Uses LADDER_DATABASE_URL's server if set, else an embedded PostgreSQL in a temporary directory;
either way in a new database that is dropped afterwards. A third of the workers have equality
answers; every worker is credited once by the accrual, so the ledger has a row each."""

import argparse
import statistics
import sys
import time
from datetime import date
from pathlib import Path

import asyncpg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.accounts import MAKE_WORKERS  # noqa: E402
from bench.scratch import run_on_scratch_database  # noqa: E402
from service import clock, db  # noqa: E402
from service.accounts.service import accrue  # noqa: E402
from service.actor import SYSTEM  # noqa: E402
from service.migrations import migrate  # noqa: E402
from service.reports.service import equality_report  # noqa: E402

ANSWERS = """
INSERT INTO equality_answers (worker_id, sex, ethnicity, disability, consented_at)
SELECT w.id, (ARRAY['female', 'male', 'prefer_not_to_say'])[1 + n % 3],
       (ARRAY['white_british', 'asian_indian', 'black_african', 'mixed_other', 'other_arab',
              'prefer_not_to_say'])[1 + n % 6],
       (ARRAY['disabled_limited_a_lot', 'not_disabled_no_condition'])[1 + n % 2], now()
FROM (SELECT id, row_number() OVER (ORDER BY id) AS n FROM workers) AS w
WHERE w.n % 3 = 0
"""
BASELINE = "SELECT contract_type, count(*) FROM workers GROUP BY contract_type"


def timed(samples: list[float]) -> str:
    return f"median {statistics.median(samples):7.1f} ms, max {max(samples):7.1f} ms"


async def bench(url: str, workers: int, runs: int) -> None:
    conn = await asyncpg.connect(url)
    try:
        await db.init_connection(conn)
        await migrate(conn, ROOT / "migrations")
        started = time.perf_counter()
        await conn.execute(MAKE_WORKERS, workers)
        await conn.execute(ANSWERS)
        await accrue(conn, SYSTEM, str(date.today().year), batch_size=5000)
        await conn.execute("ANALYZE")
        print(f"setup: {workers} workers, answers and credits in "
              f"{time.perf_counter() - started:.1f} s")
        today = clock.today()
        start = today.replace(month=1, day=1)
        report_ms, base_ms = [], []
        for _ in range(runs):
            t = time.perf_counter()
            report = await equality_report(conn, start, today)
            report_ms.append((time.perf_counter() - t) * 1000)
            t = time.perf_counter()
            await conn.fetch(BASELINE)
            base_ms.append((time.perf_counter() - t) * 1000)
        assert report.totals.workers == workers
        print(f"equality report:  {timed(report_ms)}  ({runs} runs)")
        print(f"baseline scan:    {timed(base_ms)}")
        print(f"ratio report / baseline (medians): "
              f"{statistics.median(report_ms) / statistics.median(base_ms):.1f}x")
    finally:
        await conn.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--workers", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    run_on_scratch_database(lambda url: bench(url, args.workers, args.runs))


if __name__ == "__main__":
    main()
