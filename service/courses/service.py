"""Catalogue syncs, shared by the API, pulled feeds, the demo and the command line, and reading
the catalogue back (search, a course with its skills).

A body is read by `read_catalogue`, or refused and stored as a failed sync. A sync validates
every record, then applies the valid ones in one transaction: records whose content hash is
unchanged are not touched at all; courses missing from a full sync are withdrawn (kept, and
restored if they come back). Every sync, applied or failed, leaves a report. Skills the college
did not give are inferred afterwards (`inference_job`).
"""

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import partial
from typing import Any
from uuid import UUID

import asyncpg

from service.actor import Actor
from service.auth.logic import Principal
from service.courses import catalogue_body, store, syncs
from service.courses.inference import explain
from service.courses.logic import (
    band_for_level,
    band_for_search,
    check_feed_url,
    content_hash,
    validate_catalogue,
)
from service.courses.schemas import (
    Band,
    CatalogueIn,
    Course,
    CourseIn,
    CoursePage,
    Feed,
    FeedIn,
    FeedPage,
    RejectedRecord,
    SyncPage,
    SyncReport,
)
from service.errors import DomainError, FieldError, NotFound
from service.pagination import decode_cursor, page, time_id_cursor
from service.people import service as people

log = logging.getLogger("ladder")

MAX_WARNINGS = 500
Leases = syncs.Leases  # for other domains: how a sync holds its running row
SYSTEM_ACTOR = Actor.system("ladder scheduler")


@dataclass(frozen=True)
class ProviderRef:
    id: UUID
    ukprn: str
    name: str


async def provider_for(conn: asyncpg.Connection, principal: Principal,
                       ukprn: str) -> ProviderRef:
    """The provider's catalogue, syncs and feeds are the admin's and that college's alone."""
    found = await people.provider_by_ukprn(conn, ukprn)
    if found is None:
        raise NotFound(f"no provider with UKPRN {ukprn}")
    principal.require_provider(found.id)
    return ProviderRef(found.id, found.ukprn, found.name)


class SyncRefused(DomainError):
    """A catalogue refused and stored as the failed sync `report`: answered as its cause is, with
    the stored sync named, so the college can find the report."""

    def __init__(self, cause: DomainError, report: SyncReport) -> None:
        detail = f"{cause.detail} (stored as failed sync {report.id})"
        super().__init__(detail, [FieldError(cause.errors[0].field if cause.errors else "body",
                                             detail)])
        self.status, self.title, self.slug = cause.status, cause.title, cause.slug
        self.report = report


class CatalogueNotStored(DomainError):
    """PostgreSQL refused a value that validation let through; see `apply_sync`."""

    status, title, slug = 422, "Catalogue not stored", "catalogue-not-stored"


async def read_catalogue(conn: asyncpg.Connection, provider: ProviderRef, body: bytes, *,
                         fmt: str, mode: str, actor: Actor,
                         feed_id: UUID | None = None) -> tuple[CatalogueIn, list[str]]:
    """The catalogue in `body` ("json" or "xcri") and its warnings, read off the event loop. A
    body that cannot be read is stored as a failed sync and raised as SyncRefused: the API, a
    pulled feed and `ladder catalogue import` all read here, so they refuse the same bodies and
    store the same report."""
    try:
        return await asyncio.to_thread(catalogue_body.read_body, body, fmt, provider.ukprn)
    except DomainError as cause:
        report = await record_failed_sync(conn, provider, mode=mode, fmt=fmt, error=cause.detail,
                                          actor=actor, feed_id=feed_id)
        raise SyncRefused(cause, report) from None


async def record_failed_sync(conn: asyncpg.Connection, provider: ProviderRef, *, mode: str,
                             fmt: str, error: str, actor: Actor,
                             feed_id: UUID | None = None,
                             warnings: list[str] | None = None) -> SyncReport:
    return await store.insert_sync(
        conn, provider_id=provider.id, ukprn=provider.ukprn, feed_id=feed_id, mode=mode,
        fmt=fmt, status="failed", error=error, counts=_no_counts(), rejected=[],
        warnings=_capped(warnings or []), actor=actor, started_at=datetime.now(UTC))


