"""`ladder catalogue import|infer-skills`."""

import argparse
import asyncio
import sys
from pathlib import Path

import asyncpg

from service.settings import Settings


def cmd_import(args: argparse.Namespace, settings: Settings) -> None:
    """The import's own connection (no time limits, as other command-line jobs), and the lease
    pool beside it for the sync's running row and its lease (`syncs.running`)."""
    from service import db
    from service.console import say
    from service.courses.syncs import Leases, create_pool

    url = db.database_url(settings, say)

    async def main() -> str:
        pool = await db.create_pool(url, min_size=1, max_size=1)
        try:
            lease_pool = await create_pool(url, settings)
            try:
                async with pool.acquire() as conn:
                    return await work(conn, Leases.of(settings, lease_pool))
            finally:
                await lease_pool.close()
        finally:
            await pool.close()

    async def work(conn: asyncpg.Connection, leases) -> str:
        report = await import_file(conn, args.ukprn, args.file, args.mode, leases)
        say(f"sync {report.id}: {report.status}; {report.created} created, {report.updated} "
            f"updated, {report.unchanged} unchanged, {report.restored} restored, "
            f"{report.withdrawn} withdrawn, {report.rejected} rejected, "
            f"{len(report.warnings)} warnings" + (f"; {report.error}" if report.error else ""))
        return report.status

    if asyncio.run(main()) == "failed":
        sys.exit(1)  # stored as a failed sync, but a script must notice


async def import_file(conn: asyncpg.Connection, ukprn: str, path: Path, mode: str,
                      leases=None):
    """Sync a provider's catalogue from a JSON or XCRI-CAP file as the system (not a token)."""
    data = await asyncio.to_thread(path.read_bytes)
    return await import_data(conn, ukprn, data, mode, leases)


async def import_data(conn: asyncpg.Connection, ukprn: str, data: bytes, mode: str,
                      leases=None):
    """Sync a provider's catalogue from JSON or XCRI-CAP bytes as the system (not a token);
    `leases` as `syncs.running` takes them (none: the running row on `conn`)."""
    from service.actor import Actor
    from service.courses import service
    from service.courses.inference_job import LexiconCache, infer_pending_skills
    from service.errors import NotFound
    from service.people import service as people

    found = await people.provider_by_ukprn(conn, ukprn)
    if found is None:
        raise NotFound(f"no provider with UKPRN {ukprn}; create it with POST /v1/providers")
    provider = service.ProviderRef(found.id, found.ukprn, found.name)
    actor = Actor.system("ladder catalogue import")
    fmt = "json" if data.lstrip()[:1] in (b"{", b"[") else "xcri"
    try:
        catalogue, warnings = await service.read_catalogue(conn, provider, data, fmt=fmt,
                                                           mode=mode, actor=actor)
    except service.SyncRefused as refused:  # stored as a failed sync, as the API does
        return refused.report
    report = await service.apply_sync(conn, provider, catalogue, mode=mode, fmt=fmt,
                                      actor=actor, warnings=warnings,
                                      leases=leases or service.Leases())
    await infer_pending_skills(conn, LexiconCache(), provider.id)
    return report


def cmd_infer(args: argparse.Namespace, settings: Settings) -> None:
    from service.console import run_with_connection, say
    from service.courses.inference_job import LexiconCache, reinfer_skills
    from service.errors import NotFound
    from service.people import service as people

    async def work(conn: asyncpg.Connection) -> None:
        provider_id = None
        if args.ukprn:
            found = await people.provider_by_ukprn(conn, args.ukprn)
            if found is None:
                raise NotFound(f"no provider with UKPRN {args.ukprn}")
            provider_id = found.id
        found = await reinfer_skills(conn, LexiconCache(), provider_id, progress=say)
        say(f"skills inferred: {found} course-skill links")

    run_with_connection(settings, work)


async def load_demo_catalogue(conn: asyncpg.Connection, settings: Settings, progress) -> None:
    """The trimmed Cornwall College feed, for the demo college UKPRN 10001696."""
    path = settings.catalogue_dir / "feeds" / "cornwall_college_demo.xml"
    report = await import_file(conn, "10001696", path, "full")
    progress(f"demo: Cornwall College catalogue, {report.created} courses created")


def register(commands: argparse._SubParsersAction) -> None:
    catalogue = commands.add_parser("catalogue", help="course catalogues").add_subparsers(
        dest="catalogue_command", required=True)
    load = catalogue.add_parser("import", help="sync a college's catalogue from a file "
                                "(JSON or XCRI-CAP 1.2 XML); exit status 1 if the sync failed")
    load.add_argument("--ukprn", required=True)
    load.add_argument("--mode", choices=["full", "delta"], default="full")
    load.add_argument("file", type=Path)
    load.set_defaults(run=cmd_import)
    infer = catalogue.add_parser("infer-skills", help="infer skills again for courses without "
                                 "college-given skills (after loading ESCO)")
    infer.add_argument("--ukprn", help="only this college")
    infer.set_defaults(run=cmd_infer)
