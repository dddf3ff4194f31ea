"""`ladder web link`: a one-time sign-in link for the web pages, printed (for a college, which
has no email, and for trying the pages without a mail server); `ladder serve --demo` prints one
for each demo person."""

import argparse
import sys

import asyncpg

from service.settings import Settings


def base_url(settings: Settings, host: str | None = None, port: int | None = None) -> str:
    if settings.web_base_url:
        return settings.web_base_url.rstrip("/")
    return f"http://{host or settings.host}:{port or settings.port}"


async def links_for(conn: asyncpg.Connection, settings: Settings, *, email: str | None = None,
                    ukprn: str | None = None) -> list[tuple[str, str, str]]:
    """(role, name, link) for every worker and rep with `email`, or the college `ukprn`."""
    from service.people import service as people
    from service.web import service as web

    if ukprn:
        provider = await people.provider_by_ukprn(conn, ukprn)
        subjects = [("college", provider.id, provider.name)] if provider else []
    else:
        subjects = await people.subjects_by_email(conn, email or "")
    base = base_url(settings)
    return [(role, name, f"{base}/sign-in/{await web.create_link(conn, settings, role, sid, name)}")
            for role, sid, name in subjects]


async def demo_links(conn: asyncpg.Connection, settings: Settings) -> list[tuple[str, str, str]]:
    """A link for every demo worker, rep and college (none for one the database lacks)."""
    from service.web.demo import demo_people

    async with conn.transaction():
        return [link for person in demo_people()
                for link in await links_for(conn, settings, email=person.email,
                                            ukprn=person.ukprn)]


def print_links(links: list[tuple[str, str, str]], minutes: float) -> None:
    from service.console import say

    if links:
        say(f"web sign-in links (each works once, for {minutes:g} minutes; or sign in at "
            f"/sign-in with the email):")
    for role, name, link in links:
        print(f"{role + ' (' + name + ')':<36} {link}")


def cmd_link(args: argparse.Namespace, settings: Settings) -> None:
    from service.console import run_with_connection, say

    async def work(conn: asyncpg.Connection) -> list[tuple[str, str, str]]:
        async with conn.transaction():
            return await links_for(conn, settings, email=args.email, ukprn=args.college)

    links = run_with_connection(settings, work)
    if not links:
        say("nobody has that email or UKPRN")
        sys.exit(1)
    print_links(links, settings.web_link_minutes)


def register(commands: argparse._SubParsersAction) -> None:
    web = commands.add_parser("web", help="the web pages").add_subparsers(dest="web_command",
                                                                          required=True)
    link = web.add_parser("link", help="print a one-time sign-in link")
    who = link.add_mutually_exclusive_group(required=True)
    who.add_argument("--email", help="a worker's or rep's email")
    who.add_argument("--college", metavar="UKPRN", help="a college's UKPRN")
    link.set_defaults(run=cmd_link)
