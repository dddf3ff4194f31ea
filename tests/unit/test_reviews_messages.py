from datetime import UTC, datetime

import pytest

from service.reviews import messages

START = datetime(2026, 3, 3, 14, 30, tzinfo=UTC)
LATER = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

ALL = [
    messages.booked("Ann", START, "in_person", "Room 2"),
    messages.reminder("Ann", START, "video", None),
    messages.offered("Ann", START, LATER),
    messages.cancelled("Ann", START, "the rep is ill"),
    messages.no_show("Ann", START),
]


@pytest.mark.parametrize("message", ALL)
def test_every_message_is_short_plain_and_says_how_to_rebook(message):
    assert message.body.startswith("Hello Ann,")
    assert "Tuesday 3 March 2026 at 14:30 (GMT)" in message.body
    assert "union learning rep" in message.body
    assert "/v1/reviews" in message.body
    assert len(message.body) < 600 and len(message.subject) < 60
    assert "<html" not in message.body.lower()


def test_the_details_are_in_the_words():
    assert "in person, Room 2" in messages.booked("Ann", START, "in_person", "Room 2").body
    assert "by video." in messages.reminder("Ann", START, "video", None).body
    assert "Monday 2 March 2026 at 09:00" in messages.offered("Ann", START, LATER).body
    assert "Reason: the rep is ill" in messages.cancelled("Ann", START, "the rep is ill").body


def test_first_name():
    assert messages.first_name("Maureen  Walsh") == "Maureen"
    assert messages.first_name("") == ""


def test_a_summer_time_is_told_in_uk_summer_time():
    summer = datetime(2026, 7, 14, 13, 30, tzinfo=UTC)
    assert messages.when(summer) == "Tuesday 14 July 2026 at 14:30 (BST)"
