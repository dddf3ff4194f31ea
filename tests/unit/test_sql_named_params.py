"""The `:name` compiler: what is a parameter and what only looks like one."""

import pytest

from service.sql import Query, compile_named, load_queries


def test_names_become_dollar_numbers_in_order_of_first_use():
    sql, params = compile_named("SELECT :b, :a WHERE x = :b")
    assert sql == "SELECT $1, $2 WHERE x = $1"
    assert params == ("b", "a")


def test_a_cast_is_not_a_parameter():
    sql, params = compile_named("SELECT :id::uuid, x::text, :n::integer[]")
    assert sql == "SELECT $1::uuid, x::text, $2::integer[]"
    assert params == ("id", "n")


def test_text_inside_a_string_literal_is_not_a_parameter():
    sql, params = compile_named("SELECT ':no', 'it''s :no', E'\\' :no', :yes")
    assert sql == "SELECT ':no', 'it''s :no', E'\\' :no', $1"
    assert params == ("yes",)


def test_a_quoted_identifier_is_not_a_parameter():
    sql, params = compile_named('SELECT 1 AS ":no", :yes')
    assert (sql, params) == ('SELECT 1 AS ":no", $1', ("yes",))


def test_a_dollar_quoted_body_is_not_a_parameter():
    text = "DO $$ BEGIN x := :no; END $$; SELECT $f$ :no $1 $f$, :yes"
    sql, params = compile_named(text)
    assert sql == "DO $$ BEGIN x := :no; END $$; SELECT $f$ :no $1 $f$, $1"
    assert params == ("yes",)


def test_a_comment_is_not_a_parameter():
    text = "SELECT :yes -- not :no, nor $1\n/* nor :no /* nested :no */ $2 */ FROM t"
    sql, params = compile_named(text)
    assert sql == "SELECT $1 -- not :no, nor $1\n/* nor :no /* nested :no */ $2 */ FROM t"
    assert params == ("yes",)


def test_a_positional_parameter_is_refused_at_load(tmp_path):
    path = tmp_path / "queries.sql"
    path.write_text("-- name: mixed\nSELECT :a, $2\n", encoding="utf-8")
    with pytest.raises(ValueError, match="mixed.*positional"):
        load_queries(path)


def test_a_block_is_loaded_with_its_description(tmp_path):
    path = tmp_path / "queries.sql"
    path.write_text("-- name: one\n-- Why it is.\n--   Second line.\nSELECT :a::int -- a\n  + 1;\n",
                    encoding="utf-8")
    query = load_queries(path).one
    assert query == Query("one", "SELECT $1::int -- a\n  + 1", ("a",), "Why it is.\nSecond line.")


def test_calling_a_query_gives_sql_and_arguments_in_order():
    query = Query("q", "SELECT $1, $2", ("a", "b"))
    assert query(b=2, a=1) == ("SELECT $1, $2", 1, 2)
    assert query.args(b=2, a=1) == (1, 2)


def test_a_missing_or_unexpected_keyword_is_a_type_error_naming_it():
    query = Query("q", "SELECT $1, $2", ("a", "b"))
    with pytest.raises(TypeError, match="missing.*: b"):
        query(a=1)
    with pytest.raises(TypeError, match="unexpected.*: c"):
        query(a=1, b=2, c=3)
    with pytest.raises(TypeError, match="unexpected.*: c"):
        query.args(a=1, b=2, c=3)


def test_a_query_is_immutable():
    query = Query("q", "SELECT 1", ())
    with pytest.raises(AttributeError):
        query.sql = "DROP TABLE t"  # type: ignore[misc]


def test_a_module_loads_its_own_sql_file_before_queries_sql(tmp_path):
    (tmp_path / "queries.sql").write_text("-- name: shared\nSELECT 1\n", encoding="utf-8")
    (tmp_path / "keys.sql").write_text("-- name: own\nSELECT 2\n", encoding="utf-8")
    assert set(load_queries(tmp_path / "keys.py")) == {"own"}
    assert set(load_queries(tmp_path / "store.py")) == {"shared"}
