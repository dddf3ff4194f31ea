"""Where messages go: an SMTP server (aiosmtplib) when LADDER_SMTP_URL is set, else the log."""

from collections.abc import Callable
from typing import Protocol

import aiosmtplib

from service.outbox.logic import Outgoing, SmtpTarget, email_message, parse_smtp_url
from service.settings import Settings


class Sender(Protocol):
    via: str  # recorded as the message's sent_via

    async def send(self, message: Outgoing) -> None:
        """Return once the message is accepted; raise if it was not."""


class SmtpSender:
    via = "smtp"

    def __init__(self, target: SmtpTarget, mail_from: str, timeout_seconds: float) -> None:
        self.target = target
        self.mail_from = mail_from
        self.timeout_seconds = timeout_seconds

    async def send(self, message: Outgoing) -> None:
        """One connection per message: reminders are few, and a fresh connection has no state
        left by a failure. Returns when the server has answered 250 to the data."""
        t = self.target
        await aiosmtplib.send(email_message(message, self.mail_from), hostname=t.hostname,
                              port=t.port, username=t.username, password=t.password,
                              use_tls=t.use_tls, start_tls=t.start_tls,
                              timeout=self.timeout_seconds)


class LogSender:
    """No SMTP server configured (the demo, development): the message is printed instead, and
    recorded as sent with sent_via 'log'."""

    via = "log"

    def __init__(self, progress: Callable[[str], None]) -> None:
        self.progress = progress

    async def send(self, message: Outgoing) -> None:
        self.progress(f"mail ({message.kind}) to {message.recipient}: {message.subject}\n"
                      f"{message.body}")


def sender_from(settings: Settings, progress: Callable[[str], None]) -> Sender:
    if settings.smtp_url is None:
        return LogSender(progress)
    target = parse_smtp_url(settings.smtp_url.get_secret_value(), settings.smtp_starttls)
    return SmtpSender(target, settings.mail_from, settings.smtp_timeout_seconds)