async def apply_sync(conn: asyncpg.Connection, provider: ProviderRef, catalogue: CatalogueIn, *,
                     mode: str, fmt: str, actor: Actor, warnings: list[str] | None = None,
                     feed_id: UUID | None = None,
                     leases: syncs.Leases = syncs.Leases()) -> SyncReport:
    """Apply the valid records in one transaction, after the sync's running row is written
    (`syncs.running`: with a pool in `leases`, committed on its own first). Should PostgreSQL
    still refuse a value that validation let through (a size limit, an encoding), nothing is
    applied and the sync is finished as failed with PostgreSQL's reason, instead of being lost
    with a 500."""
    started_at = datetime.now(UTC)
    warnings = list(warnings or [])
    async with syncs.running(conn, leases, provider_id=provider.id, feed_id=feed_id, mode=mode,
                             fmt=fmt, actor=actor, started_at=started_at) as sync_id:
        done = partial(store.finish_sync, conn, sync_id, ukprn=provider.ukprn, feed_id=feed_id,
                       mode=mode, fmt=fmt, actor=actor, started_at=started_at)
        # Validating and hashing 50,000 courses takes seconds: not on the event loop.
        valid, rejected, digests = await asyncio.to_thread(_validate_and_hash, catalogue)
        try:
            return await _apply(conn, done, catalogue, valid, rejected, digests, mode=mode,
                                warnings=warnings, provider_id=provider.id)
        except (asyncpg.DataError, asyncpg.ProgramLimitExceededError) as error:
            log.warning("sync for UKPRN %s not stored: %s", provider.ukprn, error)
            return await done(status="failed", counts=_no_counts(), rejected=[],
                              warnings=_capped(warnings),
                              error=f"the catalogue could not be stored: {error}")


def _no_counts() -> dict[str, int]:
    return dict.fromkeys(("received", "created", "updated", "unchanged", "restored",
                          "withdrawn"), 0)


async def sync_catalogue(conn: asyncpg.Connection, provider: ProviderRef, body: bytes, *,
                         fmt: str, mode: str, actor: Actor,
                         leases: syncs.Leases = syncs.Leases()) -> SyncReport:
    """Read and apply an uploaded catalogue (the API's PUT and the web's upload). A body that
    cannot be read, or a catalogue that cannot be stored, is stored as a failed sync and raised
    as SyncRefused: the caller answers it rather than raising on, so that the failed sync is
    committed."""
    catalogue, warnings = await read_catalogue(conn, provider, body, fmt=fmt, mode=mode,
                                               actor=actor)
    report = await apply_sync(conn, provider, catalogue, mode=mode, fmt=fmt, actor=actor,
                              warnings=warnings, leases=leases)
    if report.status == "failed":
        raise SyncRefused(CatalogueNotStored(report.error or ""), report)
    return report


async def _apply(conn: asyncpg.Connection, done: Callable[..., Awaitable[SyncReport]],
                 catalogue: CatalogueIn, valid: list[CourseIn], rejected: list[RejectedRecord],
                 digests: list[str], *, mode: str, warnings: list[str],
                 provider_id: UUID) -> SyncReport:
    async with conn.transaction():
        await store.lock_provider_catalogue(conn, provider_id)
        plan = _plan(valid, digests, await store.existing_courses(conn, provider_id))
        ids = await store.upsert_courses(conn, provider_id, [_course_row(c, h)
                                                             for c, h in plan.changed])
        changed_ids = [ids[c.ref] for c, _ in plan.changed]
        await store.replace_presentations(conn, changed_ids, [
            _presentation_row(ids[c.ref], p) for c, _ in plan.changed for p in c.presentations])
        await store.restore_courses(conn, plan.restored)
        withdrawn = 0
        if mode == "full":
            kept = [c.ref for c in valid] + [r.ref for r in rejected if r.ref]
            withdrawn = await store.withdraw_missing_courses(conn, provider_id, kept)
        warnings += await _update_college_skills(
            conn, [(ids[c.ref], c) for c, _ in plan.changed])
        counts = {"received": len(catalogue.courses), "created": plan.created,
                  "updated": len(plan.changed) - plan.created, "unchanged": plan.unchanged,
                  "restored": len(plan.restored), "withdrawn": withdrawn}
        return await done(status="applied", error=None, counts=counts, rejected=rejected,
                          warnings=_capped(warnings))


