"""Named SQL queries kept in `queries.sql` files, in the style of procrastinate.

A file holds blocks that each start with a `-- name: query_name` line; the text up to the next
such line is the query. Queries use `$1` parameters only; SQL is never built from strings.
"""

import re
from pathlib import Path

_NAME_LINE = re.compile(r"^--\s*name:\s*([a-z_][a-z0-9_]*)\s*$", re.MULTILINE)


class Queries(dict[str, str]):
    """The named queries of one file, read as `Q.name`.

    A name missing from the file is an AttributeError only when the code runs, so it is not
    left to a request to find: tests/unit/test_query_names.py reads every module with `ast` and
    fails on any `Q.name` or `Q["name"]` that its queries.sql does not define.
    """

    def __getattr__(self, name: str) -> str:
        try:
            return self[name]
        except KeyError:
            raise AttributeError(f"no query named {name!r}") from None


def load_queries(path: str | Path) -> Queries:
    """Load `queries.sql` next to the given module file (or the given .sql path)."""
    path = Path(path)
    if path.suffix != ".sql":
        path = path.with_name("queries.sql")
    text = path.read_text(encoding="utf-8")
    parts = _NAME_LINE.split(text)
    queries = Queries()
    for name, body in zip(parts[1::2], parts[2::2], strict=True):
        if name in queries:
            raise ValueError(f"{path}: query {name!r} is defined twice")
        if hasattr(Queries, name):  # `Q.items` would be dict.items, never this query
            raise ValueError(f"{path}: query {name!r} shadows a dict attribute; rename it")
        queries[name] = body.strip().rstrip(";")
    return queries
