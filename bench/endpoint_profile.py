"""One endpoint under load, optionally profiled: `ladder serve --demo` on a scratch database,
wrk -t1 -c32 on the endpoint for `--seconds`, and py-spy recording the server's worker while it
runs (`--profile FILE`, raw collapsed stacks; needs `pip install py-spy`). For A/B comparisons
of one change: run it alternately with and without the change and compare the pairs.

    .venv/bin/python bench/endpoint_profile.py account|worker|courses [--seconds 10]
        [--profile /tmp/account.txt]
"""

import argparse
import asyncio
import os
import random
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.request_path import COURSE_QUERIES, admin_token, free_port, prepare, server, wrk  # noqa: E402
from bench.scratch import run_on_scratch_database  # noqa: E402


def load(base: str, paths: list[str], headers: dict[str, str], command: list[str],
         args: argparse.Namespace) -> None:
    assert httpx.get(base + paths[0], headers=headers).status_code == 200
    wrk(base, paths, headers, 3, 32)  # warm up
    spy = None
    if args.profile:
        pids = subprocess.run(["pgrep", "-f", "--", " ".join(command[1:])], capture_output=True,
                              text=True).stdout.split()
        spy = subprocess.Popen([shutil.which("py-spy") or "py-spy", "record",
                                "--subprocesses", "-d", str(round(args.seconds)), "-r",
                                "200", "-f", "raw", "-o", str(args.profile), "--pid",
                                pids[0]])
    result = wrk(base, paths, headers, args.seconds, 32)
    print(f"{args.endpoint}: {result.rps:,.0f} req/s, p50 {result.p50_ms:.2f} ms, "
          f"p99 {result.p99_ms:.2f} ms, errors {result.errors}")
    if spy:
        spy.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("endpoint", choices=["account", "worker", "courses"])
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--profile", type=Path, help="write py-spy's raw stacks here")
    args = parser.parse_args()

    async def bench(url: str) -> None:
        env = os.environ | {"LADDER_DATABASE_URL": url, "LADDER_RUN_SCHEDULER": "false"}
        port = free_port()
        command = [sys.executable, "-m", "service.cli", "serve", "--demo", "--port", str(port)]
        log = Path(tempfile.mkdtemp(prefix="ladder-profile-")) / "ladder.log"
        with server(command, env, ROOT, port, log) as served:
            base = served.base
            ids = await prepare(url, 2000)
            headers = {"Authorization": f"Bearer {admin_token(env)}"}
            random.seed(1)
            paths = {"account": [f"/v1/workers/{i}/account" for i in random.sample(ids, 200)],
                     "worker": [f"/v1/workers/{i}" for i in random.sample(ids, 200)],
                     "courses": [f"/v1/courses?q={q}" for q in COURSE_QUERIES]}[args.endpoint]
            await asyncio.to_thread(load, base, paths, headers, command, args)

    run_on_scratch_database(bench)


if __name__ == "__main__":
    main()
