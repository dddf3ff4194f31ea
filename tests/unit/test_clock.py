from datetime import UTC, date, datetime

from service import clock


def test_a_summer_night_in_utc_is_already_the_next_day_in_the_uk():
    assert clock.day_of(datetime(2026, 7, 10, 23, 30, tzinfo=UTC)) == date(2026, 7, 11)


def test_in_winter_the_uk_date_is_the_utc_date():
    assert clock.day_of(datetime(2026, 12, 2, 23, 30, tzinfo=UTC)) == date(2026, 12, 2)

