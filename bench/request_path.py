"""Ladder's request path against a bare endpoint: requests/s and p50/p99 latency of
`GET /account`, `GET /workers/{id}`, `GET /courses?q=` and `GET /occupations?q=`, each as a ratio
to a bare Litestar + asyncpg `select 1` handler served by the same granian on the same database.

    .venv/bin/python bench/request_path.py [--seconds 8] [--rounds 3] [--connections 32]
        [--compare-with DIR] [--endpoint TEXT ...]

Starts `ladder serve --demo` (one granian worker, no scheduler) and `bench/bare_app.py` under
granian, both on one scratch database (LADDER_DATABASE_URL's server, else an embedded
PostgreSQL), then loads them one at a time with the same client: wrk (`-t1`) if it is installed,
else a Python client (which shares the two cores with the server, so its figures are lower).
Each round measures the bare endpoint right before each Ladder endpoint; a ratio is Ladder's
requests/s over the bare endpoint's of the same pair, and the median over rounds is printed,
with the server's own CPU time per request (all its processes, from /proc: less moved by other
work on a shared machine than requests/s) and the database server's (all its backends; when it
runs here, as the embedded one does), which shares the same two cores.
With `--compare-with DIR` (another checkout, e.g. `git archive main | tar -x -C DIR`), DIR's
`ladder serve --demo` runs too, on its own database of the same server, and each round loads
the two in turn (which goes first alternates), so that both are measured in the same period
of a shared machine."""

import argparse
import asyncio
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.cpu import postmaster_pid, tree_cpu_seconds  # noqa: E402
from bench.scratch import run_on_scratch_database, wait_until_healthy  # noqa: E402
from service import db  # noqa: E402

MAKE_WORKERS = """
INSERT INTO workers (external_ref, employer, name, email, birth_date, branch, region,
                     contract_type, weekly_hours, highest_qualification)
SELECT 'RP-' || n, 'Bench Council', 'Worker ' || n, 'w' || n || '@example.org',
       DATE '1960-01-01' + (n % 15000), 'Branch ' || (n % 20), 'E12000003',
       (ARRAY['permanent', 'permanent', 'fixed_term', 'zero_hours', 'agency'])[1 + n % 5],
       20 + n % 18, (ARRAY['none', '1', '2', '3', '4', '5', '6'])[1 + n % 7]
FROM generate_series(1, $1) AS n
RETURNING id
"""
COURSE_QUERIES = ["care", "english", "maths", "business", "health", "digital", "plumbing",
                  "accounting"]
OCCUPATION_QUERIES = ["cleaner", "payroll", "care worker", "teaching assistant", "porter",
                      "clerk", "nurse", "driver"]


@dataclass
class Result:
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int
    requests: int = 0
    cpu_us: float = 0.0  # the server's own CPU time (all its processes) per request
    db_cpu_us: float | None = None  # the database server's, when it runs on this machine


@dataclass
class Served:
    """A running server: its address and its process (for its CPU time); `db_pid`, the
    database server's, for the database's CPU time per request."""

    base: str
    pid: int
    db_pid: int | None = None

    def measure(self, load, paths: list[str], headers: dict[str, str], seconds: float,
                connections: int) -> Result:
        before = tree_cpu_seconds(self.pid)
        db_before = tree_cpu_seconds(self.db_pid) if self.db_pid else 0.0
        result = load(self.base, paths, headers, seconds, connections)
        if result.requests:
            result.cpu_us = (tree_cpu_seconds(self.pid) - before) / result.requests * 1e6
            if self.db_pid:
                result.db_cpu_us = ((tree_cpu_seconds(self.db_pid) - db_before)
                                    / result.requests * 1e6)
        return result


def db_cpu(measured: Result, baseline: Result) -> str:
    if measured.db_cpu_us is None or baseline.db_cpu_us is None:
        return ""
    return f", database {measured.db_cpu_us:.0f} µs/req (bare {baseline.db_cpu_us:.0f})"


