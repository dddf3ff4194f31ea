"""`ladder retention`: pseudonymise workers inactive for LADDER_RETENTION_INACTIVE_YEARS and
delete audit rows older than LADDER_AUDIT_RETENTION_YEARS, printing what it did."""

import argparse

import asyncpg

from service.settings import Settings


def cmd_retention(args: argparse.Namespace, settings: Settings) -> None:
    from service.console import run_with_connection, say
    from service.datarights.service import retention

    async def work(conn: asyncpg.Connection) -> list[str]:
        say(f"retention: workers inactive for {settings.retention_inactive_years} years, audit "
            f"rows older than {settings.audit_retention_years} years")
        report = await retention(conn, settings.retention_inactive_years,
                                 settings.audit_retention_years,
                                 offer_hours=settings.review_offer_hours, progress=say)
        return report.lines()

    for line in run_with_connection(settings, work):
        print(line)


def register(commands: argparse._SubParsersAction) -> None:
    retention = commands.add_parser(
        "retention", help="pseudonymise workers inactive for LADDER_RETENTION_INACTIVE_YEARS "
        "(6) and delete audit rows older than LADDER_AUDIT_RETENTION_YEARS (7)")
    retention.set_defaults(run=cmd_retention)
