"""The programme report's arithmetic: the destination that counts, shares, medians, small-cell
and complementary suppression; and programmes' dates."""

import uuid
from datetime import UTC, date, datetime

import pytest

from service.errors import Invalid
from service.programmes import logic, reporting
from service.programmes.reporting import MemberFacts, Recorded

ANNOUNCED, LAST_DAY = date(2026, 1, 15), date(2026, 6, 30)


def at(second: int) -> datetime:
    return datetime(2026, 7, 1, 12, 0, second, tzinfo=UTC)


def test_the_latest_destination_within_twelve_months_counts():
    a, b, c, d = (uuid.uuid4() for _ in range(4))
    found = reporting.counted([
        Recorded(a, date(2026, 7, 1), "still_looking", at(0)),
        Recorded(a, date(2026, 9, 1), "new_job_permanent", at(1)),
        Recorded(b, date(2026, 9, 1), "study", at(0)),
        Recorded(b, date(2027, 7, 1), "still_looking", at(1)),  # after the window: ignored
        Recorded(c, date(2026, 1, 14), "retired", at(0)),  # before the announcement
        Recorded(d, date(2026, 8, 1), "other", at(0)),
        Recorded(d, date(2026, 8, 1), "self_employed", at(5)),  # same day, entered later
    ], ANNOUNCED, LAST_DAY)
    assert {k: v.type for k, v in found.items()} == {a: "new_job_permanent", b: "study",
                                                    d: "self_employed"}
    assert logic.counts(date(2027, 6, 30), ANNOUNCED, LAST_DAY)
    assert not logic.counts(date(2027, 7, 1), ANNOUNCED, LAST_DAY)


def test_shares_and_median_days_on_a_hand_made_set():
    members = [MemberFacts(uuid.uuid4(), date(1970, 1, 1), "permanent", 37) for _ in range(10)]
    kinds = [("new_job_permanent", 10), ("new_job_permanent", 20), ("new_job_fixed_term", 30),
             ("same_employer_new_role", 40), ("study", -5), ("still_looking", 3),
             ("still_looking", 100), ("retired", 7)]
    found = {m.worker_id: Recorded(m.worker_id, date.fromordinal(LAST_DAY.toordinal() + days),
                                   kind, at(0))
             for m, (kind, days) in zip(members, kinds, strict=False)}
    result = reporting.outcomes(members, found, LAST_DAY)
    assert (result.workers, result.with_destination, result.in_work_or_study) == (10, 8, 5)
    assert result.share_in_work_or_study == 0.5
    assert result.median_days_to_destination == 20.0  # of -5, 10, 20, 30, 40
    assert result.by_type["still_looking"] == 2 and result.by_type["other"] == 0
    assert sum(result.by_type.values()) == 8
    empty = reporting.outcomes([], {}, LAST_DAY)
    assert empty.share_in_work_or_study is None and empty.median_days_to_destination is None


def test_small_groups_are_hidden_with_a_complementary_cell():
    rows = reporting.suppress([("a", 12, 6, 10.0), ("b", 3, 1, 4.0), ("c", 8, 5, 2.0)])
    assert [(r.group, r.workers, r.in_work_or_study, r.suppressed) for r in rows] == [
        ("a", 12, 6, False), ("b", None, None, True), ("c", None, None, True)]
    assert rows[0].share_in_work_or_study == 0.5 and rows[0].median_days_to_destination == 10.0
    assert rows[1].median_days_to_destination is None


def test_a_single_hidden_count_takes_the_smallest_other_with_it():
    rows = reporting.suppress([("x", 10, 5, 1.0), ("y", 10, 7, 1.0), ("z", 20, 12, 1.0)])
    # y: only 3 not in work or study, so its count goes; alone it could be worked out from the
    # total, so the smallest other count (x's 5) goes too; every group's size stays shown
    assert [(r.workers, r.in_work_or_study) for r in rows] == [(10, None), (10, None),
                                                               (20, 12)]
    one = reporting.suppress([("all", 12, 9, 1.0)])
    assert (one[0].workers, one[0].in_work_or_study, one[0].suppressed) == (12, None, True)


def test_age_bands_and_dates():
    def band(born, kept=None):
        return reporting.age_band(MemberFacts(uuid.uuid4(), born, "permanent", 37, kept),
                                  LAST_DAY)

    # the equality report's bands, age on the last day
    assert band(date(1976, 7, 1)) == "45-49"  # 50 the next day
    assert band(date(1976, 6, 30)) == "50-64"
    assert band(date(2005, 1, 1)) == "under_25"
    assert band(date(1961, 6, 30)) == "65+"
    # an erased member: no birth date, the band it gave kept
    assert band(None, "50-64") == "50-64" and band(None) == "not_stated"
    assert logic.add_months(date(2026, 8, 31), 6) == date(2027, 2, 28)
    assert logic.window_end(date(2024, 2, 29)) == date(2025, 2, 28)
    assert logic.reminder_due(LAST_DAY, date(2026, 12, 29)) is None
    assert logic.reminder_due(LAST_DAY, date(2026, 12, 30)) == 6
    assert logic.reminder_due(LAST_DAY, date(2027, 5, 30)) == 11
    assert logic.reminder_due(LAST_DAY, date(2027, 7, 1)) is None
    with pytest.raises(Invalid):
        logic.check_dates(LAST_DAY, ANNOUNCED)
    with pytest.raises(Invalid):
        logic.check_destination(date(2026, 1, 14), ANNOUNCED, date(2026, 12, 1))
