"""Every query the code names exists in its `queries.sql`: `Q.missing` would otherwise be an
AttributeError at request time (a 500), found only when that request is made."""

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
