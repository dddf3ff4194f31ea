"""Every query the code names exists in its `queries.sql`, and is called with its parameters:
`Q.missing`, or `Q.x(wrong_name=...)`, would otherwise be an error at request time (a 500),
found only when that request is made."""

import ast
import importlib
from pathlib import Path

import pytest

from service.reference import store as reference_store
from service.sql import Queries, load_queries

SERVICE = Path(__file__).resolve().parents[2] / "service"
# Importing it builds the app from the environment; it names no query.
SKIPPED = {"service.asgi"}


def modules() -> list[str]:
    names = []
    for path in sorted(SERVICE.rglob("*.py")):
        parts = path.relative_to(SERVICE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        if name not in SKIPPED:
            names.append(name)
    return names


def names_used(tree: ast.AST, queries: set[str]) -> list[tuple[str, str, int]]:
    """(holder, query, line) for `Q.name` and `Q["name"]`, where Q holds a Queries."""
    used = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) \
                and node.value.id in queries:
            used.append((node.value.id, node.attr, node.lineno))
        elif isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) \
                and node.value.id in queries and isinstance(node.slice, ast.Constant):
            used.append((node.value.id, node.slice.value, node.lineno))
    return used


@pytest.mark.parametrize("module_name", modules())
def test_every_query_named_in_a_module_exists(module_name):
    module = importlib.import_module(module_name)
    holders = {name: value for name, value in vars(module).items()
               if isinstance(value, Queries)}
    if not holders:
        return
    source = Path(module.__file__).read_text(encoding="utf-8")
    missing = [f"{module.__file__}:{line}: {holder}.{name}"
               for holder, name, line in names_used(ast.parse(source), set(holders))
               if name not in holders[holder]]
    assert not missing, "queries named but not defined:\n" + "\n".join(missing)


def call_problems(tree: ast.AST, holders: dict[str, Queries]) -> list[tuple[int, str]]:
    """(line, problem) for calls of a query with the wrong keywords, and for a query passed
    where SQL is expected without being called (asyncpg would get the Query, not its text).

    A call with only keywords must name exactly the query's parameters; one that also spreads
    `**mapping` may name only parameters (the rest are checked when it runs)."""
    problems = []
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                and node.value.id in holders and node.attr in holders[node.value.id]):
            continue
        query = holders[node.value.id][node.attr]
        parent = parents.get(node)
        if isinstance(parent, ast.Call) and parent.func is node:
            if parent.args:
                problems.append((node.lineno, f"{query.name} called with positional arguments"))
                continue
            named = {k.arg for k in parent.keywords if k.arg is not None}
            spread = any(k.arg is None for k in parent.keywords)
            unknown = named - set(query.params)
            missing = set() if spread else set(query.params) - named
            if unknown or missing:
                problems.append((node.lineno, f"{query.name}: unknown {sorted(unknown)}, "
                                              f"missing {sorted(missing)}"))
        elif isinstance(parent, ast.Call) and node in parent.args:
            problems.append((node.lineno, f"{query.name} passed uncalled; write "
                                          f"*{node.value.id}.{node.attr}(...)"))
    return problems


@pytest.mark.parametrize("module_name", modules())
def test_every_query_call_names_the_query_parameters(module_name):
    module = importlib.import_module(module_name)
    holders = {name: value for name, value in vars(module).items()
               if isinstance(value, Queries)}
    if not holders:
        return
    source = Path(module.__file__).read_text(encoding="utf-8")
    problems = [f"{module.__file__}:{line}: {problem}"
                for line, problem in call_problems(ast.parse(source), holders)]
    assert not problems, "queries called wrongly:\n" + "\n".join(problems)


def test_the_call_check_sees_wrong_keywords_and_uncalled_queries(tmp_path):
    """Guards the test above against passing everything."""
    sql = tmp_path / "queries.sql"
    sql.write_text("-- name: one\nSELECT :a, :b\n", encoding="utf-8")
    holders = {"Q": load_queries(sql)}
    source = ("Q.one(a=1, b=2)\nQ.one(a=1)\nQ.one(a=1, b=2, c=3)\nQ.one(**x, b=2)\n"
              "Q.one(**x, c=3)\nconn.fetch(Q.one, 1, 2)\nQ.one(1, 2)\n")
    lines = [line for line, _ in call_problems(ast.parse(source), holders)]
    assert lines == [2, 3, 5, 6, 7]


def test_the_walk_finds_the_store_modules_and_their_queries():
    """Guards the test above against finding nothing (a renamed Q, a moved package)."""
    found = {}
    for module_name in modules():
        module = importlib.import_module(module_name)
        if any(isinstance(v, Queries) for v in vars(module).values()):
            source = Path(module.__file__).read_text(encoding="utf-8")
            found[module_name] = len(names_used(ast.parse(source), {"Q"}))
    assert {"service.people.store", "service.accounts.store", "service.courses.store",
            "service.idempotency"} <= set(found)
    assert all(count > 0 for count in found.values()), found


def test_queries_named_by_data_exist():
    """The reference load names its merge queries in tables, not in code."""
    named = {query for _, query in reference_store.MERGES}
    named |= {q for queries in reference_store.OPTIONAL_STAGING.values() for q in queries}
    assert named - set(reference_store.Q) == set()
    # they are run as `Q[query]()`: no parameters
    assert [q for q in named if reference_store.Q[q].params] == []


def test_a_query_name_may_not_shadow_a_dict_method(tmp_path):
    """`Q.items` would be dict.items, never the query: refused when the file is loaded."""
    sql = tmp_path / "queries.sql"
    sql.write_text("-- name: items\nSELECT 1;\n", encoding="utf-8")
    with pytest.raises(ValueError, match="items"):
        load_queries(sql)


def test_a_missing_query_is_an_attribute_error_naming_it(tmp_path):
    sql = tmp_path / "queries.sql"
    sql.write_text("-- name: present\nSELECT 1;\n", encoding="utf-8")
    queries = load_queries(sql)
    assert queries.present.sql == "SELECT 1"
    with pytest.raises(AttributeError, match="absent"):
        _ = queries.absent


def test_a_module_naming_a_query_its_file_lacks_fails_at_import(tmp_path, monkeypatch):
    package = tmp_path / "queries_probe"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "queries.sql").write_text("-- name: present\nSELECT 1\n")
    (package / "store.py").write_text(
        "from service.sql import load_queries\n\nQ = load_queries(__file__)\n\n\n"
        "def read():\n    return Q.present, Q.absent\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(ValueError, match=r"store.py:7: Q.absent"):
        importlib.import_module("queries_probe.store")
