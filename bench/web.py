"""Time the web pages: each page's latency (p50, p95) and HTML size, with the app in-process
(httpx over ASGI: session lookup, CSRF middleware, the services' queries, Jinja rendering), and
the JSON account read of the API as the baseline measured in the same run.

    .venv/bin/python bench/web.py [--requests 300] [--entries 200]

Uses LADDER_DATABASE_URL's server if set, else an embedded PostgreSQL in a temporary directory;
either way in a new database that is dropped afterwards. A worker with `--entries` ledger
entries (the account page draws and lists them), a rep with open slots and a college with a
synced catalogue are made first. The demo (`ladder serve --demo`'s records, on the real ESCO
catalogue) is loaded too, for Dev Patel's options: the options page (and with the digital
focus), a pathway's check page, an enrol page and its check page (the answer to its POST, which
books nothing), her enrolments (one place booked through the pages) and the cancel check page,
and the demo college's enrolments and its *Confirm started* check page."""

import argparse
import logging
import re
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg
import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.scratch import run_on_scratch_database  # noqa: E402
from service import db  # noqa: E402
from service.app import create_app  # noqa: E402
from service.auth.service import issue_token  # noqa: E402
from service.demo import load_demo  # noqa: E402
from service.migrations import migrate  # noqa: E402
from service.reference.service import load_catalogue  # noqa: E402
from service.settings import Settings  # noqa: E402
from service.web import service as web  # noqa: E402

WORKER = {"external_ref": "B-1", "name": "Maureen Walsh", "email": "m@example.org",
          "birth_date": "1968-03-14", "branch": "Bench UNISON", "employer": "Bench Council",
          "region": "E12000003", "contract_type": "zero_hours", "weekly_hours": 16,
          "highest_qualification": "1"}


async def session_for(pool: asyncpg.Pool, settings: Settings, role: str, subject) -> str:
    async with pool.acquire() as conn, conn.transaction():
        secret = await web.create_link(conn, settings, role, subject, "bench")
        plain, _, _ = await web.sign_in(conn, settings, secret)
    return plain


async def timed(client: httpx.AsyncClient, path: str, n: int, form: dict | None = None,
                **kwargs) -> tuple[list, int]:
    """`n` GETs of `path`, or POSTs of `form` (a page that only shows, like a check page)."""
    times, size = [], 0
    for _ in range(n):
        started = time.perf_counter()
        if form is None:
            response = await client.get(path, **kwargs)
        else:
            response = await client.post(path, data=form, **kwargs)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (path, response.status_code)
        size = len(response.content)
    return times, size


async def csrf_token(client: httpx.AsyncClient, path: str) -> str:
    """The form token of the page at `path` (its cookie stays in the client)."""
    page = (await client.get(path)).text
    return re.search(r'name="_csrf_token" value="([^"]+)"', page).group(1)


async def enrol_once(client: httpx.AsyncClient, session: str, enrol: str) -> None:
    """Book Dev a place through the pages (consent given), so that /enrolments lists one."""
    client.cookies.set("ladder_session", session)
    fields = {"_csrf_token": await csrf_token(client, enrol), "consent": "yes"}
    response = await client.post(enrol, data=fields)
    assert response.status_code in (200, 201), (response.status_code, response.text[:500])
    client.cookies.clear()


def short(path: str) -> str:
    """The path with its ids as {id}, so that the table is readable."""
    return re.sub(r"[0-9a-f]{8}-[0-9a-f-]{27}", "{id}", path)


def report(label: str, times: list[float], size: int, baseline: float | None) -> None:
    p50 = statistics.median(times)
    p95 = statistics.quantiles(times, n=20)[18]
    ratio = f"{p95 / baseline:4.1f}x" if baseline else "  1.0x"
    print(f"{label:<40} p50 {p50:6.2f} ms  p95 {p95:6.2f} ms  ({ratio} the API's p95)  "
          f"{size / 1024:6.1f} KB")


