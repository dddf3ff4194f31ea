"""`ladder accrue --period 2026`: the yearly accrual, with progress on stderr."""

import argparse

import asyncpg

from service.settings import Settings


def cmd_accrue(args: argparse.Namespace, settings: Settings) -> None:
    from service.accounts.logic import pounds
    from service.accounts.service import accrue
    from service.actor import SYSTEM
    from service.console import run_with_connection, say

    async def work(conn: asyncpg.Connection) -> None:
        result = await accrue(conn, SYSTEM, args.period, batch_size=args.batch_size, progress=say)
        say(f"accrual {result.period} (policy version {result.policy_version}): "
            f"{result.workers_credited_now} workers credited now, "
            f"{pounds(result.credited_now_pence)} GBP; for the period in all "
            f"{result.workers_total} workers, {result.workers_at_ceiling_total} at their "
            f"ceiling, {pounds(result.credited_total_pence)} GBP")

    run_with_connection(settings, work)


def register(commands: argparse._SubParsersAction) -> None:
    accrue = commands.add_parser("accrue", help="credit every eligible worker for a period, "
                                 "once (resumable, idempotent)")
    accrue.add_argument("--period", required=True, help="a calendar year, e.g. 2026")
    accrue.add_argument("--batch-size", type=int, default=5000,
                        help="workers per committed batch (default 5000)")
    accrue.set_defaults(run=cmd_accrue)
