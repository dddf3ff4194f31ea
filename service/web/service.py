"""Signing in to the web pages: emailed one-time links, sessions, rate limits. The pages' use of
the other domains goes through those domains' services, as the API's does."""

from datetime import UTC, datetime, timedelta
from urllib.parse import quote
from uuid import UUID

import asyncpg

from service.auth.logic import Principal
from service.outbox import service as outbox
from service.people import service as people
from service.settings import Settings
from service.web import logic, store

ROLE_NAMES = {"worker": "your learning account", "rep": "your branch as a learning rep",
              "college": "your college's catalogue"}


class RateLimited(Exception):
    """Too many sign-in requests for this email or from this address in the window."""


def _now() -> datetime:
    return datetime.now(UTC)


async def _count(conn: asyncpg.Connection, settings: Settings, secret: bytes, kind: str,
                 value: str, limit: int) -> None:
    start = logic.window_start(_now(), settings.web_rate_window_minutes)
    hits = await store.count_hit(conn, logic.rate_key(kind, value, secret), start)
    if hits > limit:
        raise RateLimited(kind)


async def create_link(conn: asyncpg.Connection, settings: Settings, role: str,
                      subject_id: UUID, name: str) -> str:
    """A new one-time link's secret for this subject (the link is base_url/sign-in/<secret>)."""
    plain, token_hash = logic.new_secret()
    await store.insert_link(conn, token_hash, role, subject_id, name,
                            settings.web_link_minutes * 60)
    return plain


async def request_link(conn: asyncpg.Connection, settings: Settings, secret: bytes,
                       email: str, address: str, base_url: str,
                       next_path: str | None = None) -> None:
    """Count the request (per address, then per email: RateLimited past either limit), then
    send one link for each worker or rep with that email through the outbox, in this
    transaction. Nothing tells the caller whether any was found."""
    await _count(conn, settings, secret, "address", address, settings.web_sign_in_per_address)
    await _count(conn, settings, secret, "email", email, settings.web_sign_in_per_email)
    await store.forget_old(conn, _now() - timedelta(days=1))
    subjects = await people.subjects_by_email(conn, email)
    if not subjects:
        return
    lines = []
    for role, subject_id, name in subjects:
        plain = await create_link(conn, settings, role, subject_id, name)
        after = f"?next={quote(next_path)}" if next_path else ""
        lines.append(f"To sign in to {ROLE_NAMES[role]}, open:\n"
                     f"{base_url}/sign-in/{plain}{after}\n")
    minutes = f"{settings.web_link_minutes:g}"
    body = (f"Hello {subjects[0][2]},\n\nSomeone asked to sign in to Ladder with this email "
            f"address.\n\n" + "\n".join(lines) +
            f"\nThe link works once, for {minutes} minutes. If it was not you, ignore this "
            f"email: nobody can sign in without the link.\n")
    await outbox.enqueue(conn, kind="web.sign_in", to=email, subject="Your Ladder sign-in link",
                         body=body)


async def sign_in(conn: asyncpg.Connection, settings: Settings,
                  link_secret: str) -> tuple[str, datetime, str] | None:
    """Use a link (once) and open a session: the session cookie's secret, its expiry and the
    role it signs in as; None for a link that is unknown, used or expired."""
    if not link_secret or len(link_secret) > 200:
        return None
    found = await store.use_link(conn, logic.hash_secret(link_secret))
    if found is None:
        return None
    plain, token_hash = logic.new_secret()
    row = await store.insert_session(conn, token_hash, found["role"], found["subject_id"],
                                     found["name"], settings.web_session_hours * 3600)
    return plain, row["expires_at"], found["role"]


async def principal_for(conn: asyncpg.Connection, session_secret: str) -> Principal | None:
    """The caller a live session stands for, as a Principal like a token's (its id is the
    session's, recorded in audit rows as a token's is)."""
    if not session_secret or len(session_secret) > 200:
        return None
    row = await store.session_principal(conn, logic.hash_secret(session_secret))
    if row is None:
        return None
    role, subject = row["role"], row["subject_id"]
    return Principal(token_id=row["token_id"], role=role, name=row["name"],
                     worker_id=subject if role == "worker" else None,
                     rep_id=subject if role == "rep" else None,
                     provider_id=subject if role == "college" else None,
                     branch=row["branch"], ukprn=row["ukprn"])


async def sign_out(conn: asyncpg.Connection, session_secret: str) -> None:
    if session_secret and len(session_secret) <= 200:
        await store.end_session(conn, logic.hash_secret(session_secret))
