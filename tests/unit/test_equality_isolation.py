"""Equality answers are read only by the equality domain and, in aggregate, by the equality
report: no other domain's SQL names their table or the report's view of them, and no domain
that makes or feeds a decision about a worker (priority, eligibility, credit, matching,
places) imports the equality package."""

import re
from pathlib import Path

from tests.unit.test_import_cycles import import_graph
from tests.unit.test_table_ownership import strip_sql

SERVICE = Path(__file__).resolve().parents[2] / "service"
ALLOWED = {"equality", "reports"}
EQUALITY_NAMES = re.compile(r"\bequality_(?:report_)?answers\b", re.IGNORECASE)
# Domains whose rules decide about workers, or feed those rules (present or planned).
DECIDING = {"people", "reviews", "accounts", "skills", "courses", "policy", "reference",
            "matching", "enrolments", "transitions", "programmes"}


def equality_names_in_sql(root: Path) -> dict[str, list[str]]:
    found = {}
    for path in sorted(root.rglob("*.sql")):
        if path.parent.name in ALLOWED:
            continue
        names = EQUALITY_NAMES.findall(strip_sql(path.read_text(encoding="utf-8")))
        if names:
            found[str(path.relative_to(root))] = names
    return found


def test_no_queries_outside_equality_and_reports_name_equality_answers():
    assert equality_names_in_sql(SERVICE) == {}


def test_a_planted_query_is_caught(tmp_path: Path):
    (tmp_path / "people").mkdir()
    (tmp_path / "people" / "queries.sql").write_text(
        "-- name: x\n-- equality_answers in a comment is fine\n"
        "SELECT w.id FROM workers AS w JOIN equality_answers AS e ON e.worker_id = w.id\n")
    (tmp_path / "reports").mkdir()
    (tmp_path / "reports" / "queries.sql").write_text("SELECT 1 FROM equality_report_answers")
    assert equality_names_in_sql(tmp_path) == {"people/queries.sql": ["equality_answers"]}


def equality_importers(root: Path) -> set[str]:
    return {module for module, imported in import_graph(root).items()
            if any(t == "service.equality" or t.startswith("service.equality.")
                   for t in imported)
            and set(module.split(".")[1:2]) & DECIDING}


def test_no_deciding_domain_imports_the_equality_package():
    assert equality_importers(SERVICE) == set()


def test_a_planted_import_is_caught(tmp_path: Path):
    root = tmp_path / "service"
    for package in ("people", "equality", "reports"):
        (root / package).mkdir(parents=True)
        (root / package / "__init__.py").write_text("")
    (root / "__init__.py").write_text("")
    (root / "equality" / "service.py").write_text("")
    (root / "people" / "logic.py").write_text("from service.equality import service\n")
    (root / "reports" / "logic.py").write_text("from service.equality import service\n")
    assert equality_importers(root) == {"service.people.logic"}
