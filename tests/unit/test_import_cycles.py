"""No import cycles among `service.*` modules. A cycle works only while every module in it is
imported in a lucky order (or the import is hidden inside a function); each one is a domain that
cannot be read, tested or moved without the others. Module-level and function-level imports
both count; imports under `if TYPE_CHECKING:` do not, as they never run."""

import ast
from collections.abc import Iterator, Mapping
from pathlib import Path

SERVICE = Path(__file__).resolve().parents[2] / "service"


def module_name(path: Path, root: Path) -> str:
    parts = path.relative_to(root.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _import_nodes(tree: ast.AST) -> Iterator[ast.Import | ast.ImportFrom]:
    """Every import statement, at any depth, except those under `if TYPE_CHECKING:` (their
    `else:` branch runs, so it counts)."""
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            stack.extend(node.orelse)
            continue
        stack.extend(ast.iter_child_nodes(node))


def imports_of(name: str, tree: ast.AST, known: set[str], is_package: bool) -> set[str]:
    """The known modules that running module `name` imports. `from a import b` imports
    `a.b` if that is a module, else `a`; importing `a.b` also runs the package `a`."""
    found: set[str] = set()
    package = name if is_package else name.rpartition(".")[0]
    for node in _import_nodes(tree):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        else:
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[:len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base
                       for alias in node.names]
        for target in targets:
            parts = target.split(".")
            for i in range(1, len(parts) + 1):
                prefix = ".".join(parts[:i])
                if prefix in known and prefix != name:
                    found.add(prefix)
    return found


def import_graph(root: Path) -> dict[str, set[str]]:
    paths = {module_name(p, root): p for p in sorted(root.rglob("*.py"))}
    known = set(paths)
    return {name: imports_of(name, ast.parse(path.read_text(), str(path)), known,
                             path.name == "__init__.py")
            for name, path in paths.items()}


def find_cycle(graph: Mapping[str, set[str]]) -> list[str] | None:
    """One cycle as [a, b, ..., a], or None. Depth-first, iterative, nodes in sorted order so
    that the cycle named is the same on every run."""
    done: set[str] = set()
    for start in sorted(graph):
        if start in done:
            continue
        path, on_path = [start], {start}
        stack = [iter(sorted(graph.get(start, ())))]
        while stack:
            nxt = next(stack[-1], None)
            if nxt is None:
                stack.pop()
                done.add(path[-1])
                on_path.discard(path.pop())
            elif nxt in on_path:
                return path[path.index(nxt):] + [nxt]
            elif nxt not in done:
                path.append(nxt)
                on_path.add(nxt)
                stack.append(iter(sorted(graph.get(nxt, ()))))
    return None


def test_service_has_no_import_cycle() -> None:
    cycle = find_cycle(import_graph(SERVICE))
    assert cycle is None, "import cycle: " + " -> ".join(cycle)


def reachable(graph: Mapping[str, set[str]], start: str) -> set[str]:
    seen, todo = set(), [start]
    while todo:
        for nxt in graph.get(todo.pop(), ()):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def test_console_imports_no_domain() -> None:
    """Any domain may import `service.console`, so it must import none (not even indirectly)."""
    domains = {p.parent.name for p in SERVICE.glob("*/__init__.py")}
    reached = reachable(import_graph(SERVICE), "service.console")
    assert sorted(m for m in reached if m.split(".")[1:2] and m.split(".")[1] in domains) == []


def test_cycle_finder_names_a_cycle() -> None:
    graph = {"a": {"b"}, "b": {"c", "d"}, "c": {"a"}, "d": set(), "e": {"a"}}
    assert find_cycle(graph) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"a"}}) == ["a", "a"]


def test_cycle_finder_accepts_a_diamond() -> None:
    assert find_cycle({"a": {"b", "c"}, "b": {"d"}, "c": {"d"}, "d": set()}) is None


def test_graph_counts_function_imports_but_not_type_checking(tmp_path: Path) -> None:
    root = tmp_path / "pkg"
    (root / "sub").mkdir(parents=True)
    (root / "__init__.py").write_text("")
    (root / "sub" / "__init__.py").write_text("")
    (root / "a.py").write_text("from typing import TYPE_CHECKING\n"
                               "if TYPE_CHECKING:\n    from pkg import c\n"
                               "else:\n    import pkg.d\n"
                               "def f():\n    from pkg.sub import b\n")
    (root / "sub" / "b.py").write_text("from .. import a\nfrom . import e\n")
    for name in ("c", "d"):
        (root / f"{name}.py").write_text("")
    (root / "sub" / "e.py").write_text("")
    graph = import_graph(root)
    assert graph["pkg.a"] == {"pkg", "pkg.d", "pkg.sub", "pkg.sub.b"}
    assert graph["pkg.sub.b"] == {"pkg", "pkg.a", "pkg.sub", "pkg.sub.e"}
    assert find_cycle(graph) == ["pkg.a", "pkg.sub.b", "pkg.a"]
