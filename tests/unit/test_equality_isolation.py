"""Equality answers are read only by the equality domain and, in aggregate, by the equality
report: no other domain's SQL names their table or equality's views, and no other module
imports the equality package (so priority, eligibility and matching cannot read them)."""

import re
from pathlib import Path

from tests.unit.test_import_cycles import import_graph
from tests.unit.test_table_ownership import strip_sql

SERVICE = Path(__file__).resolve().parents[2] / "service"
ALLOWED = {"equality", "reports"}
EQUALITY_NAMES = re.compile(r"\bequality_\w+", re.IGNORECASE)


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


def test_only_the_app_and_the_report_import_the_equality_package():
    importers = {module for module, imported in import_graph(SERVICE).items()
                 if any(t == "service.equality" or t.startswith("service.equality.")
                        for t in imported)
                 and not module.startswith("service.equality")}
    # data rights' registry: a worker's own export includes their answers (equality's section,
    # service/equality/datarights.py, shows them to the worker alone); nothing decides on it.
    # The web's equality pages are the API routes' twin: the worker's own answers, to them.
    assert importers <= {"service.app", "service.reports.logic",
                         "service.datarights.registry", "service.web.routes_equality"}, importers
