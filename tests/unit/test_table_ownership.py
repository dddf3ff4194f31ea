"""Each domain owns its tables: no domain's `queries.sql` names a table another domain owns, and
no domain's Python imports another domain's `store` (it goes through that domain's `service`,
or, in SQL, the views and functions the owner publishes: migrations 0010 and 0012).

The ownership map below is the code's copy of the table in docs/design.md ("Who owns which
tables"); a test keeps the two in step, and another that every table in the schema snapshot has
an owner."""

import re
from pathlib import Path

from tests.unit.test_import_cycles import import_graph

ROOT = Path(__file__).resolve().parents[2]
SERVICE = ROOT / "service"
DESIGN = ROOT / "docs" / "design.md"
SCHEMA_SNAPSHOT = ROOT / "tests" / "fixtures" / "schema.txt"

# owner -> the tables it owns (owner: a domain package, or a shared module)
OWNERS: dict[str, frozenset[str]] = {
    "people": frozenset({"workers", "reps", "providers", "priority_refreshes"}),
    "auth": frozenset({"api_tokens"}),
    "oversight": frozenset({"audit_log"}),
    "reference": frozenset({"occupations", "skills", "occupation_labels", "skill_labels",
                            "occupation_skills", "isco_group_risks", "reference_loads",
                            "everyday_job_titles", "skill_tags", "occupation_transitions"}),
    "skills": frozenset({"worker_skills", "worker_skill_history"}),
    "policy": frozenset({"policies"}),
    "accounts": frozenset({"accounts", "ledger_entries", "holds", "accruals"}),
    "courses": frozenset({"courses", "presentations", "course_skills", "feeds", "syncs",
                          "course_skill_inferences"}),
    "reviews": frozenset({"review_slots", "reviews", "review_waitlist", "review_calendar_tokens"}),
    "outbox": frozenset({"outbox"}),
    "matching": frozenset({"pathway_choices"}),
    "enrolments": frozenset({"enrolments"}),
    "consents": frozenset({"consents"}),
    "equality": frozenset({"equality_answers"}),
    "challenges": frozenset({"challenges"}),
    "reports": frozenset(),  # reads others' views only (migration 0023)
    "datarights": frozenset({"erasure_requests"}),
    "programmes": frozenset({"programmes", "programme_members", "destinations"}),
    "web": frozenset({"web_sign_in_links", "web_sessions", "web_rate_limits"}),
    # Created by the accounts migration (0003), owned and used by the shared module alone.
    "shared: service/idempotency.py": frozenset({"idempotency_keys"}),
    "shared: service/migrations.py": frozenset({"schema_migrations"}),
}

# Where each owner's named queries are.
QUERY_FILES = {owner: SERVICE / owner / "queries.sql" for owner in OWNERS
               if (SERVICE / owner / "queries.sql").exists()}
QUERY_FILES["shared: service/idempotency.py"] = SERVICE / "idempotency.sql"
# Each domain's part of data rights (service/datarights/registry.py) queries its own tables too.
DATARIGHTS_FILES = {p.parent.name: p for p in sorted(SERVICE.glob("*/datarights.sql"))}


_NAME_LINE = re.compile(r"^--\s*name:\s*([a-z_][a-z0-9_]*)\s*$", re.MULTILINE)
# Comments, string literals (with E'' escapes), dollar-quoted bodies and quoted identifiers, in
# one left-to-right scan so that a `--` inside a string is not taken for a comment.
_HIDDEN = re.compile(r"""--[^\n]*
                       | /\*.*?\*/
                       | [eE]'(?:\\.|''|[^'\\])*'
                       | '(?:''|[^'])*'
                       | \$\$.*?\$\$
                       | \$(?P<tag>[A-Za-z_]\w*)\$.*?\$(?P=tag)\$
                       | "(?P<ident>(?:""|[^"])*)"
                    """, re.VERBOSE | re.DOTALL)
_WORD = re.compile(r"(?<![\w.$:])[A-Za-z_]\w*")


def strip_sql(sql: str) -> str:
    """The SQL with comments and literals blanked; a quoted identifier keeps its name."""
    def keep(match: re.Match[str]) -> str:
        ident = match.group("ident")
        return " " if ident is None else " " + ident.replace('""', '"') + " "
    return _HIDDEN.sub(keep, sql)


def table_words(sql: str) -> set[str]:
    """The whole words of a query that could name a table: not a `:param`, not the part after a
    dot (`t.column`), and not a name given with AS (an alias or an output column)."""
    text = strip_sql(sql)
    words = set()
    for match in _WORD.finditer(text):
        before = text[:match.start()].rstrip()
        if re.search(r"\bAS$", before, re.IGNORECASE):
            continue
        words.add(match.group().lower())
    return words


def queries_in(text: str) -> dict[str, str]:
    parts = _NAME_LINE.split(text)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


