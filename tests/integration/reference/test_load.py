"""Loading catalogue/: counts, idempotence, the ISCO fallback for risk, and targeted updates."""

import csv
import gzip
import json
import os
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from service import db
from service.reference.service import load_catalogue, load_if_empty
from tests.conftest import ROOT, with_database

pytestmark = pytest.mark.usefixtures("reference_data")


async def test_loaded_counts(reference_data, pool):
    """The first load's own counts are checked on a fresh database by the CLI test below."""
    assert reference_data.totals == {"occupations": 3007, "skills": 13896,
                                     "occupation_skills": 123788, "isco_group_risks": 421,
                                     "everyday_job_titles": 20, "skill_tags": 1893,
                                     "occupation_transitions": 42629}
    async with pool.acquire() as conn:
        by_source = dict(await conn.fetch(
            "SELECT coalesce(risk_source, 'none'), count(*) FROM occupations GROUP BY 1"))
        relations = dict(await conn.fetch(
            "SELECT relation, count(*) FROM occupation_skills GROUP BY 1"))
    assert by_source["nesta"] == 1626
    assert by_source["none"] == 36
    assert by_source["isco_average"] == 3007 - 1626 - 36
    assert relations == {"essential": 64891, "optional": 58897}


async def test_second_load_changes_nothing(pool, settings):
    async with pool.acquire() as conn:
        loads = await conn.fetchval("SELECT count(*) FROM reference_loads")
        report = await load_catalogue(conn, settings.catalogue_dir)
        assert await conn.fetchval("SELECT count(*) FROM reference_loads") == loads
    assert set(report.changed.values()) == {0}
    assert report.totals["occupations"] == 3007


async def test_occupation_without_own_score_gets_its_isco_group_average(pool):
    async with pool.acquire() as conn:
        rows = await conn.fetch("""
            SELECT o.risk, o.prevalence, o.risk_category, g.risk AS g_risk,
                   g.prevalence AS g_prevalence, g.risk_category AS g_category
            FROM occupations o JOIN isco_group_risks g USING (isco_group)
            WHERE o.risk_source = 'isco_average'""")
        unscored_groups = await conn.fetch(
            "SELECT DISTINCT isco_group FROM occupations WHERE risk_source IS NULL")
    assert rows
    for row in rows:
        assert (row["risk"], row["prevalence"], row["risk_category"]) == (
            row["g_risk"], row["g_prevalence"], row["g_category"])
    assert {r["isco_group"] for r in unscored_groups} == {"0110", "0210", "0310", "1431", "5161"}


