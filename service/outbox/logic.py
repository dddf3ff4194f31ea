"""The outbox's rules, free of I/O: what a message may hold, retry backoff, the lease, the SMTP
URL, and the e-mail a message becomes."""

import re
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import formatdate, parseaddr
from typing import Literal
from urllib.parse import unquote, urlsplit
from uuid import UUID

STATUSES = ("pending", "sent", "failed", "cancelled")
KIND = re.compile(r"^[a-z][a-z0-9_.-]{0,99}$")
ADDRESS = re.compile(r"^[^\s@]+@[^\s@]+$")
MAX_SUBJECT = 300
MAX_BODY = 20000
MAX_ERROR = 1000
CLAIM_BATCH = 10  # messages claimed per lease

StartTls = Literal["auto", "always", "never"]


@dataclass(frozen=True, slots=True)
class Outgoing:
    """A claimed message on its way out."""

    id: UUID
    kind: str
    recipient: str
    subject: str
    body: str
    attempts: int
    claim_token: UUID


def clean_subject(subject: str) -> str:
    """One line: a subject built from user text (a slot's location) must not break the header,
    so runs of whitespace, line breaks included, become one space."""
    return " ".join(subject.split())


def check_message(kind: str, to: str, subject: str, body: str,
                  due_at: datetime | None, dedupe_key: str | None) -> list[str]:
    """What is wrong with a message to enqueue, in words; empty when it may go in. Messages are
    composed by code, so these are programming errors, not a user's bad input."""
    problems = []
    if not KIND.match(kind):
        problems.append(f"kind {kind!r}: lower-case letters, digits, '_', '.', '-'")
    if not ADDRESS.match(to) or len(to) > 320:
        problems.append(f"to {to!r}: one bare e-mail address")
    if not 1 <= len(subject) <= MAX_SUBJECT:
        problems.append(f"subject: 1 to {MAX_SUBJECT} characters on one line")
    if len(body) > MAX_BODY:
        problems.append(f"body: at most {MAX_BODY} characters")
    if due_at is not None and due_at.utcoffset() is None:
        problems.append("due_at: a datetime with a time zone")
    if dedupe_key is not None and not 1 <= len(dedupe_key) <= 300:
        problems.append("dedupe_key: 1 to 300 characters")
    return problems


def backoff_seconds(attempts: int, base: float, cap: float) -> float:
    """The wait after the `attempts`-th failed attempt: base, doubled each time, at most cap."""
    return min(cap, base * 2 ** min(max(attempts - 1, 0), 40))


def gives_up(attempts: int, max_attempts: int) -> bool:
    return attempts >= max_attempts


def lease_seconds(timeout_seconds: float, batch: int = CLAIM_BATCH) -> float:
    """How long a claim keeps other deliverers off a batch: every message of it timing out, and
    a minute more. A live deliverer also holds each row's lock while it sends, so the lease
    matters only when its connection is lost: then the batch waits this long, not forever."""
    return batch * timeout_seconds + 60


def error_text(error: BaseException) -> str:
    text = f"{type(error).__name__}: {error}".strip()
    return text if len(text) <= MAX_ERROR else text[:MAX_ERROR - 1] + "…"


@dataclass(frozen=True, slots=True)
class SmtpTarget:
    hostname: str
    port: int
    username: str | None
    password: str | None
    use_tls: bool  # TLS from the first byte (smtps://)
    start_tls: bool | None  # STARTTLS: True required, False never, None when offered

    def __repr__(self) -> str:  # the password stays out of logs and tracebacks
        return f"SmtpTarget({self.hostname!r}, {self.port}, user={self.username!r})"


def parse_smtp_url(url: str, starttls: StartTls = "auto") -> SmtpTarget:
    """`smtp://user:pass@host:port` (STARTTLS as `starttls` says) or `smtps://...` (implicit
    TLS); user and password are percent-decoded."""
    parts = urlsplit(url)
    if parts.scheme not in ("smtp", "smtps"):
        raise ValueError("LADDER_SMTP_URL: smtp://[user:password@]host[:port] or smtps://...")
    if not parts.hostname:
        raise ValueError("LADDER_SMTP_URL: no host")
    try:
        port = parts.port
    except ValueError:
        raise ValueError("LADDER_SMTP_URL: the port is not a number from 1 to 65535") from None
    implicit = parts.scheme == "smtps"
    return SmtpTarget(
        hostname=parts.hostname, port=port or (465 if implicit else 25),
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
        use_tls=implicit,
        start_tls=False if implicit else {"auto": None, "always": True, "never": False}[starttls],
    )


def email_message(message: Outgoing, mail_from: str) -> EmailMessage:
    """Plain text. The Message-ID comes from the outbox id, so a message sent again after a
    crash (see service.deliver_due) carries the same id and mail software can drop the copy."""
    email = EmailMessage()
    email["From"] = mail_from
    email["To"] = message.recipient
    email["Subject"] = message.subject
    email["Date"] = formatdate(localtime=False)
    address = parseaddr(mail_from)[1]
    domain = address.rpartition("@")[2] if "@" in address else "ladder.invalid"
    email["Message-ID"] = f"<{message.id}@{domain}>"
    email.set_content(message.body)
    return email
