"""The `ladder` command: serve, migrate, token create, demo, and each domain's own commands.

A domain adds commands by listing a module in COMMAND_MODULES that has `register(subparsers)`."""

import argparse
import importlib
import os
import secrets
import sys
from uuid import UUID

import asyncpg

from service import db
from service.auth.logic import ROLES
from service.console import apply_migrations, run_with_connection, say
from service.migrations import MigrationError
from service.settings import Settings

COMMAND_MODULES: list[str] = ["service.accounts.commands", "service.reference.commands",
                              "service.courses.commands", "service.outbox.commands",
                              "service.datarights.commands",
                              "service.scheduler", "service.system.backup", "service.web.commands"]
# "module:function" run after migrating, before serving or loading the demo:
# async (conn, settings) -> None, e.g. loading reference data into empty tables.
PREPARE_HOOKS: list[str] = ["service.reference.service:load_if_empty"]


async def prepare_database(conn: asyncpg.Connection, settings: Settings) -> None:
    await apply_migrations(conn, settings)
    for hook in PREPARE_HOOKS:
        module_name, _, function = hook.partition(":")
        await getattr(importlib.import_module(module_name), function)(conn, settings)


def cmd_migrate(args: argparse.Namespace, settings: Settings) -> None:
    run_with_connection(settings, lambda conn: apply_migrations(conn, settings))


def cmd_token_create(args: argparse.Namespace, settings: Settings) -> None:
    from service.auth.service import issue_token

    async def work(conn: asyncpg.Connection) -> str:
        async with conn.transaction():
            created = await issue_token(conn, args.role, args.name, args.subject, None,
                                        settings.token_default_days)
        say(f"{created.role} token {created.id} for {created.name!r}, expires "
            f"{created.expires_at:%Y-%m-%d}. It is shown once:")
        return created.token

    print(run_with_connection(settings, work))


def cmd_demo(args: argparse.Namespace, settings: Settings) -> None:
    from service.demo import load_demo

    async def work(conn: asyncpg.Connection) -> None:
        await prepare_database(conn, settings)
        tokens = await load_demo(conn, settings, progress=say)
        print_tokens(tokens)

    run_with_connection(settings, work)


def print_tokens(tokens: dict[str, str]) -> None:
    if not tokens:
        return
    say("demo tokens (try: curl -H 'Authorization: Bearer <token>' .../v1/me):")
    for who, token in tokens.items():
        print(f"{who:<28} {token}")


def cmd_serve(args: argparse.Namespace, settings: Settings) -> None:
    from granian import Granian
    from granian.constants import Interfaces

    url = db.database_url(settings, say)
    os.environ["LADDER_DATABASE_URL"] = url  # the server's worker processes read it
    if not settings.web_secret:  # one secret for the web forms' tokens in every process
        os.environ["LADDER_WEB_SECRET"] = secrets.token_urlsafe(32)
    if args.demo:
        os.environ["LADDER_WEB_DEMO"] = "true"

    async def prepare(conn: asyncpg.Connection) -> None:
        await prepare_database(conn, settings)
        if args.demo:
            from service.demo import load_demo

            print_tokens(await load_demo(conn, settings, progress=say))
            from service.web.commands import demo_links, print_links

            web_settings = settings.model_copy(update={"web_base_url": base_url})
            print_links(await demo_links(conn, web_settings), settings.web_link_minutes)

    settings = settings.model_copy(update={"database_url": url})
    host = args.host or settings.host
    port = args.port or settings.port
    base_url = settings.web_base_url or f"http://{host}:{port}"
    run_with_connection(settings, prepare)
    say(f"Ladder on http://{host}:{port}  (web pages: {base_url}/sign-in, API docs: "
        f"http://{host}:{port}/schema)")
    Granian("service.asgi:app", address=host, port=port, interface=Interfaces.ASGI,
            workers=args.workers or settings.workers, log_access=args.access_log,
            log_dictconfig=serve_log_config(settings.log_format)).serve()


def serve_log_config(log_format: str = "plain") -> dict:
    """Granian's logging, plus Ladder's own logger at INFO on the same console, so that what
    the scheduler reports in `ladder serve` (a message printed by the outbox when no SMTP
    server is set, a feed pulled) and the line per request are seen; granian's default leaves
    it at WARNING. Ladder's handler is `service.logs.ConsoleHandler` (granian's console format,
    or with `json` one JSON object a line), which takes the request lines preformatted."""
    from granian.log import LOGGING_CONFIG

    formatter = {"()": "service.logs.JsonFormatter" if log_format == "json"
                 else "service.logs.PlainFormatter"}
    config: dict = {
        "formatters": LOGGING_CONFIG["formatters"] | {"ladder": formatter},
        "handlers": LOGGING_CONFIG["handlers"] | {
            "ladder": {"class": "service.logs.ConsoleHandler", "formatter": "ladder",
                       "stream": "ext://sys.stdout"}},
        "loggers": LOGGING_CONFIG["loggers"] | {
            "ladder": {"handlers": ["ladder"], "level": "INFO", "propagate": False}},
    }
    return config


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ladder", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="migrate, then serve the API")
    serve.add_argument("--host", help="address to listen on (LADDER_HOST)")
    serve.add_argument("--port", type=int, help="port (LADDER_PORT)")
    serve.add_argument("--workers", type=int, help="server processes (LADDER_WORKERS)")
    serve.add_argument("--demo", action="store_true", help="load the demo data first")
    serve.add_argument("--access-log", action="store_true", help="log every request")
    serve.set_defaults(run=cmd_serve)

    commands.add_parser("migrate", help="apply pending migrations").set_defaults(run=cmd_migrate)

    demo = commands.add_parser("demo", help="fill an empty database with demo data and tokens")
    demo.set_defaults(run=cmd_demo)

    token = commands.add_parser("token", help="API tokens").add_subparsers(dest="token_command",
                                                                           required=True)
    create = token.add_parser("create", help="issue a token; printed once, on the last line")
    create.add_argument("--role", required=True, choices=ROLES)
    create.add_argument("--name", required=True)
    create.add_argument("--subject", type=UUID, help="the worker's, rep's or provider's id")
    create.set_defaults(run=cmd_token_create)

    for module_name in COMMAND_MODULES:
        importlib.import_module(module_name).register(commands)
    return parser


def main(argv: list[str] | None = None) -> None:
    args = build_parser().parse_args(argv)
    settings = Settings()
    try:
        args.run(args, settings)
    except MigrationError as exc:
        say(f"error: {exc}")
        sys.exit(2)
    except Exception as exc:
        from service.errors import DomainError

        if isinstance(exc, DomainError):
            say(f"error: {exc.detail}")
            sys.exit(2)
        raise


if __name__ == "__main__":
    main()