def median_db_cpu(results) -> str:
    """The median database CPU per request, or n/a when the database is not on this machine."""
    figures = [r.db_cpu_us for r in results if r.db_cpu_us is not None]
    return f"{statistics.median(figures):6.0f}" if figures else f"{'n/a':>6}"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wrk(base: str, paths: list[str], headers: dict[str, str], seconds: float,
        connections: int) -> Result:
    """One wrk run cycling through `paths`; the Lua script counts non-200 answers."""
    quoted = ", ".join(f'"{p}"' for p in paths)
    header_lines = "\n".join(f'wrk.headers["{k}"] = "{v}"' for k, v in headers.items())
    script = f"""
{header_lines}
local paths = {{{quoted}}}
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i % #paths) + 1])
end
"""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(script)
    try:
        out = subprocess.run(
            ["wrk", "-t1", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--latency",
             "-s", f.name, base], capture_output=True, text=True, check=True).stdout
    finally:
        os.unlink(f.name)
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors = int(non_2xx.group(1)) if non_2xx else 0
    socket_errors = re.search(r"Socket errors: (.*)", out)
    if socket_errors:
        errors += sum(int(n) for n in re.findall(r"\d+", socket_errors.group(1)))
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    return Result(rps, _wrk_ms(out, "50%"), _wrk_ms(out, "99%"), errors, requests)


