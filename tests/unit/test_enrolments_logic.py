from datetime import UTC, date, datetime, timedelta

import pytest

from service.enrolments import logic
from service.errors import Conflict, Forbidden, Invalid

TODAY = date(2026, 12, 3)


def test_cancelling_seven_days_ahead_releases_and_six_settles():
    assert logic.hold_outcome(False, TODAY + timedelta(days=7), TODAY) == "released"
    assert logic.hold_outcome(False, TODAY + timedelta(days=6), TODAY) == "settled"
    assert logic.hold_outcome(False, TODAY, TODAY) == "settled"


def test_the_college_cancelling_always_releases_and_no_start_date_releases():
    assert logic.hold_outcome(True, TODAY, TODAY) == "released"
    assert logic.hold_outcome(False, None, TODAY) == "released"


def test_an_offer_never_lasts_past_the_start():
    now = datetime(2026, 12, 3, 12, tzinfo=UTC)
    assert logic.offer_expiry(now, 48, None) == now + timedelta(hours=48)
    assert logic.offer_expiry(now, 48, date(2026, 12, 30)) == now + timedelta(hours=48)
    tomorrow = logic.offer_expiry(now, 48, date(2026, 12, 4))
    assert tomorrow == logic.starts_at(date(2026, 12, 4)) < now + timedelta(hours=48)


def test_free_places_and_places_needed_to_run():
    assert logic.free_places(10, 10, 3) == 0
    assert logic.free_places(10, 12, 0) == 0  # places lowered below those taken
    assert logic.free_places(10, 7, 0) == 3
    assert logic.free_places(None, 50, 4) == 5  # no limit: enough for all waiting and one more
    assert logic.needed_to_run(None, 3) is None
    assert logic.needed_to_run(8, 3) == 5
    assert logic.needed_to_run(8, 9) == 0


def test_the_shortfall_is_said_in_pounds():
    error = logic.short_of_credit(123_450, 2_005)
    assert isinstance(error, Invalid) and error.slug == "insufficient-credit"
    assert error.detail.endswith("the course costs £1,234.50 and the worker has £1,214.45 "
                                 "available: £20.05 short")
    assert error.errors[0].field == "presentation_id"


def test_presentations_that_take_no_enrolments():
    with pytest.raises(Conflict, match="withdrawn"):
        logic.check_enrollable(True, None, 100, TODAY)
    with pytest.raises(Conflict, match="started"):
        logic.check_enrollable(False, TODAY, 100, TODAY)
    with pytest.raises(Conflict, match="cost"):
        logic.check_enrollable(False, TODAY + timedelta(days=1), None, TODAY)
    logic.check_enrollable(False, TODAY + timedelta(days=1), 0, TODAY)
    logic.check_enrollable(False, None, 100, TODAY)


def test_state_rules():
    with pytest.raises(Conflict):
        logic.check_cancellable("started")
    for status in ("waiting", "offered", "booked"):
        logic.check_cancellable(status)
    with pytest.raises(Conflict, match="waiting"):
        logic.check_startable("waiting", None, TODAY)
    with pytest.raises(Conflict, match="starts on"):
        logic.check_startable("booked", TODAY + timedelta(days=1), TODAY)
    logic.check_startable("booked", TODAY, TODAY)
    with pytest.raises(Conflict):
        logic.check_completable("booked")
    with pytest.raises(Forbidden):
        logic.check_college("college", "a", "b")
    logic.check_college("admin", "a", "b")
    with pytest.raises(Invalid):
        logic.check_consent(False)