def _rewrite(path: Path, change) -> None:
    with gzip.open(path, "rt", encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    rows = change(rows)
    with gzip.open(path, "wt", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows(rows)


async def test_changed_catalogue_updates_only_what_changed(pool, settings, tmp_path):
    catalogue = tmp_path / "catalogue"
    shutil.copytree(settings.catalogue_dir, catalogue, ignore=shutil.ignore_patterns("feeds"))
    first_occupation: list[str] = []

    def relabel(rows):
        first_occupation.extend(rows[1])
        rows[1][3] = rows[1][3] + " (renamed)"
        return rows

    _rewrite(catalogue / "esco_occupations.csv.gz", relabel)
    _rewrite(catalogue / "esco_occupation_skills.csv.gz", lambda rows: rows[:1] + rows[2:])
    titles_file = catalogue / "everyday_job_titles.csv"
    titles = list(csv.reader(titles_file.open(encoding="utf-8")))
    header, (kept, dropped, *others) = titles[0], titles[1:]
    kept[3] = "a better reason"
    unknown = ["made up job", "http://data.europa.eu/esco/occupation/00000000-0000-0000-0000-"
               "000000000000", "nothing", ""]
    with titles_file.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows([header, kept, *others, unknown])
    messages: list[str] = []
    async with pool.acquire() as conn:
        transaction = conn.transaction()
        await transaction.start()
        try:
            report = await load_catalogue(conn, catalogue, progress=messages.append)
            everyday = dict(await conn.fetch("SELECT title, reason FROM everyday_job_titles"))
            label = await conn.fetchval("SELECT label FROM occupations WHERE uri = $1",
                                        first_occupation[0])
            recorded = await conn.fetchval(
                "SELECT changed::text FROM reference_loads ORDER BY id DESC LIMIT 1")
        finally:
            await transaction.rollback()
    assert label == first_occupation[3] + " (renamed)"
    assert report.changed["occupations"] == 1
    assert report.changed["occupation_labels"] == 2  # the new label in, the old one out
    assert report.changed["occupation_skills"] == 1
    assert report.changed["skills"] == report.changed["isco_group_risks"] == 0
    assert json.loads(recorded) == report.changed  # the load is recorded, versioning the data
    assert report.changed["everyday_job_titles"] == 2  # one reason changed, one title gone
    assert everyday[kept[0]] == "a better reason"
    assert dropped[0] not in everyday and "made up job" not in everyday
    assert any("'made up job' skipped: no occupation" in m for m in messages), messages


@pytest.mark.slow
def test_cli_loads_a_fresh_database_and_a_second_run_changes_nothing(database_url):
    name = f"ladder_ref_{secrets.token_hex(4)}"
    db.ensure_database(database_url, name)
    env = os.environ | {"LADDER_DATABASE_URL": with_database(database_url, name)}
    outputs = []
    for _ in range(2):
        run = subprocess.run([sys.executable, "-m", "service.cli", "reference", "load"], env=env,
                             cwd=ROOT, capture_output=True, text=True, timeout=180)
        assert run.returncode == 0, run.stderr
        outputs.append(dict(line.split()[:2] for line in run.stdout.splitlines()))
    assert outputs[0]["occupations"] == "3007"
    assert outputs[0]["skills"] == "13896"
    assert outputs[0]["occupation_skills"] == "123788"
    assert outputs[0]["isco_group_risks"] == "421"
    assert set(outputs[1].values()) == {"0"}


async def test_worker_recorded_before_the_load_is_resolved_by_it(pool, settings):
    """Occupations given while the tables were empty are linked when the data arrives."""
    async with pool.acquire() as conn:
        transaction = conn.transaction()
        await transaction.start()
        try:
            await conn.execute("ALTER TABLE workers DISABLE TRIGGER workers_resolve_occupation")
            worker_id = await conn.fetchval("""
                INSERT INTO workers (external_ref, employer, name, birth_date, branch, region,
                                     occupation, contract_type, weekly_hours,
                                     highest_qualification)
                VALUES ('X-1', 'Council', 'Early Bird', '1970-01-01', 'B', 'E12000001',
                        '4313.1', 'permanent', 37, '3') RETURNING id""")
            await conn.execute("ALTER TABLE workers ENABLE TRIGGER workers_resolve_occupation")
            report = await load_catalogue(conn, settings.catalogue_dir)
            code = await conn.fetchval("""SELECT o.code FROM workers w
                                          JOIN occupations o ON o.id = w.occupation_id
                                          WHERE w.id = $1""", worker_id)
        finally:
            await transaction.rollback()
    assert report.changed["workers"] == 1
    assert code == "4313.1"



async def test_a_catalogue_without_everyday_titles_leaves_them_alone(pool, settings, tmp_path):
    """A directory made by `service.reference.derive` has only the ESCO and Nesta files."""
    catalogue = tmp_path / "catalogue"
    shutil.copytree(settings.catalogue_dir, catalogue,
                    ignore=shutil.ignore_patterns("feeds", "everyday_job_titles.csv"))
    messages: list[str] = []
    async with pool.acquire() as conn:
        before = await conn.fetchval("SELECT count(*) FROM everyday_job_titles")
        report = await load_catalogue(conn, catalogue, progress=messages.append)
        assert await conn.fetchval("SELECT count(*) FROM everyday_job_titles") == before > 0
    assert set(report.changed.values()) == {0}
    assert any("no everyday_job_titles.csv" in m for m in messages), messages


async def test_start_up_loads_the_titles_into_an_upgraded_database(pool, settings):
    """Occupations loaded before migration 0008 existed: the titles still arrive."""
    async with pool.acquire() as conn:
        transaction = conn.transaction()
        await transaction.start()
        try:
            await conn.execute("DELETE FROM everyday_job_titles")
            await load_if_empty(conn, settings)
            titles = await conn.fetchval("SELECT count(*) FROM everyday_job_titles")
        finally:
            await transaction.rollback()
    assert titles == 20
