"""Time `GET /v1/workers/{id}/matches` with the full ESCO data, a catalogue of generated courses
teaching real ESCO skills, and many workers, against `GET /v1/workers/{id}` (the same audited
read of the worker, nothing else) measured in the same run.

    .venv/bin/python bench/matching.py [--courses 20000] [--workers 10000] [--requests 600]

Uses LADDER_DATABASE_URL's server if set, else an embedded PostgreSQL in a temporary directory;
either way in a new database that is dropped afterwards. The reference load fills the
transitions when the reference domain's build is present; when it leaves them empty (a branch
without the build), a stand-in fills them: for each occupation, the safer targets (lower risk,
not High) that share essential skills, similarity = shared essential / sqrt(essential of each),
the best 25 kept, and 8 % of skills tagged digital. The figures say which one ran. Requests go
to the app in-process (httpx over ASGI), so they include the auth guard and the handler."""

import argparse
import logging
import os
import random
import statistics
import sys
import time
from pathlib import Path

import asyncpg
import httpx
import msgspec

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.scratch import run_on_scratch_database  # noqa: E402
from service import db  # noqa: E402
from service.actor import Actor  # noqa: E402
from service.app import create_app  # noqa: E402
from service.auth.service import issue_token  # noqa: E402
from service.courses import service as courses  # noqa: E402
from service.courses.schemas import CatalogueIn  # noqa: E402
from service.migrations import migrate  # noqa: E402
from service.reference.service import load_catalogue  # noqa: E402
from service.settings import Settings  # noqa: E402

LEVELS = ("E3", "1", "2", "3", "4", "5", "6", None)
PATTERNS = ("daytime", "evening", "weekend", "day_release", "self_paced")
DELIVERIES = ("classroom", "online", "blended", "work_based")
AREAS = ("LS", "BD", "M", "B", "NE", "PL", "EX", "CF", "G", "SE", "N", "NG", "LE", "BS", "S")
REGIONS = ("E12000001", "E12000002", "E12000003", "E12000004", "E12000005", "E12000006",
           "E12000007", "E12000008", "E12000009", "W92000004", "S92000003")
CONTRACTS = ("permanent", "permanent", "fixed_term", "zero_hours", "agency", "outsourced")
QUALIFICATIONS = ("none", "E3", "1", "2", "2", "3", "3", "4", "5", "6")

STAND_IN_TRANSITIONS = """
WITH ess AS (
    SELECT occupation_id, skill_id FROM occupation_skills WHERE relation = 'essential'
), sizes AS (
    SELECT occupation_id, count(*) AS n FROM ess GROUP BY occupation_id
), pairs AS (
    SELECT a.occupation_id AS source, b.occupation_id AS target, count(*) AS shared
    FROM ess AS a JOIN ess AS b ON a.skill_id = b.skill_id AND a.occupation_id <> b.occupation_id
    GROUP BY 1, 2
), scored AS (
    SELECT p.source, p.target, p.shared,
           p.shared / sqrt(sa.n::float8 * sb.n) AS similarity, sb.n - p.shared AS missing,
           row_number() OVER (PARTITION BY p.source
                              ORDER BY p.shared / sqrt(sa.n::float8 * sb.n) DESC, p.target) AS r
    FROM pairs AS p
    JOIN sizes AS sa ON sa.occupation_id = p.source
    JOIN sizes AS sb ON sb.occupation_id = p.target
    JOIN occupations AS o ON o.id = p.source
    JOIN occupations AS g ON g.id = p.target
    WHERE g.risk < o.risk AND g.risk_category <> 'High'
)
INSERT INTO occupation_transitions (occupation_id, target_id, similarity, shared_essential,
                                    missing_essential)
SELECT source, target, least(similarity, 1), shared, missing FROM scored WHERE r <= 25
"""


