"""Transitions between occupations: built from the reference data (inside a reference load, or
alone by `ladder reference transitions`) and read page by page. docs/matching.md gives the
formula, the threshold and why."""

import time
from collections.abc import Callable
from uuid import UUID

import asyncpg

from service.pagination import decode_cursor, page
from service.reference import logic, store
from service.reference.schemas import Transition, TransitionsReport, TransitionTarget

Progress = Callable[[str], None]


async def build_transitions(conn: asyncpg.Connection, progress: Progress = lambda _: None,
                            ) -> TransitionsReport:
    """Score every pair of occupations and keep the safer, viable targets. Set-based: one
    statement scores all pairs into a staging table, two bring the table to it. The caller
    holds the reference lock inside its transaction (the load, or `rebuild_transitions`)."""
    started = time.perf_counter()
    progress("transitions: scoring every pair of occupations by skills "
             f"(optional weight {logic.OPTIONAL_WEIGHT}, threshold "
             f"{logic.SIMILARITY_THRESHOLD}, at most {logic.MAX_TARGETS} targets each)")
    kept, occupations = await store.score_transitions(
        conn, logic.OPTIONAL_WEIGHT, logic.SIMILARITY_THRESHOLD, logic.MAX_TARGETS)
    scored = time.perf_counter() - started
    progress(f"transitions: {kept} safer, viable targets for {occupations} occupations "
             f"scored in {scored:.1f}s; merging")
    changed = await store.merge_transitions(conn)
    report = TransitionsReport(changed, kept, occupations,
                               round(time.perf_counter() - started, 2))
    progress(f"transitions: {changed} rows changed; built in {report.seconds:.1f}s")
    return report


async def rebuild_transitions(conn: asyncpg.Connection,
                              progress: Progress = lambda _: None) -> TransitionsReport:
    """`ladder reference transitions`: rebuild alone, in a transaction under the load's lock,
    recorded as a load when it changed anything (the data's version moves)."""
    async with conn.transaction():
        await store.lock_reference(conn)
        report = await build_transitions(conn, progress)
        await store.record_load(conn, {"occupation_transitions": report.changed})
    return report


async def transitions_page(conn: asyncpg.Connection, occupation_id: UUID, cursor: str | None,
                           limit: int) -> tuple[list[Transition], str | None]:
    """An occupation's transitions, most similar first (then by target id)."""
    after = decode_cursor(cursor, float, UUID)
    rows = await store.transitions_page(conn, occupation_id, after, limit + 1)
    return page(rows, limit, lambda r: (r["similarity"], r["id"]), _transition)


def _transition(row: asyncpg.Record) -> Transition:
    return Transition(
        target=TransitionTarget(row["id"], row["uri"], row["label"], row["risk"],
                                row["risk_category"], row["risk_source"],
                                row["risk_source"] == "isco_average"),
        similarity=row["similarity"], risk_drop=round(row["risk_drop"], 6),
        shared_essential=row["shared_essential"], missing_essential=row["missing_essential"],
        why=logic.transition_why(row["source_label"], row["source_risk"],
                                 row["source_risk_source"], row["label"], row["risk"],
                                 row["risk_category"], row["risk_source"], row["similarity"],
                                 row["shared_essential"], row["missing_essential"]))