async def bench(url: str, requests: int, entries: int) -> None:
    conn = await asyncpg.connect(url)
    await migrate(conn, ROOT / "migrations")
    await conn.close()
    pool = await db.create_pool(url, 2, 10)
    settings = Settings(database_url=url, run_scheduler=False)
    async with pool.acquire() as conn:
        await load_catalogue(conn, settings.catalogue_dir)
        await load_demo(conn, settings, progress=lambda _: None)
        dev = await conn.fetchval("SELECT id FROM workers WHERE external_ref = 'LCC-2201'")
        poppleton = await conn.fetchval("SELECT id FROM providers WHERE ukprn = '10099999'")
    app = create_app(settings, pool=pool)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://localhost") as client:
        async with pool.acquire() as conn:
            admin = {"Authorization": "Bearer " + (await issue_token(
                conn, "admin", "bench", None, None, 1)).token}
        worker = (await client.post("/v1/workers", json=WORKER, headers=admin)).json()
        for n in range(entries):
            response = await client.post(
                f"/v1/workers/{worker['id']}/account/contributions", headers=admin | {
                    "Idempotency-Key": f"k{n}"}, json={"amount_pence": 1000 + n,
                                                      "source": "union", "reference": f"r{n}"})
            assert response.status_code == 201, response.text
        rep = (await client.post("/v1/reps", json={"name": "Rita", "email": "r@example.org",
                                                   "branch": "Bench UNISON"},
                                 headers=admin)).json()
        async with pool.acquire() as conn:
            rep_token = {"Authorization": "Bearer " + (await issue_token(
                conn, "rep", "bench", rep["id"], None, 1)).token}
        start = datetime.now(UTC).replace(microsecond=0) + timedelta(days=2)
        for n in range(20):
            at = start + timedelta(hours=2 * n)
            await client.post(f"/v1/reps/{rep['id']}/slots", headers=rep_token, json={
                "starts_at": at.isoformat(), "ends_at": (at + timedelta(hours=1)).isoformat(),
                "mode": "video"})
        provider = (await client.post("/v1/providers", json={"ukprn": "10099998",
                                                             "name": "Bench College"},
                                      headers=admin)).json()
        async with pool.acquire() as conn:
            worker_api = {"Authorization": "Bearer " + (await issue_token(
                conn, "worker", "bench", worker["id"], None, 1)).token}
        cookies = {
            "worker": await session_for(pool, settings, "worker", worker["id"]),
            "rep": await session_for(pool, settings, "rep", rep["id"]),
            "college": await session_for(pool, settings, "college", provider["id"]),
            "dev": await session_for(pool, settings, "worker", dev),
            "poppleton": await session_for(pool, settings, "college", poppleton),
        }
        client.cookies.set("ladder_session", cookies["dev"])
        options = (await client.get("/options")).text
        pathway = re.search(r'href="(/options/pathway/[0-9a-f-]+)"', options).group(1)
        enrol = re.search(r'href="(/options/enrol/[0-9a-f-]+/[0-9a-f-]+)"', options).group(1)
        client.cookies.clear()
        await enrol_once(client, cookies["dev"], enrol)
        async with pool.acquire() as conn:
            booked = await conn.fetchval("SELECT id FROM enrolments")
        print(f"{requests} sequential requests per page; worker with {entries} ledger entries")
        await timed(client, f"/v1/workers/{worker['id']}/account", 20, headers=worker_api)
        api_times, api_size = await timed(client, f"/v1/workers/{worker['id']}/account",
                                          requests, headers=worker_api)
        report("API account (JSON)", api_times, api_size, None)
        baseline = statistics.quantiles(api_times, n=20)[18]
        pages = [("worker", "/account"), ("worker", "/priority"), ("worker", "/skills"),
                 ("worker", "/review"), ("rep", "/branch"), ("rep", "/branch/slots"),
                 ("rep", "/branch/workers/new"), ("college", "/college"), (None, "/sign-in")]
        pages += [("worker", "/your-data"), ("worker", "/your-data/equality"),
                  ("worker", "/your-data/consents"), ("worker", "/your-data/challenges"),
                  ("worker", "/your-data/access-log"), ("college", "/college/enrolments")]
        pages += [("dev", "/options"), ("dev", "/options?focus=digital"), ("dev", pathway),
                  ("dev", enrol), ("dev", f"{enrol}/check"), ("dev", "/enrolments"),
                  ("dev", f"/enrolments/{booked}/cancel"),
                  ("poppleton", "/college/enrolments"),
                  ("poppleton", f"/college/enrolments/{booked}/start")]
        worst = 0.0
        for role, path in pages:
            client.cookies.clear()
            if role:
                client.cookies.set("ladder_session", cookies[role])
            form = None
            if path.endswith("/check"):  # the check page is the answer to the form's POST
                form = {"_csrf_token": await csrf_token(client, path.removesuffix("/check")),
                        "consent": "yes"}
            await timed(client, path, 20, form)
            times, size = await timed(client, path, requests, form)
            report(f"{role or 'anyone'} {short(path)}", times, size, baseline)
            worst = max(worst, statistics.quantiles(times, n=20)[18])
        print(f"slowest page p95: {worst:.2f} ms (target under 100 ms)")
    await pool.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--entries", type=int, default=200)
    args = parser.parse_args()
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("ladder.access").setLevel(logging.WARNING)
    run_on_scratch_database(lambda url: bench(url, args.requests, args.entries))


if __name__ == "__main__":
    main()
