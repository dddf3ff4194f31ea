"""Background jobs, a round every LADDER_FEED_POLL_SECONDS: inside each `ladder serve` (unless
LADDER_RUN_SCHEDULER=false) and in `ladder worker`. Jobs coordinate through PostgreSQL
(`SKIP LOCKED`, advisory locks, rows saying what is done), so any number of instances may run
them; one job failing does not stop the others or the next round."""

import argparse
import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager, suppress
from functools import partial
from typing import Any

import asyncpg

from service.courses import feeds
from service.courses.inference_job import LexiconCache
from service.enrolments import places as enrolments
from service.outbox import service as outbox
from service.people import service as people
from service.programmes import reminders as programmes
from service.reviews import waitlist as reviews
from service.settings import Settings

log = logging.getLogger("ladder")

Job = Callable[[asyncpg.Pool, Settings, Callable[[str], None]], Awaitable[None]]


def jobs(lexicons: LexiconCache, lease_pool: asyncpg.Pool | None = None) -> dict[str, Job]:
    """The jobs of one scheduler: the course job keeps its lexicon cache from round to round
    (the app's, inside `ladder serve`), so the lexicon is rebuilt only after a reference load,
    and its syncs' running rows go through the process's lease pool (`syncs.create_pool`)."""
    return {
        "course feeds and skills": partial(feeds.scheduled_round, lexicons=lexicons,
                                           lease_pool=lease_pool),
        "priority scores": people.scheduled_round,
        "review offers": reviews.scheduled_round,
        "enrolment offers": enrolments.scheduled_round,
        "programme reminders": programmes.scheduled_round,
        "outbox": outbox.scheduled_round,
    }


JOBS = tuple(jobs(LexiconCache()))  # their names


async def run_round(pool: asyncpg.Pool, settings: Settings,
                    progress: Callable[[str], None] | None = None,
                    lexicons: LexiconCache | None = None,
                    lease_pool: asyncpg.Pool | None = None) -> None:
    for name, job in jobs(lexicons or LexiconCache(), lease_pool).items():
        try:
            await job(pool, settings, progress or log.info)
        except Exception:  # noqa: BLE001 - the scheduler must outlive one bad job
            log.exception("scheduler: %s failed; trying again next round", name)


async def run_scheduler(pool: asyncpg.Pool, settings: Settings, *, once: bool = False,
                        progress: Callable[[str], None] | None = None,
                        lexicons: LexiconCache | None = None,
                        lease_pool: asyncpg.Pool | None = None) -> None:
    """Run a round every `feed_poll_seconds` until cancelled (or once)."""
    lexicons = lexicons or LexiconCache()
    while True:
        await run_round(pool, settings, progress, lexicons, lease_pool)
        if once:
            return
        await asyncio.sleep(settings.feed_poll_seconds)


def scheduler_lifespan(settings: Settings):
    """A lifespan running the scheduler beside the app, unless LADDER_RUN_SCHEDULER=false."""

    @asynccontextmanager
    async def lifespan(app: Any) -> AsyncIterator[None]:
        if not settings.run_scheduler:
            yield
            return
        task = asyncio.create_task(run_scheduler(app.state.pool, settings,
                                                 lexicons=app.state.lexicons,
                                                 lease_pool=app.state.lease_pool))
        try:
            yield
        finally:
            task.cancel()
            with suppress(asyncio.CancelledError):
                await task

    return lifespan


def register(commands: argparse._SubParsersAction) -> None:
    worker = commands.add_parser("worker", help="run the background jobs on a schedule: pull due "
                                 "course feeds, infer pending course skills, refresh priority "
                                 "scores, pass lapsed review and enrolment offers on, remind "
                                 "reps of programme members with no destination, "
                                 "deliver due "
                                 "outbox messages")
    worker.add_argument("--once", action="store_true", help="run one round, then stop")
    worker.set_defaults(run=cmd_worker)


def cmd_worker(args: argparse.Namespace, settings: Settings) -> None:
    from service import db
    from service.console import say
    from service.courses import syncs

    url = db.database_url(settings, say)

    async def main() -> None:
        pool = await db.create_app_pool(url, settings, min_size=1, max_size=4)
        try:
            lease_pool = await syncs.create_pool(url, settings)
            try:
                jobs = ", ".join(JOBS)
                say(f"scheduler: one round of {jobs}" if args.once else
                    f"scheduler: {jobs}, every {settings.feed_poll_seconds:g} s; Ctrl-C stops")
                await run_scheduler(pool, settings, once=args.once, progress=say,
                                    lease_pool=lease_pool)
            finally:
                await lease_pool.close()
        finally:
            await pool.close()

    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        say("scheduler stopped")
