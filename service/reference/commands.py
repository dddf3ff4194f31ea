"""`ladder reference load`: load (or refresh) the ESCO and automation-risk reference data;
`ladder reference transitions`: rebuild the transitions between occupations alone."""

import argparse
from pathlib import Path

import asyncpg

from service.settings import Settings


def register(subparsers: argparse._SubParsersAction) -> None:
    reference = subparsers.add_parser("reference", help="ESCO occupations, skills and risk")
    commands = reference.add_subparsers(dest="reference_command", required=True)
    load = commands.add_parser("load", help="migrate, then load catalogue/ (idempotent: a "
                               "second load changes nothing)")
    load.add_argument("--catalogue", type=Path,
                      help="directory of the derived files (default: LADDER_CATALOGUE_DIR)")
    load.set_defaults(run=cmd_load)
    rebuild = commands.add_parser("transitions", help="migrate, then rebuild the transitions "
                                  "between occupations from the loaded reference data")
    rebuild.set_defaults(run=cmd_transitions)


def cmd_load(args: argparse.Namespace, settings: Settings) -> None:
    from service.console import apply_migrations, run_with_connection, say
    from service.people.service import refresh_priorities
    from service.reference.service import load_catalogue

    async def work(conn: asyncpg.Connection) -> None:
        await apply_migrations(conn, settings)
        report = await load_catalogue(conn, args.catalogue or settings.catalogue_dir,
                                      progress=say)
        for table, rows in report.changed.items():
            print(f"{table:<20} {rows:>7} rows changed")
        if any(report.changed.values()):
            refreshed = await refresh_priorities(conn)
            say(f"priority scores recomputed: {refreshed} changed")

    run_with_connection(settings, work)


def cmd_transitions(args: argparse.Namespace, settings: Settings) -> None:
    from service.console import apply_migrations, run_with_connection, say
    from service.reference.transitions import rebuild_transitions

    async def work(conn: asyncpg.Connection) -> None:
        await apply_migrations(conn, settings)
        report = await rebuild_transitions(conn, progress=say)
        print(f"occupation_transitions {report.changed:>7} rows changed")
        print(f"transitions            {report.transitions:>7} kept for {report.occupations} "
              f"occupations in {report.seconds:.2f} s")

    run_with_connection(settings, work)
