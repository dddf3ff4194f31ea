"""Time a full catalogue sync of many generated courses (then the identical re-sync, and one with
a few changes), the skill inference that follows each, and the latency of `GET /v1/courses`
searches on that catalogue.

    .venv/bin/python bench/courses.py [--courses 50000] [--presentations-per-course 2]
                                      [--queries 400] [--no-esco]

Uses LADDER_DATABASE_URL's server if set, else an embedded PostgreSQL in a temporary directory;
either way in a new database that is dropped afterwards. The real ESCO skills are loaded first
(not timed) so that skill inference runs as in production; `--no-esco` skips it. Search figures
are for the app in-process (httpx over ASGI), so they include the auth guard and the handler."""

import argparse
import csv
import gzip
import logging
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
from service.courses import service  # noqa: E402
from service.courses.catalogue_body import decode_catalogue_json  # noqa: E402
from service.courses.inference_job import LexiconCache, infer_pending_skills  # noqa: E402
from service.migrations import migrate  # noqa: E402
from service.settings import Settings  # noqa: E402

SUBJECTS = ("welding", "plumbing", "accounting", "hairdressing", "carpentry", "bookkeeping",
            "care", "nursing", "cooking", "catering", "electrical", "installation", "digital",
            "marketing", "customer service", "first aid", "health and safety", "english",
            "mathematics", "spreadsheets", "project management", "horticulture", "retail",
            "warehousing", "forklift", "logistics", "teaching", "childcare", "coding",
            "web design", "photography", "bricklaying", "plastering", "painting", "decorating")
WORDS = ("learn", "practical", "skills", "workshop", "theory", "assessment", "portfolio",
         "employer", "industry", "safely", "tools", "equipment", "techniques", "team",
         "communication", "problem", "solving", "planning", "records", "quality", "standards",
         "regulations", "introduction", "advanced", "professional", "certificate", "diploma")
KINDS = ("Award", "Certificate", "Diploma", "Short course", "Apprenticeship", "Refresher")
LEVELS = ("E1", "E2", "E3", "1", "2", "3", "4", "5", "6", "7", None)
PATTERNS = ("daytime", "evening", "weekend", "day_release", "self_paced")
DELIVERIES = ("classroom", "online", "blended", "work_based")


def esco_phrases() -> list[str]:
    """Real English skill phrases, so that descriptions have a realistic vocabulary."""
    with gzip.open(ROOT / "catalogue" / "esco_skills.csv.gz", "rt", encoding="utf-8") as f:
        return [row["label"] for row in csv.DictReader(f)]


def generate(courses: int, per_course: int, seed: int = 7) -> bytes:
    """A college's catalogue as JSON bytes, as it would arrive over HTTP: a title naming a
    subject, a description of some ESCO skill phrases among generic words."""
    rng = random.Random(seed)
    phrases = esco_phrases()
    items = []
    for i in range(courses):
        subject = rng.choice(SUBJECTS)
        level = rng.choice(LEVELS)
        title = f"{subject.capitalize()} {rng.choice(KINDS)}" + (f" Level {level}"
                                                                  if level else "")
        parts = [*rng.sample(phrases, 4), subject, *rng.sample(WORDS, 12)]
        rng.shuffle(parts)
        description = " ".join(parts)
        presentations = []
        for j in range(per_course):
            month, day = rng.randint(1, 12), rng.randint(1, 28)
            presentations.append({
                "ref": f"P{i}-{j}", "starts_on": f"2027-{month:02d}-{day:02d}",
                "ends_on": f"2028-{month:02d}-{day:02d}", "study_mode": "part_time",
                "attendance_pattern": rng.choice(PATTERNS), "delivery": rng.choice(DELIVERIES),
                "cost_pence": rng.randrange(0, 300_000, 500), "places": rng.randint(5, 30),
                "venue_postcode": "PL6 7FH"})
        items.append({"ref": f"C{i}", "title": title, "description": description,
                       "subjects": [subject, rng.choice(SUBJECTS)], "rqf_level": level,
                       "presentations": presentations})
    return msgspec.json.encode({"courses": items})


LEXICONS = LexiconCache()


async def timed_sync(conn: asyncpg.Connection, provider: service.ProviderRef, body: bytes,
                     label: str) -> None:
    started = time.perf_counter()
    catalogue = decode_catalogue_json(body)
    decoded = time.perf_counter()
    async with conn.transaction():
        report = await service.apply_sync(conn, provider, catalogue, mode="full", fmt="json",
                                          actor=Actor.system("bench"))
    done = time.perf_counter()
    print(f"{label:<22} {done - started:6.2f} s  (decode {decoded - started:.2f} s, validate + "
          f"apply {done - decoded:.2f} s): {report.created} created, {report.updated} updated, "
          f"{report.unchanged} unchanged, {report.withdrawn} withdrawn", flush=True)
    links = await infer_pending_skills(conn, LEXICONS, provider.id)
    print(f"{'  then skill inference':<22} {time.perf_counter() - done:6.2f} s  ({links} links; "
          "runs after the sync has committed and answered)", flush=True)


