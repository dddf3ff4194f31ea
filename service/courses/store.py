"""SQL access for the catalogue. Syncs send whole batches as one JSON parameter
(`jsonb_to_recordset`), so a 50,000-course sync is a handful of statements."""

from datetime import date, datetime
from typing import Any
from uuid import UUID

import asyncpg

from service.actor import Actor
from service.courses.inference import Inferred
from service.courses.schemas import (
    Course,
    CourseSkill,
    CourseSummary,
    Feed,
    Presentation,
    RejectedRecord,
    SyncReport,
)
from service.sql import load_queries, rows_as

Q = load_queries(__file__)
INFERRED_COLUMNS = ["course_id", "skill_id", "source", "confidence", "matched_label",
                    "matched_words", "matched_in"]


async def lock_provider_catalogue(conn: asyncpg.Connection, provider_id: UUID) -> None:
    await conn.execute(*Q.lock_provider_catalogue(provider_id=provider_id))


async def existing_courses(conn: asyncpg.Connection, provider_id: UUID) -> list[asyncpg.Record]:
    return await conn.fetch(*Q.existing_courses(provider_id=provider_id))


async def upsert_courses(conn: asyncpg.Connection, provider_id: UUID,
                         rows: list[dict[str, Any]]) -> dict[str, UUID]:
    if not rows:
        return {}
    upserted = await conn.fetch(*Q.upsert_courses(provider_id=provider_id, rows=rows))
    return {r["ref"]: r["id"] for r in upserted}


async def replace_presentations(conn: asyncpg.Connection, course_ids: list[UUID],
                                rows: list[dict[str, Any]]) -> None:
    """Upsert the changed courses' presentations and withdraw those no longer listed."""
    if rows:
        await conn.execute(*Q.upsert_presentations(rows=rows))
    if course_ids:
        await conn.execute(*Q.withdraw_missing_presentations(
            course_ids=course_ids, kept_course_ids=[r["course_id"] for r in rows],
            kept_refs=[r["ref"] for r in rows]))


async def restore_courses(conn: asyncpg.Connection, course_ids: list[UUID]) -> None:
    if course_ids:
        await conn.execute(*Q.restore_courses(course_ids=course_ids))


async def withdraw_missing_courses(conn: asyncpg.Connection, provider_id: UUID,
                                   kept_refs: list[str]) -> int:
    return len(await conn.fetch(*Q.withdraw_missing_courses(provider_id=provider_id,
                                                            kept_refs=kept_refs)))


async def clear_course_skills(conn: asyncpg.Connection, course_ids: list[UUID]) -> None:
    if course_ids:
        await conn.execute(*Q.clear_course_skills(course_ids=course_ids))


async def known_skill_uris(conn: asyncpg.Connection, uris: list[str]) -> set[str]:
    if not uris:
        return set()
    return {r["uri"] for r in await conn.fetch(*Q.known_skill_uris(uris=uris))}


async def insert_college_skills(conn: asyncpg.Connection, pairs: list[tuple[UUID, str]]) -> None:
    if pairs:
        await conn.execute(*Q.insert_college_skills(course_ids=[p[0] for p in pairs],
                                                    uris=[p[1] for p in pairs]))


async def copy_inferred_skills(conn: asyncpg.Connection,
                               found: list[tuple[UUID, Inferred]]) -> None:
    """COPY, not INSERT: a first sync of a large catalogue infers hundreds of thousands."""
    if found:
        await conn.copy_records_to_table(
            "course_skills", columns=INFERRED_COLUMNS,
            records=[(course_id, f.skill_id, "inferred", f.confidence, f.matched_label,
                      list(f.matched_words), f.matched_in) for course_id, f in found])


async def skill_labels(conn: asyncpg.Connection) -> list[asyncpg.Record]:
    return await conn.fetch(*Q.skill_labels())


async def lexemes(conn: asyncpg.Connection, words: list[str]) -> list[asyncpg.Record]:
    return await conn.fetch(*Q.lexemes(words=words)) if words else []


async def claim_courses_for_inference(conn: asyncpg.Connection, provider_id: UUID | None,
                                      limit: int) -> list[UUID]:
    rows = await conn.fetch(*Q.claim_courses_for_inference(provider_id=provider_id, limit=limit))
    return [r["id"] for r in rows]


async def still_pending_inference(conn: asyncpg.Connection,
                                  course_ids: list[UUID]) -> list[asyncpg.Record]:
    return await conn.fetch(*Q.still_pending_inference(course_ids=course_ids))