async def fill_reference(conn: asyncpg.Connection) -> str:
    started = time.perf_counter()
    await load_catalogue(conn, ROOT / "catalogue")
    print(f"reference load: {time.perf_counter() - started:.1f} s", flush=True)
    if await conn.fetchval("SELECT count(*) FROM occupation_transitions"):
        return "the reference build's transitions"
    started = time.perf_counter()
    await conn.execute(STAND_IN_TRANSITIONS)
    await conn.execute("INSERT INTO skill_tags SELECT id, 'digital' FROM skills "
                       "WHERE hashtext(id::text) % 100 < 8 ON CONFLICT DO NOTHING")
    print(f"stand-in transitions: {time.perf_counter() - started:.1f} s", flush=True)
    return "the bench's stand-in transitions"


def catalogue(n: int, skills: list[str], rng: random.Random) -> CatalogueIn:
    items = []
    for i in range(n):
        level = rng.choice(LEVELS)
        runs = []
        for j in range(2):
            month, day = rng.randint(1, 12), rng.randint(1, 28)
            runs.append({"ref": f"P{i}-{j}", "starts_on": f"2027-{month:02d}-{day:02d}",
                         "ends_on": f"2028-{month:02d}-{day:02d}", "study_mode": "part_time",
                         "attendance_pattern": rng.choice(PATTERNS),
                         "delivery": rng.choice(DELIVERIES),
                         "cost_pence": rng.randrange(0, 300_000, 500),
                         "places": rng.randint(0, 30),
                         "venue_postcode": f"{rng.choice(AREAS)}1 1AA"})
        items.append({"ref": f"C{i}", "title": f"Course {i}", "rqf_level": level,
                      "skill_uris": rng.sample(skills, rng.randint(2, 6)),
                      "presentations": runs})
    return msgspec.convert({"courses": items}, CatalogueIn)


async def fill_courses(conn: asyncpg.Connection, n: int, rng: random.Random) -> None:
    # courses teach skills that occupations need, as real catalogues mostly do
    skills = [r["uri"] for r in await conn.fetch(
        "SELECT DISTINCT k.uri FROM occupation_skills r JOIN skills k ON k.id = r.skill_id "
        "WHERE r.relation = 'essential' ORDER BY k.uri")]
    row = await conn.fetchrow("INSERT INTO providers (ukprn, name) VALUES ('10001696', "
                              "'Bench College') RETURNING id, ukprn, name")
    started = time.perf_counter()
    async with conn.transaction():
        await courses.apply_sync(conn, courses.ProviderRef(row["id"], row["ukprn"], row["name"]),
                                 catalogue(n, skills, rng), mode="full", fmt="json",
                                 actor=Actor.system("bench"))
    seconds = time.perf_counter() - started
    links = await conn.fetchval("SELECT count(*) FROM course_skills")
    print(f"catalogue sync: {n} courses, {2 * n} presentations in {seconds:.1f} s; {links} "
          "course-skill links", flush=True)


async def fill_workers(conn: asyncpg.Connection, n: int, rng: random.Random) -> list[str]:
    codes = [r["code"] for r in await conn.fetch(
        "SELECT DISTINCT o.code FROM occupation_transitions t JOIN occupations o "
        "ON o.id = t.occupation_id ORDER BY o.code")]
    rows = [(f"B{i}", f"Worker {i}", f"w{i}@example.org", f"{rng.randint(1960, 2000)}-05-01",
             f"Branch {i % 40}", "Bench Council", rng.choice(REGIONS), rng.choice(codes),
             rng.choice(CONTRACTS), rng.choice((16, 22.5, 30, 37, 37, 40)),
             rng.choice(QUALIFICATIONS), rng.random() < 0.2) for i in range(n)]
    await conn.executemany(
        "INSERT INTO workers (external_ref, name, email, birth_date, branch, employer, region, "
        "occupation, contract_type, weekly_hours, highest_qualification, facing_redundancy, "
        "priority_score) VALUES ($1, $2, $3, $4::text::date, $5, $6, $7, $8, $9, $10, $11, "
        "$12, 0)", rows)
    ids = [str(r["id"]) for r in await conn.fetch("SELECT id FROM workers ORDER BY id")]
    # a few assessed skills each, some of them raising a gap to level 2 or more
    skills = [r["id"] for r in await conn.fetch("SELECT id FROM skills ORDER BY id")]
    await conn.executemany(
        "INSERT INTO worker_skills (worker_id, skill_id, level, source, set_by_role, "
        "set_by_name) VALUES ($1::text::uuid, $2, $3, 'review', 'system', 'bench') "
        "ON CONFLICT DO NOTHING",
        [(w, rng.choice(skills), rng.randint(1, 4)) for w in ids for _ in range(3)])
    return ids


