"""`ladder outbox [--once] [--interval S]`: deliver the outbox's due messages."""

import argparse
import asyncio
import sys

import asyncpg

from service.settings import Settings


def cmd_outbox(args: argparse.Namespace, settings: Settings) -> None:
    from service.console import run_with_connection, say
    from service.outbox.senders import sender_from
    from service.outbox.service import deliver_due

    try:
        sender = sender_from(settings, say)  # a bad LADDER_SMTP_URL stops here, before a claim
    except ValueError as error:
        say(f"error: {error}")
        sys.exit(2)

    async def work(conn: asyncpg.Connection) -> None:
        where = f"SMTP {sender.target!r}" if sender.via == "smtp" else "the log (no SMTP URL)"
        say(f"outbox: delivering to {where}" + ("" if args.once else
            f", every {args.interval:g} s; Ctrl-C stops"))
        while True:
            report = await deliver_due(conn, settings, sender=sender, progress=say)
            if report or args.once:
                say(report.summary())
            if args.once:
                return
            await asyncio.sleep(args.interval)

    try:
        run_with_connection(settings, work)
    except KeyboardInterrupt:
        say("outbox stopped")


def register(commands: argparse._SubParsersAction) -> None:
    outbox = commands.add_parser("outbox", help="deliver due outbox messages (reminders): by "
                                 "SMTP when LADDER_SMTP_URL is set, else to the log")
    outbox.add_argument("--once", action="store_true", help="deliver what is due, then stop")
    outbox.add_argument("--interval", type=float, default=30.0,
                        help="seconds between rounds when not --once (default 30)")
    outbox.set_defaults(run=cmd_outbox)
