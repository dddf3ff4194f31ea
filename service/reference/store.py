import gzip
from pathlib import Path
from uuid import UUID

import asyncpg
import msgspec

from service.reference.logic import changed_rows
from service.reference.schemas import (
    Occupation,
    OccupationSkill,
    OccupationSummary,
    Skill,
    SkillSummary,
)
from service.sql import load_queries

Q = load_queries(__file__)

# staging table -> (catalogue file, its columns in file order)
STAGING = {
    "stage_occupations": ("esco_occupations.csv.gz",
                          ["uri", "code", "isco_group", "label", "alt_labels", "description"]),
    "stage_skills": ("esco_skills.csv.gz",
                     ["uri", "label", "alt_labels", "skill_type", "reuse_level", "description"]),
    "stage_relations": ("esco_occupation_skills.csv.gz",
                        ["occupation_uri", "skill_uri", "relation"]),
    "stage_risks": ("automation_risk.csv.gz",
                    ["occupation_uri", "risk", "prevalence", "risk_category"]),
    "stage_isco_risks": ("automation_risk_isco.csv.gz",
                         ["isco_group", "risk", "prevalence", "risk_category"]),
    "stage_everyday_job_titles": ("everyday_job_titles.csv",
                                  ["title", "occupation_uri", "occupation_label", "reason"]),
    "stage_skill_tags": ("esco_skill_tags.csv.gz", ["skill_uri", "tag"]),
}

# Ladder's own list, not derived from the public data: a catalogue directory made by
# `service.reference.derive` lacks it, and then the titles already loaded are left alone.
OPTIONAL_STAGING = {"stage_everyday_job_titles": ("merge_everyday_job_titles",
                                                  "delete_stale_everyday_job_titles")}

# (table, query) in the order that keeps foreign keys satisfied
MERGES = [
    ("isco_group_risks", "merge_isco_risks"),
    ("isco_group_risks", "delete_stale_isco_risks"),
    ("occupations", "merge_occupations"),
    ("skills", "merge_skills"),
    ("occupation_labels", "merge_occupation_labels"),
    ("occupation_labels", "delete_stale_occupation_labels"),
    ("skill_labels", "merge_skill_labels"),
    ("skill_labels", "delete_stale_skill_labels"),
    ("occupation_skills", "merge_relations"),
    ("occupation_skills", "delete_stale_relations"),
    ("skill_tags", "merge_skill_tags"),
    ("skill_tags", "delete_stale_skill_tags"),
    ("everyday_job_titles", "merge_everyday_job_titles"),
    ("everyday_job_titles", "delete_stale_everyday_job_titles"),
]


async def stage_catalogue(conn: asyncpg.Connection, catalogue_dir: Path) -> list[str]:
    """COPY each CSV (gzip ones decompressed on the fly) into its temporary staging table;
    returns the optional files that are missing."""
    await conn.execute(*Q.create_staging())
    missing = []
    for table, (file_name, columns) in STAGING.items():
        path = catalogue_dir / file_name
        if table in OPTIONAL_STAGING and not path.exists():
            missing.append(file_name)
            continue
        opener = gzip.open if file_name.endswith(".gz") else open
        with opener(path, "rb") as source:
            await conn.copy_to_table(table, source=source, columns=columns, format="csv",
                                     header=True)
    await conn.execute(*Q.index_staging())
    return missing


async def unknown_everyday_job_titles(conn: asyncpg.Connection) -> list[asyncpg.Record]:
    """Staged titles whose occupation is nowhere: the merge skipped them."""
    return await conn.fetch(*Q.unknown_everyday_job_titles())


async def drop_staging(conn: asyncpg.Connection) -> None:
    await conn.execute(*Q.drop_staging())


async def merge_staged(conn: asyncpg.Connection, missing: list[str]) -> dict[str, int]:
    """Merge what was staged; a missing optional file's table is neither merged nor pruned."""
    skipped = {query for table, (file_name, _) in STAGING.items() if file_name in missing
               for query in OPTIONAL_STAGING.get(table, ())}
    changed: dict[str, int] = {}
    for table, query in MERGES:
        if query in skipped:
            continue
        changed[table] = changed.get(table, 0) + changed_rows(await conn.execute(*Q[query]()))
    # Then workers recorded before the data was there (people's table, so people's function).
    changed["workers"] = await conn.fetchval(*Q.resolve_worker_occupations())
    if any(changed.values()):
        await conn.execute(*Q.analyze_reference())  # fresh statistics, or search plans go astray
    return changed


async def record_load(conn: asyncpg.Connection, changed: dict[str, int]) -> None:
    """A load that changed anything is recorded: its id versions the reference data."""
    if any(changed.values()):
        await conn.execute(*Q.record_load(counts=msgspec.json.encode(changed).decode()))


async def score_transitions(conn: asyncpg.Connection, optional_weight: float, threshold: float,
                            max_targets: int) -> tuple[int, int]:
    """Score every pair into a staging table (one statement); (transitions, occupations)."""
    await conn.execute(*Q.create_stage_transitions())
    await conn.execute(*Q.score_transitions(optional_weight=optional_weight, threshold=threshold,
                                            max_targets=max_targets))
    row = await conn.fetchrow(*Q.staged_transition_counts())
    return row["transitions"], row["occupations"]


