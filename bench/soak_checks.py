"""The soak's reckoning (bench/soak.py): the invariants checked on the database once the
traffic has stopped, and the figures printed for each kind of request."""

import json
import statistics
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import asyncpg

from tests.integration.accounts.test_accruals import CACHE_EQUALS_LEDGER

GRACE_SECONDS = 10  # after PostgreSQL is back: pools reconnect, a retry's backoff runs out


async def invariants(run: Any, url: str) -> list[tuple[str, bool, str]]:
    conn = await asyncpg.connect(url)
    try:
        cache_off = await conn.fetchval(CACHE_EQUALS_LEDGER)
        accounts = await conn.fetchval("SELECT count(*) FROM accounts")
        double = await conn.fetchval("SELECT count(*) FROM (SELECT slot_id FROM reviews "
                                     "WHERE status <> 'cancelled' GROUP BY slot_id "
                                     "HAVING count(*) > 1) AS d")
        slots = await conn.fetchval("SELECT count(*) FROM review_slots")
        oversold = await conn.fetchval(
            "SELECT count(*) FROM presentations AS p WHERE p.places < (SELECT count(*) "
            "FROM enrolments AS e WHERE e.presentation_id = p.id "
            "AND e.status IN ('offered', 'booked', 'started', 'completed'))")
        enrolments = dict(await conn.fetch("SELECT status, count(*) FROM enrolments "
                                           "GROUP BY status"))
        credited = dict(await conn.fetch(
            "SELECT reference, count(*) FROM ledger_entries WHERE kind = 'contribution' "
            "GROUP BY reference"))
        audited = dict(await conn.fetch(
            "SELECT worker_id::text, count(*) FROM audit_log WHERE action = 'account.read' "
            "GROUP BY worker_id"))
    finally:
        await conn.close()
    twice = sum(1 for n in credited.values() if n > 1)
    answered = [k for k, s in run.keys.items() if s == 201]
    lost = sum(1 for k in answered if credited.get(k, 0) != 1)
    unanswered = len(run.keys) - len(answered)
    unaudited = sum(1 for w, n in run.reads_ok.items() if audited.get(w, 0) < n)
    went_down, came_back = run.down if len(run.down) == 2 else (0.0, 0.0)
    server_errors = Counter()
    for kind, status, started, ended in run.records:
        if isinstance(status, str):  # when, against the restart, to tell the two apart
            server_errors[f"{kind}: {status} at {ended - went_down:+.1f} s from the stop"] += 1
        elif status >= 500 and not (status == 503 and ended >= went_down
                                    and started <= came_back + GRACE_SECONDS):
            server_errors[f"{kind}: {status}"] += 1
    return [
        ("cached totals equal the ledger's sums", cache_off == 0,
         f"{accounts} accounts, {cache_off} differ"),
        ("no slot holds two bookings", double == 0, f"{slots} slots, {double} double-booked"),
        ("no presentation holds more enrolments than places", oversold == 0,
         f"{sum(enrolments.values())} enrolments ("
         + ", ".join(f"{k} {n}" for k, n in sorted(enrolments.items()))
         + f"), {oversold} presentations oversold"),
        ("each contribution key credited at most once", twice == 0,
         f"{len(run.keys)} keys, {twice} credited twice"),
        ("each contribution answered 201 credited exactly once", lost == 0,
         f"{len(answered)} answered 201, {lost} not credited once; "
         f"{unanswered} never answered 201"),
        ("every account read answered 200 has its audit row", unaudited == 0,
         f"{sum(run.reads_ok.values())} reads, {unaudited} workers short of audit rows"),
        ("no 5xx or dropped connection but 503 while PostgreSQL was down", not server_errors,
         ", ".join(f"{k} x{n}" for k, n in server_errors.items()) or "none"),
    ]


def figures(run: Any, seconds: float) -> None:
    by_kind: dict[str, list[float]] = defaultdict(list)
    statuses: dict[str, Counter] = defaultdict(Counter)
    for kind, status, started, ended in run.records:
        by_kind[kind].append((ended - started) * 1000)
        statuses[kind][status] += 1
    print(f"requests: {len(run.records)} in {seconds:.0f} s "
          f"({len(run.records) / seconds:.0f}/s over two instances)")
    every = sorted(ms for times in by_kind.values() for ms in times)
    if every:
        print(f"all requests: p50 {statistics.median(every):.1f} ms, "
              f"p99 {every[min(len(every) - 1, int(len(every) * 0.99))]:.1f} ms")
    print(f"{'kind':<22}{'count':>7}{'p50 ms':>9}{'p99 ms':>9}  statuses")
    for kind in sorted(by_kind):
        times = sorted(by_kind[kind])
        p50 = statistics.median(times)
        p99 = times[min(len(times) - 1, int(len(times) * 0.99))]
        counts = ", ".join(f"{s}: {n}" for s, n in sorted(statuses[kind].items(), key=str))
        print(f"{kind:<22}{len(times):>7}{p50:>9.1f}{p99:>9.1f}  {counts}")
    print("booking races (sorted statuses): "
          + ", ".join(f"{list(k)} x{n}" for k, n in sorted(run.races.items())))
    print("enrolments (action, answer): "
          + ", ".join(f"{k} x{n}" for k, n in sorted(run.enrolled.items(), key=str)))
    print("replays (status, Idempotent-Replayed): "
          + ", ".join(f"{k} x{n}" for k, n in sorted(run.replays.items(), key=str)))
    if len(run.down) == 2:
        down = run.down[1] - run.down[0]
        during = sum(1 for _, s, st, en in run.records
                     if s == 503 and en >= run.down[0] and st <= run.down[1] + GRACE_SECONDS)
        print(f"PostgreSQL down for {down:.1f} s; {during} requests answered 503 meanwhile "
              f"or within {GRACE_SECONDS} s after")


def from_logs(servers: list[Path], postgres: Path) -> list[tuple[str, bool, str]]:
    """What the logs say: the two servers' request lines (one JSON object per request) with a
    5xx other than 503, and their unhandled errors, must be none; PostgreSQL's deadlocks (each
    answered 409 "retry") are counted, not failed."""
    logged, unhandled = Counter(), 0
    for path in servers:
        for line in path.read_text().splitlines():
            if not line.startswith("{"):
                continue  # granian's own lines
            entry = json.loads(line)
            if entry.get("logger") == "ladder.access" and entry["status"] >= 500:
                logged[entry["status"]] += 1
            unhandled += entry.get("message") == "unhandled error"
    wrong = {status: n for status, n in logged.items() if status != 503}
    text = postgres.read_text(errors="replace") if postgres.exists() else ""
    deadlocks = text.count("ERROR:  deadlock detected")
    return [("the servers logged no 5xx but 503 and no unhandled error",
             not wrong and not unhandled,
             f"{logged.get(503, 0)} logged 503, other 5xx {wrong or 'none'}, "
             f"{unhandled} unhandled errors; PostgreSQL: {deadlocks} deadlocks detected")]
