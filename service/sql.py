"""Named SQL queries kept in `queries.sql` files, in the style of procrastinate.

A file holds blocks that each start with a `-- name: query_name` line; the comment lines right
after it describe the query, and the text up to the next such line is the query. Parameters are
written `:name`; each block is compiled once, at load time, to asyncpg's `$n` (a name used twice
is the same `$n`), so call sites pass keywords, never a tuple whose order must match:

    await conn.fetchrow(*Q.get_worker(worker_id=worker_id))
    await conn.executemany(Q.x.sql, [Q.x.args(**row) for row in rows])

`::type` casts, string literals, quoted identifiers, dollar-quoted bodies and comments are left
alone. A block that still holds a `$1` parameter is refused, so the two are never mixed. SQL is
never built from strings.
"""

import ast
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")

_NAME_LINE = re.compile(r"^--\s*name:\s*([a-z_][a-z0-9_]*)\s*$", re.MULTILINE)
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_DOLLAR_TAG = re.compile(r"\$(?:[A-Za-z_][A-Za-z0-9_]*)?\$")


@dataclass(frozen=True, slots=True)
class Query:
    """One named query: `sql` is the compiled text, `params` the names of its `$1, $2, ...`."""

    name: str
    sql: str
    params: tuple[str, ...]
    description: str = ""

    def args(self, **values: Any) -> tuple[Any, ...]:
        """The positional arguments for `sql`, from keywords that must be exactly `params`."""
        if len(values) == len(self.params):  # then all present means none unexpected
            try:
                return tuple([values[p] for p in self.params])
            except KeyError:
                pass
        missing = [p for p in self.params if p not in values]
        if missing:
            raise TypeError(f"query {self.name!r} missing parameter(s): {', '.join(missing)}")
        unexpected = [k for k in values if k not in self.params]
        if unexpected:
            raise TypeError(f"query {self.name!r} got unexpected parameter(s): "
                            f"{', '.join(unexpected)}")
        return tuple(values[p] for p in self.params)

    def __call__(self, **values: Any) -> tuple[Any, ...]:
        """`(sql, *args)`, to be spread into an asyncpg call."""
        return (self.sql, *self.args(**values))


def compile_named(sql: str) -> tuple[str, tuple[str, ...]]:
    """`:name` parameters to `$n`; raises ValueError on a `$n` parameter written by hand."""
    out: list[str] = []
    params: list[str] = []
    i, n = 0, len(sql)
    while i < n:
        c = sql[i]
        nxt = sql[i + 1] if i + 1 < n else ""
        if c == "-" and nxt == "-":  # line comment
            end = sql.find("\n", i)
            end = n if end < 0 else end
        elif c == "/" and nxt == "*":  # block comment, nested as PostgreSQL nests them
            depth, end = 1, i + 2
            while end < n and depth:
                if sql.startswith("/*", end):
                    depth, end = depth + 1, end + 2
                elif sql.startswith("*/", end):
                    depth, end = depth - 1, end + 2
                else:
                    end += 1
        elif c in "'\"":  # string literal or quoted identifier; '' and "" escape themselves
            backslash = c == "'" and i > 0 and sql[i - 1] in "eE" \
                and (i < 2 or not (sql[i - 2].isalnum() or sql[i - 2] == "_"))
            end = i + 1
            while end < n:
                if backslash and sql[end] == "\\":
                    end += 2
                elif sql[end] == c:
                    if sql.startswith(c, end + 1):
                        end += 2
                    else:
                        end += 1
                        break
                else:
                    end += 1
        elif c == "$":
            if nxt.isdigit():
                raise ValueError(f"positional parameter ${nxt}...: write :name parameters")
            tag = _DOLLAR_TAG.match(sql, i)
            if tag is None or (i > 0 and (sql[i - 1].isalnum() or sql[i - 1] == "_")):
                end = i + 1  # part of an identifier such as a$b
            else:
                close = sql.find(tag.group(), tag.end())
                if close < 0:
                    raise ValueError(f"unterminated dollar quote {tag.group()}")
                end = close + len(tag.group())
        elif c == ":" and nxt == ":":  # a cast
            end = i + 2
        elif c == ":" and (name := _IDENT.match(sql, i + 1)):
            if name.group() not in params:
                params.append(name.group())
            out.append(f"${params.index(name.group()) + 1}")
            i = name.end()
            continue
        else:
            end = i + 1
        out.append(sql[i:end])
        i = end
    return "".join(out), tuple(params)