async def merge_transitions(conn: asyncpg.Connection) -> int:
    """Bring occupation_transitions to what was scored, changing only rows that differ."""
    changed = changed_rows(await conn.execute(*Q.merge_transitions()))
    changed += changed_rows(await conn.execute(*Q.delete_stale_transitions()))
    await conn.execute(*Q.drop_stage_transitions())
    if changed:
        await conn.execute(*Q.analyze_transitions())
    return changed


async def transitions_page(conn: asyncpg.Connection, occupation_id: UUID, after: tuple | None,
                           limit: int) -> list[asyncpg.Record]:
    similarity, last_id = after or (None, None)
    return await conn.fetch(*Q.transitions_page(occupation_id=occupation_id,
                                                similarity=similarity, last_id=last_id,
                                                limit=limit))


async def lock_reference(conn: asyncpg.Connection) -> None:
    await conn.execute(*Q.lock_reference())


async def counts(conn: asyncpg.Connection) -> dict[str, int]:
    return dict(await conn.fetchrow(*Q.reference_counts()))


async def has_occupations(conn: asyncpg.Connection) -> bool:
    return await conn.fetchval(*Q.has_occupations())


async def has_skill_tags(conn: asyncpg.Connection) -> bool:
    return await conn.fetchval(*Q.has_skill_tags())


async def has_transitions(conn: asyncpg.Connection) -> bool:
    return await conn.fetchval(*Q.has_transitions())


async def has_everyday_job_titles(conn: asyncpg.Connection) -> bool:
    return await conn.fetchval(*Q.has_everyday_job_titles())


def _summary(row: asyncpg.Record) -> OccupationSummary:
    return OccupationSummary(**{k: v for k, v in row.items() if k != "score"})


async def search_occupations(conn: asyncpg.Connection, q: str, after: tuple | None,
                             limit: int) -> list[tuple[OccupationSummary, tuple]]:
    score, last_id = after or (None, None)
    rows = await conn.fetch(*Q.search_occupations(q=q, score=score, last_id=last_id, limit=limit))
    return [(_summary(r), (r["score"], r["id"])) for r in rows]


async def list_occupations(conn: asyncpg.Connection, after: tuple | None,
                           limit: int) -> list[tuple[OccupationSummary, tuple]]:
    label, last_id = after or (None, None)
    rows = await conn.fetch(*Q.list_occupations(label=label, last_id=last_id, limit=limit))
    return [(_summary(r), (r["label"], r["id"])) for r in rows]


def _skill_summary(row: asyncpg.Record) -> SkillSummary:
    return SkillSummary(**{k: v for k, v in row.items() if k != "score"})


async def search_skills(conn: asyncpg.Connection, q: str, after: tuple | None, limit: int,
                        tag: str | None = None) -> list[tuple[SkillSummary, tuple]]:
    score, last_id = after or (None, None)
    rows = await conn.fetch(*Q.search_skills(q=q, score=score, last_id=last_id, limit=limit,
                                             tag=tag))
    return [(_skill_summary(r), (r["score"], r["id"])) for r in rows]


async def list_skills(conn: asyncpg.Connection, after: tuple | None, limit: int,
                      tag: str | None = None) -> list[tuple[SkillSummary, tuple]]:
    label, last_id = after or (None, None)
    query = (Q.list_skills(label=label, last_id=last_id, limit=limit) if tag is None else
             Q.list_skills_tagged(label=label, last_id=last_id, limit=limit, tag=tag))
    rows = await conn.fetch(*query)
    return [(_skill_summary(r), (r["label"], r["id"])) for r in rows]


async def get_occupation(conn: asyncpg.Connection, occupation_id: UUID) -> Occupation | None:
    row = await conn.fetchrow(*Q.get_occupation(occupation_id=occupation_id))
    return Occupation(**dict(row)) if row else None


async def occupation_by_uri_or_code(conn: asyncpg.Connection, value: str) -> Occupation | None:
    row = await conn.fetchrow(*Q.occupation_by_uri_or_code(value=value))
    return Occupation(**dict(row)) if row else None


async def occupation_skills(conn: asyncpg.Connection,
                            occupation_id: UUID) -> list[tuple[str, OccupationSkill]]:
    """(relation, skill) pairs, essential first, each group by label."""
    rows = await conn.fetch(*Q.occupation_skills(occupation_id=occupation_id))
    return [(r["relation"], OccupationSkill(r["id"], r["uri"], r["label"], r["skill_type"],
                                            r["reuse_level"], r["tags"])) for r in rows]


async def get_skill(conn: asyncpg.Connection, skill_id: UUID) -> Skill | None:
    row = await conn.fetchrow(*Q.get_skill(skill_id=skill_id))
    return Skill(**dict(row)) if row else None


async def skill_by_uri(conn: asyncpg.Connection, uri: str) -> Skill | None:
    row = await conn.fetchrow(*Q.skill_by_uri(uri=uri))
    return Skill(**dict(row)) if row else None


async def reference_version(conn: asyncpg.Connection) -> int:
    return await conn.fetchval(*Q.reference_version())