def _wrk_ms(out: str, percentile: str) -> float:
    value, unit = re.search(rf"^\s+{percentile}\s+([\d.]+)(us|ms|s)\s*$", out, re.M).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def python_client(base: str, paths: list[str], headers: dict[str, str], seconds: float,
                  connections: int) -> Result:
    async def main() -> Result:
        timings: list[float] = []
        errors = 0
        limits = httpx.Limits(max_connections=connections)
        async with httpx.AsyncClient(base_url=base, headers=headers, limits=limits,
                                     timeout=30) as client:
            deadline = time.monotonic() + seconds

            async def one(offset: int) -> None:
                nonlocal errors
                i = offset
                while time.monotonic() < deadline:
                    started = time.perf_counter()
                    response = await client.get(paths[i % len(paths)])
                    timings.append((time.perf_counter() - started) * 1000)
                    errors += response.status_code != 200
                    i += 1

            started = time.monotonic()
            await asyncio.gather(*(one(n) for n in range(connections)))
            elapsed = time.monotonic() - started
        timings.sort()
        return Result(len(timings) / elapsed, timings[len(timings) // 2],
                      timings[int(len(timings) * 0.99)], errors, len(timings))

    return asyncio.run(main())


async def prepare(url: str, workers: int) -> list[str]:
    conn = await asyncpg.connect(url)
    try:
        return [str(r["id"]) for r in await conn.fetch(MAKE_WORKERS, workers)]
    finally:
        await conn.close()


def admin_token(env: dict[str, str], root: Path = ROOT) -> str:
    out = subprocess.run([sys.executable, "-m", "service.cli", "token", "create", "--role",
                          "admin", "--name", "bench"], env=env, cwd=root, capture_output=True,
                         text=True, check=True).stdout
    return out.strip().splitlines()[-1]


@dataclass
class Ladder:
    """One `ladder serve --demo` under load: this checkout's, or (--compare-with) another's."""

    label: str
    served: Served
    headers: dict[str, str]
    endpoints: dict[str, list[str]]


def ladder_env(env: dict[str, str], root: Path, url: str) -> dict[str, str]:
    """The environment of a server from `root`: its own code first on the path (this venv's
    editable install points at this checkout) and its own database."""
    return env | {"LADDER_DATABASE_URL": url, "PYTHONPATH": str(root)}


@contextmanager
def server(command: list[str], env: dict[str, str], root: Path, port: int,
           log: Path) -> Iterator[Served]:
    with log.open("w") as out:
        process = subprocess.Popen(command, env=env, cwd=root, stdout=out,
                                   stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        try:  # `ladder serve` may load the reference data first
            wait_until_healthy(base, process, seconds=180)
        except RuntimeError:
            raise RuntimeError(f"server exited: {log.read_text()[-2000:]}") from None
        yield Served(base, process.pid)
    finally:
        process.terminate()
        process.wait(timeout=20)


def ladder_server(root: Path, env: dict[str, str], log: Path):
    port = free_port()
    command = [sys.executable, "-m", "service.cli", "serve", "--demo", "--port", str(port)]
    return server(command, env, root, port, log)


def prepared(label: str, served: Served, url: str, env: dict[str, str], root: Path,
             args: argparse.Namespace) -> Ladder:
    ids = asyncio.run(prepare(url, args.workers))
    headers = {"Authorization": f"Bearer {admin_token(env, root)}"}
    rng = random.Random(1)
    endpoints = {
        "GET /v1/workers/{id}/account": [f"/v1/workers/{i}/account"
                                         for i in rng.sample(ids, 200)],
        "GET /v1/workers/{id}": [f"/v1/workers/{i}" for i in rng.sample(ids, 200)],
        "GET /v1/courses?q=": [f"/v1/courses?q={q}" for q in COURSE_QUERIES],
        "GET /v1/occupations?q=": [f"/v1/occupations?q={q.replace(' ', '+')}"
                                   for q in OCCUPATION_QUERIES],
    }
    return Ladder(label, served, headers, endpoints)


def other_database(url: str) -> str:
    """A second database on `url`'s server, for the compared checkout (its migrations may
    differ); dropped with the server's scratch directory or left for the next run to reuse."""
    parts = urlsplit(url)
    name = parts.path.lstrip("/") + "_compare"
    db.ensure_database(urlunsplit(parts._replace(path="/postgres")), name)
    return urlunsplit(parts._replace(path=f"/{name}"))


def drop_database(url: str) -> None:
    parts = urlsplit(url)

    async def drop() -> None:
        admin = await asyncpg.connect(urlunsplit(parts._replace(path="/postgres")))
        try:
            await admin.execute(await admin.fetchval(
                "SELECT format('DROP DATABASE IF EXISTS %I WITH (FORCE)', $1::text)",
                parts.path.lstrip("/")))
        finally:
            await admin.close()

    asyncio.run(drop())


def bench(url: str, args: argparse.Namespace) -> None:
    load = wrk if shutil.which("wrk") and not args.python_client else python_client
    print(f"client: {'wrk -t1' if load is wrk else 'python (httpx)'}, {args.connections} "
          f"connections, {args.seconds} s per run, {args.rounds} rounds", flush=True)
    env = os.environ | {"LADDER_DATABASE_URL": url, "LADDER_RUN_SCHEDULER": "false",
                        "LADDER_POOL_MAX_SIZE": str(args.pool_size)}
    logs = Path(tempfile.mkdtemp(prefix="ladder-bench-logs-"))
    bare_port = free_port()
    bare_cmd = [sys.executable, "-m", "granian", "--interface", "asgi", "--host", "127.0.0.1",
                "--port", str(bare_port), "--workers", "1", "bench.bare_app:app"]
    print("starting ladder serve --demo (migrations, reference data, demo catalogue) ...",
          flush=True)
    with ExitStack() as stack:
        this_env = ladder_env(env, ROOT, url)
        base = stack.enter_context(ladder_server(ROOT, this_env, logs / "ladder.log"))
        ladders = [prepared("this", base, url, this_env, ROOT, args)]
        if args.compare_with:
            other = args.compare_with.resolve()
            other_url = other_database(url)
            stack.callback(drop_database, other_url)
            other_env = ladder_env(env, other, other_url)
            print(f"starting the compared checkout's server ({other}) ...", flush=True)
            other_base = stack.enter_context(ladder_server(other, other_env,
                                                           logs / "other.log"))
            ladders.append(prepared("other", other_base, other_url, other_env, other, args))
        bare = stack.enter_context(server(bare_cmd, env, ROOT, bare_port, logs / "bare.log"))
        db_pid = postmaster_pid(url)
        for served in (bare, *(ladder.served for ladder in ladders)):
            served.db_pid = db_pid
        if args.endpoint:
            for ladder in ladders:
                ladder.endpoints = {name: paths for name, paths in ladder.endpoints.items()
                                    if any(part in name for part in args.endpoint)}
            if not ladders[0].endpoints:
                raise SystemExit(f"no endpoint's name holds any of {args.endpoint}")
        for ladder in ladders:  # warm up every server and check the answers
            for name, paths in ladder.endpoints.items():
                response = httpx.get(ladder.served.base + paths[0], headers=ladder.headers,
                                     timeout=30)
                assert response.status_code == 200, \
                    f"{ladder.label} {name}: {response.status_code} {response.text}"
                load(ladder.served.base, paths, ladder.headers, 1, args.connections)
        load(bare.base, ["/bare"], {}, 1, args.connections)
        names = list(ladders[0].endpoints)
        results = {(lad.label, name): [] for lad in ladders for name in names}
        for round_no in range(1, args.rounds + 1):
            # Alternate which checkout goes first, so that neither always follows the other.
            order = ladders if round_no % 2 else ladders[::-1]
            for name in names:
                for ladder in order:
                    baseline = bare.measure(load, ["/bare"], {}, args.seconds,
                                            args.connections)
                    measured = ladder.served.measure(load, ladder.endpoints[name],
                                                     ladder.headers, args.seconds,
                                                     args.connections)
                    results[ladder.label, name].append((baseline, measured))
                    print(f"round {round_no}: {ladder.label:<5} {name:<30} "
                          f"{measured.rps:8,.0f} req/s (bare {baseline.rps:,.0f}) ratio "
                          f"{measured.rps / baseline.rps:.2f}  p50 {measured.p50_ms:.2f} ms  "
                          f"p99 {measured.p99_ms:.2f} ms  errors {measured.errors}  "
                          f"cpu {measured.cpu_us:.0f} µs/req (bare {baseline.cpu_us:.0f})"
                          f"{db_cpu(measured, baseline)}", flush=True)
    for ladder in ladders:
        title = "this checkout" if ladder.label == "this" else f"{args.compare_with}"
        print(f"\nmedian over rounds: {title}")
        print(f"{'endpoint':<30} {'req/s':>8} {'bare':>8} {'ratio':>6} {'p50 ms':>7} "
              f"{'p99 ms':>7} {'errors':>6} {'cpu µs':>6} {'db µs':>6}")
        for name in names:
            pairs = results[ladder.label, name]
            print(f"{name:<30} {statistics.median(m.rps for _, m in pairs):8,.0f} "
                  f"{statistics.median(b.rps for b, _ in pairs):8,.0f} "
                  f"{statistics.median(m.rps / b.rps for b, m in pairs):6.2f} "
                  f"{statistics.median(m.p50_ms for _, m in pairs):7.2f} "
                  f"{statistics.median(m.p99_ms for _, m in pairs):7.2f} "
                  f"{sum(m.errors for _, m in pairs):6d} "
                  f"{statistics.median(m.cpu_us for _, m in pairs):6.0f} "
                  f"{median_db_cpu(m for _, m in pairs)}")
    bare_p = [b for pairs in results.values() for b, _ in pairs]
    print(f"{'bare select 1':<30} {statistics.median(b.rps for b in bare_p):8,.0f} "
          f"{'':>8} {1.0:6.2f} {statistics.median(b.p50_ms for b in bare_p):7.2f} "
          f"{statistics.median(b.p99_ms for b in bare_p):7.2f} {sum(b.errors for b in bare_p):6d} "
          f"{statistics.median(b.cpu_us for b in bare_p):6.0f} {median_db_cpu(bare_p)}")
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    shutil.rmtree(logs, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=8)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2000, help="workers to create")
    parser.add_argument("--pool-size", type=int, default=10, help="Ladder's pool maximum")
    parser.add_argument("--python-client", action="store_true", help="use httpx, not wrk")
    parser.add_argument("--endpoint", action="append", metavar="TEXT",
                        help="measure only the endpoints whose name holds TEXT (repeatable)")
    parser.add_argument("--compare-with", type=Path, metavar="DIR",
                        help="also serve the checkout in DIR (its own database on the same "
                        "server) and load the two alternately, each right after the bare run")
    args = parser.parse_args()

    async def run(url: str) -> None:
        await asyncio.to_thread(bench, url, args)

    run_on_scratch_database(run)


if __name__ == "__main__":
    main()