@dataclass
class _Plan:
    changed: list[tuple[CourseIn, str]]
    restored: list[UUID]
    created: int
    unchanged: int


def _validate_and_hash(
    catalogue: CatalogueIn,
) -> tuple[list[CourseIn], list[RejectedRecord], list[str]]:
    valid, rejected = validate_catalogue(catalogue)
    return valid, rejected, [content_hash(course) for course in valid]


def _plan(valid: list[CourseIn], digests: list[str], existing: list[asyncpg.Record]) -> _Plan:
    """Which records to write: new or changed ones; identical withdrawn ones only come back."""
    known = {r["ref"]: r for r in existing}
    plan = _Plan([], [], 0, 0)
    for course, digest in zip(valid, digests, strict=True):
        row = known.get(course.ref)
        if row is None:
            plan.created += 1
            plan.changed.append((course, digest))
        elif row["content_hash"] != digest:
            plan.changed.append((course, digest))
        elif row["withdrawn"]:
            plan.restored.append(row["id"])
        else:
            plan.unchanged += 1
    return plan


def _course_row(course: CourseIn, digest: str) -> dict[str, Any]:
    starts = [p.starts_on for p in course.presentations if p.starts_on is not None]
    costs = [p.cost_pence for p in course.presentations if p.cost_pence is not None]
    return {
        "first_starts_on": min(starts, default=None), "last_starts_on": max(starts, default=None),
        "lowest_cost_pence": min(costs, default=None),
        "presentation_count": len(course.presentations),
        "attendance_patterns": sorted({p.attendance_pattern for p in course.presentations
                                       if p.attendance_pattern is not None}),
        "deliveries": sorted({p.delivery for p in course.presentations
                              if p.delivery is not None}),
        "ref": course.ref, "title": course.title, "description": course.description,
        "subjects": course.subjects, "rqf_level": course.rqf_level,
        "band": band_for_level(course.rqf_level), "qualification": course.qualification,
        "learning_outcomes": course.learning_outcomes, "url": course.url,
        "skill_uris": course.skill_uris, "content_hash": digest,
    }


def _presentation_row(course_id: UUID, p: Any) -> dict[str, Any]:
    return {
        "course_id": course_id, "ref": p.ref, "starts_on": p.starts_on, "ends_on": p.ends_on,
        "study_mode": p.study_mode, "attendance_pattern": p.attendance_pattern,
        "delivery": p.delivery, "cost_pence": p.cost_pence, "places": p.places,
        "min_places": p.min_places, "venue_postcode": p.venue_postcode, "apply_url": p.apply_url,
    }


def _capped(warnings: list[str]) -> list[str]:
    if len(warnings) <= MAX_WARNINGS:
        return warnings
    return [*warnings[:MAX_WARNINGS], f"... and {len(warnings) - MAX_WARNINGS} more warnings"]


# --- skills taught ------------------------------------------------------------------------------


async def _update_college_skills(conn: asyncpg.Connection,
                                 courses: list[tuple[UUID, CourseIn]]) -> list[str]:
    """The changed courses' college-given ESCO skills; the others' skills are inferred after
    the sync (`infer_pending_skills`). Returns warnings about URIs that are not in ESCO."""
    if not courses:
        return []
    await store.clear_course_skills(conn, [course_id for course_id, _ in courses])
    given = [(course_id, uri) for course_id, c in courses for uri in c.skill_uris]
    known = await store.known_skill_uris(conn, sorted({uri for _, uri in given}))
    await store.insert_college_skills(conn, [(cid, uri) for cid, uri in given if uri in known])
    return [f"course {c.ref!r}: skill {uri} is not an ESCO skill known to Ladder; ignored"
            for _, c in courses for uri in c.skill_uris if uri not in known]


