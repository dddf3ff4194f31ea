"""Who may record skill levels, when a PUT is a change, and how ESCO references are read."""

from uuid import UUID

import pytest

from service.errors import Forbidden
from service.reference.logic import changed_rows, occupation_ref
from service.skills.logic import (
    check_may_remove,
    check_may_write,
    is_change,
    keeps_higher,
    level_name,
)


@pytest.mark.parametrize("role", ["admin", "rep"])
@pytest.mark.parametrize("source", ["self", "review", "course"])
@pytest.mark.parametrize("current", [None, "self", "review", "course"])
def test_admins_and_reps_record_any_source_over_anything(role, source, current):
    check_may_write(role, source, current)


@pytest.mark.parametrize("current", [None, "self"])
def test_worker_records_own_view_over_own_view(current):
    check_may_write("worker", "self", current)


@pytest.mark.parametrize("source", ["review", "course"])
def test_worker_may_not_claim_a_review_or_course(source):
    with pytest.raises(Forbidden) as caught:
        check_may_write("worker", source, None)
    assert caught.value.errors[0].field == "source"


@pytest.mark.parametrize("current", ["review", "course"])
def test_worker_may_not_overwrite_or_remove_an_assessed_level(current):
    with pytest.raises(Forbidden):
        check_may_write("worker", "self", current)
    with pytest.raises(Forbidden):
        check_may_remove("worker", current)
    check_may_remove("worker", "self")
    check_may_remove("rep", current)


def test_colleges_write_only_what_a_completed_course_gives():
    with pytest.raises(Forbidden):
        check_may_write("college", "self", None)
    with pytest.raises(Forbidden):
        check_may_write("college", "review", "review")
    with pytest.raises(Forbidden):
        check_may_remove("college", "self")
    check_may_write("college", "course", "review")  # raise_only keeps a higher level


def test_a_repeated_entry_is_no_change():
    assert not is_change((2, "review", "notes"), 2, "review", "notes")
    assert is_change((2, "review", "notes"), 2, "review", None)
    assert is_change((2, "review", None), 3, "review", None)
    assert is_change(None, 1, "self", None)


def test_raise_only_keeps_a_level_already_as_high():
    assert keeps_higher(3, 2, raise_only=True)
    assert keeps_higher(3, 3, raise_only=True)
    assert not keeps_higher(3, 4, raise_only=True)
    assert not keeps_higher(None, 1, raise_only=True)
    assert not keeps_higher(3, 2, raise_only=False)


def test_level_names():
    assert [level_name(n) for n in (1, 2, 3, 4, None)] == [
        "aware", "practised", "skilled", "expert", None]


def test_occupation_references():
    uuid = "b6f3a2b9-0a98-4dfb-a2c9-7d5b6d5b6e4f"
    assert occupation_ref("4313.1") == ("code", "4313.1")
    assert occupation_ref(" 2654.1.7 ") == ("code", "2654.1.7")
    uri = f"http://data.europa.eu/esco/occupation/{uuid}"
    assert occupation_ref(uri) == ("uri", uri)
    assert occupation_ref(uuid) == ("id", UUID(uuid))
    for nonsense in ("4313", "4313.", "payroll clerk", ""):
        assert occupation_ref(nonsense) is None


def test_changed_rows_from_command_status():
    assert changed_rows("INSERT 0 12") == 12
    assert changed_rows("UPDATE 3") == 3
    assert changed_rows("DELETE 0") == 0
    assert changed_rows("ANALYZE") == 0