class Queries(dict[str, Query]):
    """The named queries of one file, read as `Q.name`.

    A name the file lacks fails the import of the module that names it (`load_queries` reads
    the module's source), not a request. tests/unit/test_query_names.py also checks each call's
    keywords against the query's parameters.
    """

    def __getattr__(self, name: str) -> Query:
        try:
            return self[name]
        except KeyError:
            raise AttributeError(f"no query named {name!r}") from None


def _split_description(body: str) -> tuple[str, str]:
    lines = body.strip().splitlines()
    description = []
    while lines and lines[0].lstrip().startswith("--"):
        description.append(lines.pop(0).lstrip()[2:].strip())
    return "\n".join(description), "\n".join(lines).strip()


def load_queries(path: str | Path) -> Queries:
    """Load the queries of a module: `queries.sql` next to its file (a domain's store), or
    `<module>.sql` when there is one (a shared module such as `service/idempotency.py`); or
    the given .sql path."""
    path = Path(path)
    module = path if path.suffix == ".py" else None
    if path.suffix != ".sql":
        own = path.with_suffix(".sql")
        path = own if own.exists() else path.with_name("queries.sql")
    text = path.read_text(encoding="utf-8")
    parts = _NAME_LINE.split(text)
    queries = Queries()
    for name, body in zip(parts[1::2], parts[2::2], strict=True):
        if name in queries:
            raise ValueError(f"{path}: query {name!r} is defined twice")
        if hasattr(Queries, name):  # `Q.items` would be dict.items, never this query
            raise ValueError(f"{path}: query {name!r} shadows a dict attribute; rename it")
        description, sql = _split_description(body)
        try:
            compiled, params = compile_named(sql.rstrip(";"))
        except ValueError as error:
            raise ValueError(f"{path}: query {name!r}: {error}") from None
        queries[name] = Query(name, compiled, params, description)
    if module is not None and module.exists():
        _check_names_used(module, queries)
    return queries


def _check_names_used(module: Path, queries: Queries) -> None:
    """Refuse, at import, a module that names a query its file does not define: `Q.name` where
    `Q = load_queries(...)` is assigned at the module's top level."""
    tree = ast.parse(module.read_text(encoding="utf-8"))
    holders = {target.id for node in tree.body if isinstance(node, ast.Assign)
               and isinstance(node.value, ast.Call)
               and getattr(node.value.func, "id", None) == "load_queries"
               for target in node.targets if isinstance(target, ast.Name)}
    missing = [f"{module}:{node.lineno}: {node.value.id}.{node.attr}"
               for node in ast.walk(tree)
               if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
               and node.value.id in holders and node.attr not in queries
               and not hasattr(Queries, node.attr)]
    if missing:
        raise ValueError("queries named but not defined:\n" + "\n".join(missing))


def rows_as(cls: type[T], rows: Sequence[Any]) -> list[T]:
    """`rows` (asyncpg records) as `cls` (a msgspec Struct) instances: positionally when the
    columns are the struct's fields in their order (a search page of 20 rows, without a dict
    per row), else by name, so a query that selects its columns in another order still works."""
    if not rows:
        return []
    if tuple(rows[0].keys()) == cls.__struct_fields__:  # type: ignore[attr-defined]
        return [cls(*r) for r in rows]
    return [cls(**dict(r)) for r in rows]