# --- reading the catalogue ----------------------------------------------------------------------


async def search_courses(conn: asyncpg.Connection, *, q: str | None, level: str | None,
                         band: Band | None, attendance: str | None, delivery: str | None,
                         max_cost: int | None, skill: str | None, starting_after: date | None,
                         provider: str | None, cursor: str | None, limit: int) -> CoursePage:
    """A page of the current courses matching every filter given, best match first."""
    after = decode_cursor(cursor, float, date | None, UUID)
    band, possible = band_for_search(level, band)
    if not possible:
        return CoursePage([], None)
    rows = await store.search_courses(
        conn, q=q.strip() if q and q.strip() else None, level=level, band=band,
        provider_id=await _provider_filter(conn, provider),
        skill_id=await _skill_filter(conn, skill), attendance=attendance, delivery=delivery,
        max_cost=max_cost, starting_after=starting_after, after=after, limit=limit + 1)
    return CoursePage(*page(rows, limit, lambda c: (c.rank, c.first_starts_on, c.id)))


async def list_syncs(conn: asyncpg.Connection, principal: Principal, ukprn: str,
                     cursor: str | None, limit: int) -> SyncPage:
    provider = await provider_for(conn, principal, ukprn)
    rows = await store.list_syncs(conn, provider.id, time_id_cursor(cursor), limit + 1,
                                  syncs.ABANDONED)
    return SyncPage(*page(rows, limit, lambda s: (s.started_at, s.id)))


async def add_feed(conn: asyncpg.Connection, principal: Principal, ukprn: str,
                   data: FeedIn) -> Feed:
    provider = await provider_for(conn, principal, ukprn)
    check_feed_url(data.url)
    feed_id = await store.insert_feed(conn, provider.id, data.url, data.interval_minutes)
    return store.feed_from_row(await store.get_feed(conn, feed_id))


async def check_feed(conn: asyncpg.Connection, principal: Principal, ukprn: str,
                     feed_id: UUID) -> None:
    """404 unless the feed is one of the college's (which the caller may manage)."""
    provider = await provider_for(conn, principal, ukprn)
    feed = await store.get_feed(conn, feed_id)
    if feed is None or feed["provider_id"] != provider.id:
        raise NotFound(f"no feed {feed_id} for UKPRN {ukprn}")


async def list_feeds(conn: asyncpg.Connection, principal: Principal, ukprn: str,
                     cursor: str | None, limit: int) -> FeedPage:
    provider = await provider_for(conn, principal, ukprn)
    rows = await store.list_feeds(conn, provider.id, time_id_cursor(cursor), limit + 1)
    return FeedPage(*page(rows, limit, lambda f: (f.created_at, f.id)))


async def _provider_filter(conn: asyncpg.Connection, ukprn: str | None) -> UUID | None:
    if ukprn is None:
        return None
    found = await people.provider_by_ukprn(conn, ukprn)
    return found.id if found else UUID(int=0)


async def _skill_filter(conn: asyncpg.Connection, skill: str | None) -> UUID | None:
    """An unknown skill matches no course; a nil UUID keeps the query's shape."""
    if skill is None:
        return None
    try:
        as_id = UUID(skill)
    except ValueError:
        as_id = None
    found = await store.skill_id_for(conn, skill, as_id)
    return found or UUID(int=0)


async def course_detail(conn: asyncpg.Connection, course_id: UUID) -> Course:
    """A course with its presentations and the skills it teaches, each saying why."""
    course = await store.get_course(conn, course_id)
    if course is None:
        raise NotFound(f"no course with id {course_id}")
    course.skills = [
        store.course_skill(s, explain(s["source"], s["confidence"], s["matched_label"],
                                      s["matched_words"], s["matched_in"]))
        for s in await store.course_skills(conn, course_id)
    ]
    return course