phrase_words = sorted({w for p in esco_phrases()[:3000] for w in p.split() if len(w) > 3})


def search_params(rng: random.Random, ukprn: str) -> dict[str, str]:
    params: dict[str, str] = {}
    if rng.random() < 0.8:
        words = rng.choice((SUBJECTS, SUBJECTS, WORDS, phrase_words))
        params["q"] = " ".join(rng.sample(words, rng.choice((1, 1, 2))))
    filters = [("level", lambda: rng.choice(LEVELS[:-1])),
               ("band", lambda: rng.choice(("introductory", "intermediate", "advanced"))),
               ("attendance", lambda: rng.choice(PATTERNS)),
               ("delivery", lambda: rng.choice(DELIVERIES)),
               ("max_cost", lambda: str(rng.randrange(10_000, 300_000, 10_000))),
               ("starting_after", lambda: f"2027-{rng.randint(1, 12):02d}-01"),
               ("provider", lambda: ukprn)]
    for name, value in rng.sample(filters, rng.choice((0, 1, 1, 2, 3))):
        params[name] = value()
    return params


async def bench_search(url: str, queries: int, ukprn: str) -> None:
    settings = Settings(database_url=url, run_scheduler=False)
    pool = await db.create_pool(url, min_size=2, max_size=4)
    try:
        async with pool.acquire() as conn:
            token = (await issue_token(conn, "admin", "bench", None, None, 1)).token
        app = create_app(settings, pool=pool)
        headers = {"Authorization": f"Bearer {token}"}
        rng = random.Random(11)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                     base_url="http://bench") as client:
            for _ in range(20):  # warm up the plan cache and buffers
                await client.get("/v1/courses", params=search_params(rng, ukprn), headers=headers)
            timings, hits, pages = [], [], 0
            for _ in range(queries):
                params = search_params(rng, ukprn)
                started = time.perf_counter()
                response = await client.get("/v1/courses", params=params, headers=headers)
                timings.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200, response.text
                page = response.json()
                hits.append(len(page["items"]))
                if page["next_cursor"] and rng.random() < 0.2:
                    started = time.perf_counter()
                    await client.get("/v1/courses", headers=headers,
                                     params=params | {"cursor": page["next_cursor"]})
                    timings.append((time.perf_counter() - started) * 1000)
                    pages += 1
        timings.sort()
        p95 = timings[int(len(timings) * 0.95) - 1]
        print(f"search: p50 {statistics.median(timings):.1f} ms, p95 {p95:.1f} ms, max "
              f"{timings[-1]:.1f} ms over {len(timings)} requests ({pages} of them next pages; "
              f"median {statistics.median(hits):.0f} items per page of 50)", flush=True)
    finally:
        await pool.close()


async def run(url: str, args: argparse.Namespace) -> None:
    logging.getLogger("httpx").setLevel(logging.WARNING)
    conn = await asyncpg.connect(url)
    try:
        await db.init_connection(conn)
        await migrate(conn, ROOT / "migrations")
        if not args.no_esco:
            from service.reference.service import load_catalogue

            await load_catalogue(conn, ROOT / "catalogue")
        row = await conn.fetchrow("INSERT INTO providers (ukprn, name) VALUES ('10001696', "
                                  "'Bench College') RETURNING id, ukprn, name")
        provider = service.ProviderRef(row["id"], row["ukprn"], row["name"])
        body = generate(args.courses, args.presentations_per_course)
        print(f"catalogue: {args.courses} courses, {args.courses * args.presentations_per_course}"
              f" presentations, {len(body) / 1e6:.1f} MB of JSON; ESCO skills "
              f"{'not loaded' if args.no_esco else 'loaded (inference on)'}", flush=True)
        await timed_sync(conn, provider, body, "first full sync")
        await timed_sync(conn, provider, body, "identical re-sync")
        changed = msgspec.json.decode(body)
        for course in changed["courses"][: args.courses // 100]:
            course["title"] += " (revised)"
        del changed["courses"][-(args.courses // 100):]
        await timed_sync(conn, provider, msgspec.json.encode(changed), "1% changed, 1% gone")
        inferred = await conn.fetchval("SELECT count(*) FROM course_skills")
        print(f"course-skill links inferred: {inferred}", flush=True)
        await conn.execute("VACUUM ANALYZE courses")
        await conn.execute("VACUUM ANALYZE presentations")
        await bench_search(url, args.queries, provider.ukprn)
    finally:
        await conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--courses", type=int, default=50_000)
    parser.add_argument("--presentations-per-course", type=int, default=2)
    parser.add_argument("--queries", type=int, default=400)
    parser.add_argument("--no-esco", action="store_true")
    args = parser.parse_args()
    run_on_scratch_database(lambda url: run(url, args))


if __name__ == "__main__":
    main()
