"""Soak: two `ladder serve` instances on one PostgreSQL under mixed traffic for a bounded time,
with one PostgreSQL restart in the middle; then the invariants are checked and printed.

    .venv/bin/python bench/soak.py [--seconds 180] [--max-requests 60000] [--concurrency 16]
                                   [--workers 60] [--down-seconds 5]

Everything is local: an embedded PostgreSQL in a temporary directory (started, stopped and
started again by this script, deleted at the end) and the two servers on 127.0.0.1. Traffic:
account reads (audited), contributions sent with an Idempotency-Key and retried with the same
key after any 503 or lost answer (and sometimes replayed after success), slot creation with two
workers racing to book each new slot through different instances (the winner then cancels),
enrolments on one presentation of few places through either instance (with an Idempotency-Key,
retried after a 503) and cancellations of them, so places free up and the waiting list moves
(the scheduler offers freed places), catalogue syncs (which keep
that presentation), course and occupation searches. Invariants, each printed with its count: every
account's cached totals equal the sums of its ledger; no slot holds two bookings; every
contribution key credited at most once, and exactly once if it was answered 201; no presentation
holds more enrolments (offered, booked, started, completed) than places; every account read
answered 200 has its audit row; no 5xx other than 503 while PostgreSQL was down (and a
grace period after); no connection refused or dropped by Ladder; no 5xx but 503 and no
unhandled error in the servers' own request logs (PostgreSQL's deadlocks are counted from its
log). Exit status 1 if one fails."""

import argparse
import asyncio
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg
import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.soak_checks import figures, from_logs, invariants  # noqa: E402
from service.auth.service import issue_token  # noqa: E402
from service.pgserver import EmbeddedServer  # noqa: E402