async def timed(client: httpx.AsyncClient, paths: list[str], headers: dict) -> list[float]:
    timings = []
    for path in paths:
        started = time.perf_counter()
        response = await client.get(path, headers=headers)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.text
    return sorted(timings)


def summary(label: str, timings: list[float], base: float | None = None) -> str:
    p50, p95 = statistics.median(timings), timings[int(len(timings) * 0.95) - 1]
    ratio = f"  {p50 / base:4.1f}x the worker read's p50" if base else ""
    return f"{label:<34} p50 {p50:6.2f} ms  p95 {p95:6.2f} ms  max {timings[-1]:6.2f} ms{ratio}"


async def bench(url: str, args: argparse.Namespace) -> None:
    logging.getLogger("httpx").setLevel(logging.WARNING)
    rng = random.Random(5)
    conn = await asyncpg.connect(url)
    try:
        await db.init_connection(conn)
        await migrate(conn, ROOT / "migrations")
        source = await fill_reference(conn)
        await fill_courses(conn, args.courses, rng)
        ids = await fill_workers(conn, args.workers, rng)
        for table in ("courses", "presentations", "course_skills", "workers", "worker_skills",
                      "occupation_transitions", "skill_tags"):
            await conn.execute(f"VACUUM ANALYZE {table}")
        token = (await issue_token(conn, "admin", "bench", None, None, 1)).token
        transitions = await conn.fetchval("SELECT count(*) FROM occupation_transitions")
        print(f"transitions: {transitions} ({source}); workers: {len(ids)}", flush=True)
    finally:
        await conn.close()
    pool = await db.create_pool(url, min_size=2, max_size=4)
    try:
        app = create_app(Settings(database_url=url, run_scheduler=False), pool=pool)
        headers = {"Authorization": f"Bearer {token}"}
        sample = [rng.choice(ids) for _ in range(args.requests)]
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                     base_url="http://bench") as client:
            await timed(client, [f"/v1/workers/{w}/matches" for w in ids[:30]], headers)
            body = (await client.get(f"/v1/workers/{sample[0]}/matches", headers=headers)).json()
            read = await timed(client, [f"/v1/workers/{w}" for w in sample], headers)
            plain = await timed(client, [f"/v1/workers/{w}/matches" for w in sample], headers)
            digital = await timed(client, [f"/v1/workers/{w}/matches?focus=digital"
                                           for w in sample], headers)
        base = statistics.median(read)
        load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
        print(f"load average at the end (1, 5, 15 min): {load}", flush=True)
        print(f"{args.requests} requests each, one at a time, workers drawn at random; e.g. "
              f"{len(body['pathways'])} pathways, "
              f"{sum(len(p['courses']) for p in body['pathways'])} courses", flush=True)
        print(summary("GET /v1/workers/{id} (baseline)", read), flush=True)
        print(summary("GET /v1/workers/{id}/matches", plain, base), flush=True)
        print(summary("GET .../matches?focus=digital", digital, base), flush=True)
    finally:
        await pool.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--courses", type=int, default=20_000)
    parser.add_argument("--workers", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=600)
    args = parser.parse_args()
    run_on_scratch_database(lambda url: bench(url, args))


if __name__ == "__main__":
    main()
