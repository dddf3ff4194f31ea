"""Every table that holds a worker's data is covered by a data-rights section (export and
erasure): a table with a `worker_id` column, or a foreign key to `workers` or to a table keyed
by the worker, read from the schema snapshot. A new domain's table fails here, by name, until its
domain lists it in its `service/<domain>/datarights.py` SECTION and the section is in
`service/datarights/registry.py`."""

import re

from service.datarights.logic import uncovered
from service.datarights.registry import REGISTRY
from tests.unit.test_table_ownership import OWNERS, SCHEMA_SNAPSHOT

_FK = re.compile(r"^(\w+) \w+: FOREIGN KEY \((\w+)\) REFERENCES (\w+)\((\w+)\)")


def worker_tables(snapshot: str) -> dict[str, str]:
    """Table -> the column that ties it to a worker."""
    columns = snapshot.split("-- columns\n", 1)[1].split("\n\n", 1)[0].splitlines()
    constraints = snapshot.split("-- constraints\n", 1)[1].split("\n\n", 1)[0].splitlines()
    found = {"workers": "id"}
    found |= {line.split(".", 1)[0]: "worker_id" for line in columns
              if line.split(" ", 1)[0].endswith(".worker_id")}
    keys = [m.groups() for line in constraints if (m := _FK.match(line))]
    grew = True
    while grew:  # foreign keys to workers, or to a table whose worker column they point at
        grew = False
        for table, column, target, target_column in keys:
            if table not in found and target in found and found[target] == target_column:
                found[table] = column
                grew = True
    return found


def owner_of(table: str) -> str:
    return next((owner for owner, tables in OWNERS.items() if table in tables), "its owner")


def test_every_worker_table_has_a_data_rights_section() -> None:
    tables = worker_tables(SCHEMA_SNAPSHOT.read_text(encoding="utf-8"))
    missing = uncovered(set(tables), list(REGISTRY))
    assert missing == [], "\n".join(
        f"table {table} holds a worker's data (column {tables[table]}) but no data-rights "
        f"section covers it: add {table!r} to the `tables` of SECTION in "
        f"service/{owner_of(table)}/datarights.py (with its export, under the key {table!r}, "
        f"and its erasure step, in service/{owner_of(table)}/datarights.sql), and list that "
        f"SECTION in REGISTRY in service/datarights/registry.py (docs/datarights.md)"
        for table in missing)


def test_each_section_covers_only_its_own_domains_tables() -> None:
    for section in REGISTRY:
        assert section.tables <= OWNERS[section.domain], (
            f"section {section.domain} lists {sorted(section.tables - OWNERS[section.domain])}, "
            f"tables it does not own")


def test_no_table_is_in_two_sections_and_domains_are_unique() -> None:
    tables = [t for s in REGISTRY for t in s.tables]
    assert len(tables) == len(set(tables))
    assert len({s.domain for s in REGISTRY}) == len(REGISTRY)


def test_the_snapshot_reading_finds_worker_tables_by_column_and_by_key() -> None:
    snapshot = """-- columns
a.worker_id uuid not null
b.id uuid not null
b.owner uuid
c.account uuid
d.x uuid

-- constraints
b b_owner_fkey: FOREIGN KEY (owner) REFERENCES workers(id)
c c_account_fkey: FOREIGN KEY (account) REFERENCES a(worker_id)
d d_x_fkey: FOREIGN KEY (x) REFERENCES b(id)

-- indexes
"""
    assert worker_tables(snapshot) == {"workers": "id", "a": "worker_id", "b": "owner",
                                       "c": "account"}
    assert uncovered({"a", "b", "workers"}, [REGISTRY[0]]) == ["a", "b"]


def test_the_real_schema_has_the_tables_this_test_exists_for() -> None:
    tables = worker_tables(SCHEMA_SNAPSHOT.read_text(encoding="utf-8"))
    assert {"workers", "accounts", "ledger_entries", "holds", "accruals", "reviews",
            "review_waitlist", "worker_skills", "audit_log", "api_tokens",
            "erasure_requests"} <= set(tables)
