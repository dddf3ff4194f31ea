"""The schema after every migration, compared with a committed snapshot (as procrastinate does),
so that what a migration changes is seen in review and a migration that drifts fails here.

After writing a migration on purpose, refresh the snapshot and commit it with the migration:
    LADDER_UPDATE_SCHEMA_SNAPSHOT=1 .venv/bin/pytest \
        tests/integration/system/test_schema_snapshot.py
"""

import os

from tests.conftest import ROOT

SNAPSHOT = ROOT / "tests" / "fixtures" / "schema.txt"

# Each query lists one kind of object in the public schema as sorted lines of text, from the
# catalogue functions that print definitions (the same on PostgreSQL 15 and 18).
CATALOGUE = {
    "columns": """
        SELECT format('%s.%s %s%s%s%s', c.relname, a.attname,
                      format_type(a.atttypid, a.atttypmod),
                      CASE WHEN a.attnotnull THEN ' not null' ELSE '' END,
                      CASE a.attidentity WHEN 'a' THEN ' identity always'
                                         WHEN 'd' THEN ' identity by default' ELSE '' END,
                      CASE WHEN a.attgenerated = 's' THEN ' generated '
                           ELSE ' default ' END || pg_get_expr(d.adbin, d.adrelid))
        FROM pg_attribute a
        JOIN pg_class c ON c.oid = a.attrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace
        LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
        WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND a.attnum > 0
          AND NOT a.attisdropped""",
    "constraints": """
        SELECT format('%s %s: %s', c.relname, k.conname, pg_get_constraintdef(k.oid))
        FROM pg_constraint k
        JOIN pg_class c ON c.oid = k.conrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND k.contype <> 'n'""",
    "indexes": """
        SELECT indexdef FROM pg_indexes WHERE schemaname = 'public'""",
    "functions": """
        SELECT regexp_replace(pg_get_functiondef(p.oid), '\\s+', ' ', 'g')
        FROM pg_proc p
        JOIN pg_namespace n ON n.oid = p.pronamespace
        LEFT JOIN pg_depend e ON e.classid = 'pg_proc'::regclass AND e.objid = p.oid
                              AND e.deptype = 'e'
        WHERE n.nspname = 'public' AND e.objid IS NULL""",
    # A view's columns, not its text: pg_get_viewdef prints column references differently
    # across PostgreSQL versions.
    "views": """
        SELECT format('%s.%s %s', c.relname, a.attname, format_type(a.atttypid, a.atttypmod))
        FROM pg_attribute a
        JOIN pg_class c ON c.oid = a.attrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND c.relkind IN ('v', 'm') AND a.attnum > 0
          AND NOT a.attisdropped""",
    "triggers": """
        SELECT pg_get_triggerdef(t.oid)
        FROM pg_trigger t
        JOIN pg_class c ON c.oid = t.tgrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND NOT t.tgisinternal""",
    "extensions": """
        SELECT extname FROM pg_extension WHERE extname <> 'plpgsql'""",
}


async def schema_text(conn) -> str:
    parts = []
    for kind, query in CATALOGUE.items():
        lines = sorted(r[0] for r in await conn.fetch(query))
        parts.append(f"-- {kind}\n" + "\n".join(lines))
    return "\n\n".join(parts) + "\n"


async def test_the_migrated_schema_matches_the_snapshot(pool):
    async with pool.acquire() as conn:
        actual = await schema_text(conn)
    if os.environ.get("LADDER_UPDATE_SCHEMA_SNAPSHOT"):
        SNAPSHOT.write_text(actual, encoding="utf-8")
    expected = SNAPSHOT.read_text(encoding="utf-8")
    assert actual == expected, (
        "the schema after migrating differs from tests/fixtures/schema.txt; if a migration "
        "changed it on purpose, refresh the snapshot (see this module's docstring)")