ENROL_PLACES = 5  # the one presentation enrolments compete for
WORDS = ["care", "data", "digital", "nursing", "accounts", "welding", "spreadsheets", "coding",
         "leadership", "customer", "safety", "logistics", "teaching", "cyber", "green"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Run:
    bases: list[str]
    admin: dict[str, str]
    rep: dict
    rep_auth: dict[str, str]
    college_auth: dict[str, str]
    ukprn: str
    workers: list[str]
    deadline: float
    max_requests: int
    free: list[str] = field(default_factory=list)
    records: list[tuple[str, int | str, float, float]] = field(default_factory=list)
    reads_ok: Counter = field(default_factory=Counter)
    keys: dict[str, int | str] = field(default_factory=dict)
    replays: Counter = field(default_factory=Counter)
    races: Counter = field(default_factory=Counter)
    slot_step: int = 0
    presentation: str = ""  # the presentation enrolments compete for
    enrolled: Counter = field(default_factory=Counter)  # (enrol or cancel, answer) counts
    holding: dict[str, str] = field(default_factory=dict)  # worker -> enrolment not cancelled
    down: list[float] = field(default_factory=list)  # [went down, came back]

    def more(self) -> bool:
        return time.monotonic() < self.deadline and len(self.records) < self.max_requests

    def base(self) -> str:
        return random.choice(self.bases)

    async def call(self, client: httpx.AsyncClient, kind: str, method: str, path: str,
                   base: str | None = None, **kwargs) -> httpx.Response | None:
        started = time.monotonic()
        try:
            response = await client.request(method, (base or self.base()) + path, **kwargs)
            status: int | str = response.status_code
        except httpx.TransportError as error:
            response, status = None, type(error).__name__
        self.records.append((kind, status, started, time.monotonic()))
        return response


async def read_account(run: Run, client: httpx.AsyncClient) -> None:
    worker = random.choice(run.workers)
    response = await run.call(client, "account read", "GET",
                              f"/v1/workers/{worker}/account", headers=run.admin)
    if response is not None and response.status_code == 200:
        run.reads_ok[worker] += 1


async def contribute(run: Run, client: httpx.AsyncClient) -> None:
    """One contribution, retried with the same key until it is answered (at most 30 times)."""
    key = str(uuid.uuid4())
    worker = random.choice(run.workers)
    body = {"amount_pence": random.randint(100, 5000), "source": "employer", "reference": key}
    headers = run.admin | {"Idempotency-Key": key}
    path = f"/v1/workers/{worker}/account/contributions"
    status: int | str = "never answered"
    for _ in range(30):
        response = await run.call(client, "contribution", "POST", path, json=body,
                                  headers=headers)
        status = response.status_code if response is not None else "lost"
        if status not in (503, "lost"):
            break
        await asyncio.sleep(0.5)
    run.keys[key] = status
    if status == 201 and random.random() < 0.3:
        again = await run.call(client, "contribution replay", "POST", path, json=body,
                               headers=headers)
        if again is not None:
            run.replays[(again.status_code, again.headers.get("idempotent-replayed"))] += 1


async def slot_race(run: Run, client: httpx.AsyncClient) -> None:
    if len(run.free) < 2:
        return
    run.slot_step += 1
    start = datetime.now(UTC) + timedelta(days=2, hours=2 * run.slot_step)
    slot = await run.call(client, "slot create", "POST", f"/v1/reps/{run.rep['id']}/slots",
                          headers=run.rep_auth, json={
                              "starts_at": start.isoformat(),
                              "ends_at": (start + timedelta(hours=1)).isoformat(),
                              "mode": "video"})
    if slot is None or slot.status_code != 201:
        return
    first, second = run.free.pop(), run.free.pop()
    bookings = await asyncio.gather(*[
        run.call(client, "booking race", "POST", "/v1/reviews", base=base, headers=run.admin,
                 json={"worker_id": worker, "slot_id": slot.json()["id"]})
        for worker, base in ((first, run.bases[0]), (second, run.bases[-1]))])
    statuses = sorted(b.status_code if b is not None else 0 for b in bookings)
    run.races[tuple(statuses)] += 1
    won = [b for b in bookings if b is not None and b.status_code == 201]
    for booking in won:
        cancel = await run.call(client, "booking cancel", "POST",
                                f"/v1/reviews/{booking.json()['id']}/cancel",
                                headers=run.admin, json={"reason": "soak"})
        if cancel is None or cancel.status_code != 200:
            return  # the winner may still hold a booking: neither goes back to the pool
    if statuses in ([201, 409], [409, 409]) or not won and 503 in statuses:
        run.free += [first, second]


async def enrol(run: Run, client: httpx.AsyncClient) -> None:
    """Half the time a worker with no enrolment asks for a place (retried with the same key
    after a 503 or a lost answer); else one of the enrolments made so far is cancelled, through
    either instance, so that places free up and the waiting list moves."""
    if not run.presentation:
        return
    if run.holding and random.random() < 0.5:
        worker = random.choice(list(run.holding))
        cancel = await run.call(client, "enrolment cancel", "POST",
                                f"/v1/enrolments/{run.holding.pop(worker)}/cancel",
                                headers=run.rep_auth, json={"reason": "soak"})
        run.enrolled[("cancel", cancel.status_code if cancel is not None else "lost")] += 1
        return
    free = [w for w in run.workers if w not in run.holding]
    if not free:
        return
    worker = random.choice(free)
    headers = run.rep_auth | {"Idempotency-Key": str(uuid.uuid4())}
    body = {"worker_id": worker, "presentation_id": run.presentation, "consent_to_share": True}
    response = None
    for _ in range(30):
        response = await run.call(client, "enrolment", "POST", "/v1/enrolments", json=body,
                                  headers=headers)
        if response is not None and response.status_code != 503:
            break
        await asyncio.sleep(0.5)
    if response is not None and response.status_code == 201:
        run.holding[worker] = response.json()["id"]
        run.enrolled[("enrol", response.json()["status"])] += 1
    else:
        run.enrolled[("enrol", response.status_code if response is not None else "lost")] += 1


def catalogue(size: int) -> dict:
    enrol_on = {"ref": "SOAK-ENROL", "title": "Soak Enrolment Course",
                "description": "the course soak enrolments compete for",
                "presentations": [{"ref": "SOAK-ENROL-1", "starts_on": "2027-09-01",
                                   "cost_pence": 20000, "places": ENROL_PLACES}]}
    return {"courses": [enrol_on] + [
        {"ref": f"SOAK-{i}", "title": " ".join(random.sample(WORDS, 3)).title(),
         "description": " ".join(random.sample(WORDS, 6)),
         "presentations": [{"ref": f"SOAK-{i}-1", "starts_on": "2027-09-01",
                            "cost_pence": 20000, "places": 12}]}
        for i in range(size)]}


async def sync(run: Run, client: httpx.AsyncClient) -> None:
    await run.call(client, "catalogue sync", "PUT", f"/v1/providers/{run.ukprn}/catalogue",
                   headers=run.college_auth, json=catalogue(200))


async def search(run: Run, client: httpx.AsyncClient) -> None:
    if random.random() < 0.5:
        await run.call(client, "course search", "GET",
                       f"/v1/courses?q={random.choice(WORDS)}", headers=run.admin)
    else:
        await run.call(client, "occupation search", "GET",
                       f"/v1/occupations?q={random.choice(['nurse', 'clerk', 'cleaner'])}",
                       headers=run.admin)


MIX = [(read_account, 36), (contribute, 18), (slot_race, 11), (enrol, 10), (sync, 3),
       (search, 22)]


async def client_loop(run: Run) -> None:
    actions, weights = zip(*MIX, strict=True)
    async with httpx.AsyncClient(timeout=60) as client:
        while run.more():
            await random.choice(random.choices(actions, weights, k=1))(run, client)


async def restart_postgres(run: Run, server: EmbeddedServer, at: float, down: float) -> None:
    await asyncio.sleep(at)
    run.down.append(time.monotonic())
    print(f"soak: stopping PostgreSQL at {len(run.records)} requests", file=sys.stderr)
    await asyncio.to_thread(server.stop)
    await asyncio.sleep(down)
    await asyncio.to_thread(server.start)
    run.down.append(time.monotonic())
    print("soak: PostgreSQL started again", file=sys.stderr)


async def setup(bases: list[str], url: str
                ) -> tuple[dict, dict, dict, dict, str, list[str], str]:
    conn = await asyncpg.connect(url)
    try:
        admin = {"Authorization": "Bearer "
                 + (await issue_token(conn, "admin", "soak", None, None, 1)).token}
    finally:
        await conn.close()
    async with httpx.AsyncClient(base_url=bases[0], headers=admin, timeout=60) as client:
        async def create(path: str, body: dict) -> dict:
            response = await client.post(path, json=body)
            response.raise_for_status()
            return response.json()

        rep = await create("/v1/reps", {"name": "Soak Rep", "email": "soak-rep@example.org",
                                        "branch": "Leeds UNISON"})
        ukprn = "10066666"
        provider = await create("/v1/providers", {"ukprn": ukprn, "name": "Soak College"})
        tokens = [await create("/v1/tokens", {"role": role, "name": "soak",
                                              "subject_id": subject})
                  for role, subject in (("rep", rep["id"]), ("college", provider["id"]))]
        workers = [(await create("/v1/workers", {
            "external_ref": f"SOAK-{i}", "name": f"Soak Worker {i}",
            "email": f"soak{i}@example.org", "birth_date": "1970-05-01",
            "branch": "Leeds UNISON", "employer": "Leeds City Council", "region": "E12000003",
            "occupation": None, "contract_type": "permanent", "weekly_hours": 37,
            "highest_qualification": "3", "facing_redundancy": False}))["id"]
            for i in range(args.workers)]
        for worker in workers:  # enough for many holds of a presentation's cost
            funded = await client.post(
                f"/v1/workers/{worker}/account/contributions",
                headers={"Idempotency-Key": f"soak-{worker}"},
                json={"amount_pence": 500000, "source": "employer", "reference": f"soak-{worker}"})
            funded.raise_for_status()
        auth = [{"Authorization": f"Bearer {t['token']}"} for t in tokens]
        synced = await client.put(f"/v1/providers/{ukprn}/catalogue", json=catalogue(200),
                                  headers=auth[1])
        synced.raise_for_status()
    conn = await asyncpg.connect(url)
    try:
        presentation = await conn.fetchval("SELECT id::text FROM presentations "
                                           "WHERE ref = 'SOAK-ENROL-1'")
    finally:
        await conn.close()
    return admin, rep, auth[0], auth[1], ukprn, workers, presentation


async def main() -> int:
    data_dir = Path(tempfile.mkdtemp(prefix="ladder-soak-"))
    server = await asyncio.to_thread(EmbeddedServer, data_dir)
    url = await asyncio.to_thread(server.url, "ladder_soak")
    ports = [free_port(), free_port()]
    bases = [f"http://127.0.0.1:{p}" for p in ports]
    logs = [open(data_dir.parent / f"{data_dir.name}-serve-{p}.log", "w")  # noqa: ASYNC230
            for p in ports]
    env = os.environ | {"LADDER_DATABASE_URL": url, "LADDER_HOST": "127.0.0.1",
                        "LADDER_FEED_POLL_SECONDS": "10", "LADDER_LOG_FORMAT": "json",
                        "LADDER_POOL_MAX_SIZE": "10"}
    servers: list[subprocess.Popen] = []
    try:
        for port, log in zip(ports, logs, strict=True):
            servers.append(subprocess.Popen(  # noqa: ASYNC220 - before any traffic
                [sys.executable, "-m", "service.cli", "serve", "--port", str(port)],
                env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT))
            await wait_ready(f"http://127.0.0.1:{port}", servers[-1])
        admin, rep, rep_auth, college_auth, ukprn, workers, presentation = await setup(
            bases, url)
        started = time.monotonic()
        run = Run(bases, admin, rep, rep_auth, college_auth, ukprn, workers,
                  deadline=started + args.seconds, max_requests=args.max_requests,
                  free=list(workers), presentation=presentation)
        await asyncio.gather(restart_postgres(run, server, args.seconds / 2, args.down_seconds),
                             *[client_loop(run) for _ in range(args.concurrency)])
        elapsed = time.monotonic() - started
        await asyncio.sleep(2)
        figures(run, elapsed)
        results = await invariants(run, url)
    finally:
        for process in servers:
            process.terminate()
        for process in servers:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
        for log in logs:
            log.close()
        postgres_log = data_dir.parent / f"{data_dir.name}-postgres.log"
        if server.server.log.exists():  # kept: the data directory goes
            shutil.copyfile(server.server.log, postgres_log)
        await asyncio.to_thread(server.close)
    results += from_logs([Path(log.name) for log in logs], postgres_log)
    print("invariants:")
    for name, ok, detail in results:
        print(f"  {'ok  ' if ok else 'FAIL'} {name}: {detail}")
    print(f"server logs: {logs[0].name}, {logs[1].name}; PostgreSQL's: {postgres_log}")
    return 0 if all(ok for _, ok, _ in results) else 1


async def wait_ready(base: str, process: subprocess.Popen, seconds: float = 300) -> None:
    deadline = time.monotonic() + seconds
    async with httpx.AsyncClient(timeout=2) as client:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"the server at {base} exited with {process.returncode}")
            try:
                if (await client.get(f"{base}/ready")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.5)
    raise RuntimeError(f"the server at {base} was not ready within {seconds} s")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=180)
    parser.add_argument("--max-requests", type=int, default=60000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--workers", type=int, default=60)
    parser.add_argument("--down-seconds", type=float, default=5)
    args = parser.parse_args()
    sys.exit(asyncio.run(main()))