async def mark_skills_inferred(conn: asyncpg.Connection, rows: list[asyncpg.Record]) -> None:
    await conn.execute(*Q.mark_skills_inferred(course_ids=[r["id"] for r in rows],
                                               content_hashes=[r["content_hash"] for r in rows]))


async def forget_skill_inferences(conn: asyncpg.Connection, provider_id: UUID | None) -> None:
    await conn.execute(*Q.forget_skill_inferences(provider_id=provider_id))


async def insert_sync(conn: asyncpg.Connection, *, provider_id: UUID, ukprn: str,
                      feed_id: UUID | None, mode: str, fmt: str, status: str, error: str | None,
                      counts: dict[str, int], rejected: list[RejectedRecord],
                      warnings: list[str], actor: Actor,
                      started_at: datetime) -> SyncReport:
    """A sync that ended before any import began (a body that could not be read)."""
    row = await conn.fetchrow(*Q.insert_sync(
        provider_id=provider_id, feed_id=feed_id, mode=mode, format=fmt, status=status,
        error=error, **counts, rejected=len(rejected), rejected_records=rejected,
        warnings=warnings, actor_role=actor.role, actor_name=actor.name, started_at=started_at))
    return _report(row["id"], row["finished_at"], ukprn=ukprn, feed_id=feed_id, mode=mode,
                   fmt=fmt, status=status, error=error, counts=counts, rejected=rejected,
                   warnings=warnings, actor=actor, started_at=started_at)


async def begin_sync(conn: asyncpg.Connection, *, provider_id: UUID, feed_id: UUID | None,
                     mode: str, fmt: str, actor: Actor, started_at: datetime,
                     lease_seconds: float) -> UUID:
    return await conn.fetchval(*Q.begin_sync(
        provider_id=provider_id, feed_id=feed_id, mode=mode, format=fmt, actor_role=actor.role,
        actor_name=actor.name, started_at=started_at, lease_seconds=lease_seconds))


async def finish_sync(conn: asyncpg.Connection, sync_id: UUID, *, ukprn: str,
                      feed_id: UUID | None, mode: str, fmt: str, status: str, error: str | None,
                      counts: dict[str, int], rejected: list[RejectedRecord],
                      warnings: list[str], actor: Actor, started_at: datetime) -> SyncReport:
    finished_at = await conn.fetchval(*Q.finish_sync(
        sync_id=sync_id, status=status, error=error, **counts, rejected=len(rejected),
        rejected_records=rejected, warnings=warnings))
    if finished_at is None:
        raise LookupError(f"sync {sync_id} is no longer running")
    return _report(sync_id, finished_at, ukprn=ukprn, feed_id=feed_id, mode=mode, fmt=fmt,
                   status=status, error=error, counts=counts, rejected=rejected,
                   warnings=warnings, actor=actor, started_at=started_at)


def _report(sync_id: UUID, finished_at: datetime, *, ukprn: str, feed_id: UUID | None,
            mode: str, fmt: str, status: str, error: str | None, counts: dict[str, int],
            rejected: list[RejectedRecord], warnings: list[str], actor: Actor,
            started_at: datetime) -> SyncReport:
    return SyncReport(
        id=sync_id, ukprn=ukprn, mode=mode, format=fmt, status=status, error=error, **counts,
        rejected=len(rejected), rejected_records=rejected, warnings=warnings, feed_id=feed_id,
        actor_role=actor.role, actor_name=actor.name, started_at=started_at,
        finished_at=finished_at, lease_until=None)


async def renew_sync_lease(conn: asyncpg.Connection, sync_id: UUID,
                           lease_seconds: float) -> asyncpg.Record | None:
    """The new `lease_until` and the status the row `was` (`abandoned`: taken back); none when
    the row is finished or being finished."""
    return await conn.fetchrow(*Q.renew_sync_lease(sync_id=sync_id,
                                                   lease_seconds=lease_seconds))


async def fail_running_sync(conn: asyncpg.Connection, sync_id: UUID, error: str) -> None:
    await conn.execute(*Q.fail_running_sync(sync_id=sync_id, error=error))


async def abandon_expired_syncs(conn: asyncpg.Connection, error: str) -> int:
    return len(await conn.fetch(*Q.abandon_expired_syncs(abandoned_error=error)))


async def list_syncs(conn: asyncpg.Connection, provider_id: UUID,
                     after: tuple[datetime | None, UUID | None], limit: int,
                     abandoned_error: str) -> list[SyncReport]:
    rows = await conn.fetch(*Q.list_syncs(provider_id=provider_id, after_started_at=after[0],
                                          after_id=after[1], limit=limit,
                                          abandoned_error=abandoned_error))
    return [_sync(r) for r in rows]