def foreign_tables(owner: str, text: str) -> list[tuple[str, str, str, str]]:
    """(owner, query, table, table's owner) for each table of another owner a query names."""
    others = {table: other for other, tables in OWNERS.items() if other != owner
              for table in tables}
    return [(owner, name, table, others[table])
            for name, sql in queries_in(text).items()
            for table in sorted(table_words(sql) & set(others))]


def test_no_query_names_another_domains_table() -> None:
    files = [*QUERY_FILES.items(), *DATARIGHTS_FILES.items()]
    found = [v for owner, path in sorted(files)
             for v in foreign_tables(owner, path.read_text(encoding="utf-8"))]
    assert found == [], "\n".join(
        f"{owner} query {query} names {table}, a table of {other}: use {other}'s view or "
        f"function (migration 0012), or its service"
        for owner, query, table, other in found)


def test_every_queries_file_is_checked() -> None:
    on_disk = {p.parent.name for p in SERVICE.glob("*/queries.sql")}
    assert on_disk <= set(QUERY_FILES), "a domain with queries.sql is missing from OWNERS"
    assert set(DATARIGHTS_FILES) <= set(OWNERS), "a datarights.sql outside any owner"
    assert {"people", "accounts", "reviews"} <= set(DATARIGHTS_FILES)
    assert all(path.exists() for path in QUERY_FILES.values())


def test_a_planted_violation_is_caught() -> None:
    text = """
-- name: fine
-- workers are mentioned here, in a comment only
SELECT p.ukprn, 'providers' AS workers, c.skills, $$ FROM skills $$
FROM people_providers AS p JOIN courses AS c ON c.provider_id = p.id
-- name: joins
SELECT c.id FROM courses AS c
JOIN Providers AS p ON p.id = c.provider_id
-- name: locks
SELECT id FROM "workers" WHERE id = :workers FOR UPDATE
-- name: writes
UPDATE reference_loads SET changed = '{}' WHERE id = 1
"""
    assert foreign_tables("courses", text) == [
        ("courses", "joins", "providers", "people"),
        ("courses", "locks", "workers", "people"),
        ("courses", "writes", "reference_loads", "reference"),
    ]


def test_every_table_in_the_schema_has_one_owner() -> None:
    snapshot = SCHEMA_SNAPSHOT.read_text(encoding="utf-8")
    columns = snapshot.split("-- columns\n", 1)[1].split("\n\n", 1)[0]
    tables = {line.split(".", 1)[0] for line in columns.splitlines()}
    owned = [table for tables_ in OWNERS.values() for table in tables_]
    assert len(owned) == len(set(owned)), "a table with two owners"
    assert set(owned) == tables


def docs_ownership_table() -> dict[str, frozenset[str]]:
    """The section's first table: owner -> the backquoted tables of its second column."""
    section = DESIGN.read_text(encoding="utf-8").split("## Who owns which tables", 1)[1]
    lines = section.splitlines()
    first = next(i for i, line in enumerate(lines) if line.startswith("|"))
    rows = []
    for line in lines[first + 2:]:  # after the header and its rule
        if not line.startswith("|"):
            break
        rows.append(line)
    table: dict[str, frozenset[str]] = {}
    for row in rows:
        owner, tables = (cell.strip() for cell in row.strip("|").split("|")[:2])
        table[owner.replace("`", "")] = frozenset(re.findall(r"`([a-z_]+)`", tables))
    return table


def test_the_design_doc_shows_the_same_map() -> None:
    assert docs_ownership_table() == OWNERS


def store_imports_across_domains(root: Path) -> list[tuple[str, str]]:
    """(module, store module) for each import of another domain's store, by a module of a domain
    (`service/<a>/...`) or one outside every domain (`service/demo.py`, `service/cli.py`)."""
    domains = {p.parent.name for p in root.glob("*/__init__.py")}
    found = []
    for module, imported in sorted(import_graph(root).items()):
        parts = module.split(".")
        own = parts[1] if len(parts) > 2 and parts[1] in domains else None
        for target in sorted(imported):
            target_parts = target.split(".")
            if (len(target_parts) == 3 and target_parts[2] == "store"
                    and target_parts[1] in domains and target_parts[1] != own):
                found.append((module, target))
    return found


def test_no_module_imports_another_domains_store() -> None:
    assert store_imports_across_domains(SERVICE) == []


def test_a_planted_store_import_is_caught(tmp_path: Path) -> None:
    root = tmp_path / "service"
    for package in ("people", "courses"):
        (root / package).mkdir(parents=True)
        (root / package / "__init__.py").write_text("")
        (root / package / "store.py").write_text("")
        (root / package / "service.py").write_text("")
    (root / "__init__.py").write_text("")
    (root / "courses" / "service.py").write_text("from service.courses import store\n"
                                                 "def f():\n"
                                                 "    from service.people import store\n")
    (root / "people" / "service.py").write_text("from service.courses import service\n"
                                                "from service.people.store import x\n")
    (root / "demo.py").write_text("import service.courses.store\n")
    assert store_imports_across_domains(root) == [
        ("service.courses.service", "service.people.store"),
        ("service.demo", "service.courses.store"),
    ]
