from datetime import UTC, datetime
from uuid import UUID

import pytest

from service.auth.logic import Principal, bearer_token, hash_token, new_token
from service.errors import Forbidden, Invalid
from service.pagination import decode_cursor, encode_cursor, page, time_id_cursor
from service.sql import load_queries


def test_named_queries_are_split_by_name(tmp_path):
    path = tmp_path / "queries.sql"
    path.write_text("-- name: one\nSELECT 1;\n\n-- name: two\n-- a comment\nSELECT :x\n")
    queries = load_queries(path)
    assert queries.one.sql == "SELECT 1"
    assert (queries.two.sql, queries.two.params) == ("SELECT $1", ("x",))
    assert queries.two.description == "a comment"
    with pytest.raises(AttributeError):
        _ = queries.three


def test_a_query_name_used_twice_is_refused(tmp_path):
    path = tmp_path / "queries.sql"
    path.write_text("-- name: one\nSELECT 1\n-- name: one\nSELECT 2\n")
    with pytest.raises(ValueError, match="twice"):
        load_queries(path)


def test_tokens_are_random_and_hashed():
    plain, digest = new_token()
    other, _ = new_token()
    assert plain != other and len(plain) >= 43
    assert digest == hash_token(plain) and len(digest) == 32


@pytest.mark.parametrize(("header", "token"), [
    ("Bearer abc", "abc"), ("bearer  abc ", "abc"), (None, None), ("", None),
    ("Basic abc", None), ("Bearer", None), ("Bearer " + "x" * 300, None),
])
def test_bearer_parsing(header, token):
    assert bearer_token(header) == token


def test_data_scopes():
    worker_id, other_id = UUID(int=1), UUID(int=2)
    rep = Principal(UUID(int=9), "rep", "r", rep_id=UUID(int=3), branch="Leeds")
    worker = Principal(UUID(int=9), "worker", "w", worker_id=worker_id)
    college = Principal(UUID(int=9), "college", "c", provider_id=UUID(int=4))
    admin = Principal(UUID(int=9), "admin", "a")
    assert rep.may_see_worker(other_id, "Leeds") and not rep.may_see_worker(other_id, "Bristol")
    assert worker.may_see_worker(worker_id, "x") and not worker.may_see_worker(other_id, "x")
    assert not college.may_see_worker(worker_id, "Leeds")
    assert admin.may_see_worker(other_id, "anything")
    with pytest.raises(Forbidden):
        rep.require_branch("Bristol")
    college.require_provider(UUID(int=4))
    admin.require_provider(UUID(int=5))
    for caller in (college, rep, worker):
        with pytest.raises(Forbidden) as refused:
            caller.require_provider(UUID(int=5))
        assert refused.value.errors[0].field == "ukprn"


def test_cursors_round_trip_and_reject_garbage():
    when, ident = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC), UUID(int=7)
    assert time_id_cursor(encode_cursor(when, ident)) == (when, ident)
    assert time_id_cursor(None) == (None, None)
    for garbage in ("%%%", "abc", encode_cursor("x", "y"), encode_cursor(1)):
        with pytest.raises(Invalid):
            decode_cursor(garbage, datetime, UUID)


def test_a_cursor_number_beyond_bigint_is_not_a_cursor():
    """It reached PostgreSQL as a bigint parameter: a DataError, a 422 naming `body`."""
    assert decode_cursor(encode_cursor(2**63 - 1), int) == (2**63 - 1,)
    for number in (2**63, -(2**63) - 1, 10**28):
        with pytest.raises(Invalid) as raised:
            decode_cursor(encode_cursor(number), int)
        assert raised.value.errors[0].field == "cursor"


def test_next_cursor_only_when_a_row_is_left_over():
    rows = [{"id": i} for i in range(3)]
    assert page(rows, 3, lambda r: (r["id"],))[1] is None
    assert decode_cursor(page(rows, 2, lambda r: (r["id"],))[1], int) == (1,)


def test_page_sends_the_limit_and_a_cursor_only_when_a_row_is_left_over():
    rows = [(f"item {i}", ("label", i)) for i in range(3)]
    assert page(rows, 3, lambda r: r[1], lambda r: r[0]) == (["item 0", "item 1", "item 2"], None)
    items, cursor = page(rows, 2, lambda r: r[1], lambda r: r[0])
    assert items == ["item 0", "item 1"]
    assert decode_cursor(cursor, str, int) == ("label", 1)
    # The encoding cursors already handed out use: existing cursors keep working.
    assert cursor == encode_cursor("label", 1)
    assert page([], 5, lambda r: r) == ([], None)
    assert page(rows[:1], 1, lambda r: r[1]) == (rows[:1], None)