def _sync(row: asyncpg.Record) -> SyncReport:
    fields = dict(row)
    fields["rejected_records"] = [RejectedRecord(**r) for r in fields["rejected_records"]]
    return SyncReport(**fields)


async def insert_feed(conn: asyncpg.Connection, provider_id: UUID, url: str,
                      interval_minutes: int) -> UUID:
    return await conn.fetchval(*Q.insert_feed(provider_id=provider_id, url=url,
                                              interval_minutes=interval_minutes))


async def get_feed(conn: asyncpg.Connection, feed_id: UUID) -> asyncpg.Record | None:
    return await conn.fetchrow(*Q.get_feed(feed_id=feed_id))


def feed_from_row(row: asyncpg.Record) -> Feed:
    fields = dict(row)
    del fields["provider_id"]
    return Feed(**fields)


async def list_feeds(conn: asyncpg.Connection, provider_id: UUID,
                     after: tuple[datetime | None, UUID | None], limit: int) -> list[Feed]:
    rows = await conn.fetch(*Q.list_feeds(provider_id=provider_id, after_created_at=after[0],
                                          after_id=after[1], limit=limit))
    return [feed_from_row(r) for r in rows]


async def claim_due_feeds(conn: asyncpg.Connection, limit: int,
                          lease_seconds: float) -> list[UUID]:
    rows = await conn.fetch(*Q.claim_due_feeds(limit=limit, lease_seconds=lease_seconds))
    return [r["id"] for r in rows]


async def claim_feed(conn: asyncpg.Connection, feed_id: UUID, lease_seconds: float) -> bool:
    claimed = await conn.fetchval(*Q.claim_feed(feed_id=feed_id, lease_seconds=lease_seconds))
    return claimed is not None


async def finish_pull(conn: asyncpg.Connection, feed_id: UUID, outcome: str, error: str | None,
                      etag: str | None, last_modified: str | None) -> None:
    await conn.execute(*Q.finish_pull(feed_id=feed_id, outcome=outcome, error=error, etag=etag,
                                      last_modified=last_modified))


async def defer_pull(conn: asyncpg.Connection, feed_id: UUID, seconds: float) -> None:
    await conn.execute(*Q.defer_pull(feed_id=feed_id, seconds=seconds))


async def get_course(conn: asyncpg.Connection, course_id: UUID) -> Course | None:
    row = await conn.fetchrow(*Q.get_course(course_id=course_id))
    if row is None:
        return None
    presentations = [Presentation(**dict(r))
                     for r in await conn.fetch(*Q.course_presentations(course_id=course_id))]
    return Course(**dict(row), presentations=presentations, skills=[])


async def course_skills(conn: asyncpg.Connection, course_id: UUID) -> list[dict[str, Any]]:
    return [dict(r) for r in await conn.fetch(*Q.course_skills(course_id=course_id))]


def course_skill(fields: dict[str, Any], why: str) -> CourseSkill:
    return CourseSkill(**fields, why=why)


async def skill_id_for(conn: asyncpg.Connection, uri: str | None,
                       skill_id: UUID | None) -> UUID | None:
    return await conn.fetchval(*Q.skill_by_uri_or_id(uri=uri, skill_id=skill_id))


async def search_courses(conn: asyncpg.Connection, *, q: str | None, level: str | None,
                         band: str | None, provider_id: UUID | None, skill_id: UUID | None,
                         attendance: str | None, delivery: str | None, max_cost: int | None,
                         starting_after: date | None,
                         after: tuple[float, date | None, UUID] | None,
                         limit: int) -> list[CourseSummary]:
    """Heading matches (ranked) first, then description-only matches (rank 0) by start date,
    in one statement (`search_page`: migration 0041's function, which runs a query without
    filters under a generic plan and sends every other call to 0028's, planned with its own
    values), one round trip in or out of the caller's transaction."""
    presentation_filters = sum(v is not None for v in (attendance, delivery, max_cost,
                                                       starting_after))
    filters = {"level": level, "band": band, "provider_id": provider_id, "skill_id": skill_id,
               "attendance": attendance, "delivery": delivery, "max_cost": max_cost,
               "starting_after": starting_after,
               "presentations_together": presentation_filters > 1}
    rows = await conn.fetch(*Q.search_page(q=q, **filters, **_cursor(after), limit=limit))
    return rows_as(CourseSummary, rows)


def _cursor(after: tuple[float, date | None, UUID] | None) -> dict[str, Any]:
    rank, starts_on, last_id = after or (None, None, None)
    return {"after_rank": rank, "after_starts_on": starts_on, "after_id": last_id}

