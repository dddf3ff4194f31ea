"""The outbox's pure rules: backoff, giving up, the lease, SMTP URLs, message checks, the
e-mail a message becomes."""

from datetime import UTC, datetime
from uuid import UUID

import pytest

from service.outbox import logic
from service.outbox.logic import Outgoing


def test_backoff_doubles_from_the_base_up_to_the_cap():
    waits = [logic.backoff_seconds(n, 60, 3600) for n in range(1, 9)]
    assert waits == [60, 120, 240, 480, 960, 1920, 3600, 3600]
    assert logic.backoff_seconds(10**6, 60, 3600) == 3600  # no overflow on absurd counts
    assert logic.backoff_seconds(0, 60, 3600) == 60
    assert logic.backoff_seconds(3, 0, 3600) == 0


def test_a_message_gives_up_at_max_attempts():
    assert [logic.gives_up(n, 3) for n in (1, 2, 3, 4)] == [False, False, True, True]


def test_the_lease_outlasts_a_whole_batch_timing_out():
    assert logic.lease_seconds(30, 10) == 360
    assert logic.lease_seconds(30, 1) == 90


def test_smtp_urls():
    t = logic.parse_smtp_url("smtp://mailer:p%40ss%3Aword@mail.example.org:587")
    assert (t.hostname, t.port, t.username, t.password) == \
        ("mail.example.org", 587, "mailer", "p@ss:word")
    assert (t.use_tls, t.start_tls) == (False, None)
    assert "p@ss" not in repr(t)
    t = logic.parse_smtp_url("smtps://mail.example.org")
    assert (t.port, t.use_tls, t.start_tls, t.username) == (465, True, False, None)
    assert logic.parse_smtp_url("smtp://localhost").port == 25
    assert logic.parse_smtp_url("smtp://h", "always").start_tls is True
    assert logic.parse_smtp_url("smtp://h", "never").start_tls is False
    for bad in ("http://mail.example.org", "smtp://", "smtp://h:99999", "mail.example.org"):
        with pytest.raises(ValueError, match="LADDER_SMTP_URL"):
            logic.parse_smtp_url(bad)


def test_message_checks_name_what_is_wrong():
    ok = ("review.booked", "pat@example.org", "Booked", "Body", None, "review:1:booked")
    assert logic.check_message(*ok) == []
    assert logic.check_message(*ok[:4], datetime(2030, 1, 1, tzinfo=UTC), None) == []
    problems = logic.check_message("Bad Kind", "two@a.org, b@c.org", "", "x" * 20001,
                                   datetime(2030, 1, 1), "")
    assert [p.split(" ")[0].rstrip(":") for p in problems] == \
        ["kind", "to", "subject", "body", "due_at", "dedupe_key"]


def test_a_subject_is_one_line():
    assert logic.clean_subject("  Review\r\nBcc: x@y.org\tsoon ") == "Review Bcc: x@y.org soon"


def test_the_email_is_plain_text_with_a_message_id_from_the_outbox_id():
    message = Outgoing(UUID(int=7), "review.booked", "pat@example.org", "Booked", "See you.\n",
                       1, UUID(int=1))
    email = logic.email_message(message, "Ladder <reminders@ladder.example>")
    assert email["Message-ID"] == f"<{UUID(int=7)}@ladder.example>"
    assert (email["From"], email["To"], email["Subject"]) == \
        ("Ladder <reminders@ladder.example>", "pat@example.org", "Booked")
    assert email.get_content_type() == "text/plain"
    assert email.get_content() == "See you.\n"
    assert logic.email_message(message, "nobody")["Message-ID"].endswith("@ladder.invalid>")


def test_error_text_is_bounded():
    assert logic.error_text(ValueError("no")) == "ValueError: no"
    assert len(logic.error_text(ValueError("x" * 5000))) == logic.MAX_ERROR
