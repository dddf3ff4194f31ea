"""A real SMTP server for the outbox's tests: aiosmtpd on a free local port, in its own thread,
recording what it accepts (or refusing everything with a 550)."""

import email
import socket
import threading
from collections.abc import Iterator
from email.message import Message

import pytest
from aiosmtpd.controller import Controller
from pydantic import SecretStr

from service.settings import Settings


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Recorder:
    """An aiosmtpd handler: keeps each accepted message with its envelope."""

    def __init__(self, refuse: str | None = None) -> None:
        self.refuse = refuse
        self.lock = threading.Lock()
        self.received: list[tuple[str, list[str], Message]] = []

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 - aiosmtpd's name
        if self.refuse:
            return self.refuse
        with self.lock:
            self.received.append((envelope.mail_from, list(envelope.rcpt_tos),
                                  email.message_from_bytes(envelope.original_content)))
        return "250 OK"

    @property
    def messages(self) -> list[Message]:
        with self.lock:
            return [m for _, _, m in self.received]


class SmtpServer:
    def __init__(self, recorder: Recorder) -> None:
        self.recorder = recorder
        self.port = free_port()
        self.controller = Controller(recorder, hostname="127.0.0.1", port=self.port)

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    server = SmtpServer(Recorder())
    server.controller.start()
    yield server
    server.controller.stop()


@pytest.fixture
def refusing_smtp_server() -> Iterator[SmtpServer]:
    server = SmtpServer(Recorder(refuse="550 5.7.1 Mailbox unavailable"))
    server.controller.start()
    yield server
    server.controller.stop()


def smtp_settings(settings: Settings, url: str, **more) -> Settings:
    return settings.model_copy(update={"smtp_url": SecretStr(url),
                                       "mail_from": "Ladder <reminders@ladder.example>",
                                       "smtp_timeout_seconds": 10.0} | more)
