"""Catalogue syncs, shared by the API, pulled feeds, the demo and the command line.

A sync validates every record, then applies the valid ones in one transaction: records whose
content hash is unchanged are not touched at all; courses missing from a full sync are withdrawn
(kept, and restored if they come back). Every sync, applied or failed, leaves a report. Skills
the college did not give are inferred afterwards, by `infer_pending_skills`.
"""

import asyncio
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import asyncpg
import msgspec

from service.actor import Actor
from service.auth.logic import Principal
from service.bodies import refuse_repeated_keys
from service.courses import inference, store
from service.courses.logic import band_for_level, content_hash, validate_catalogue
from service.courses.schemas import CatalogueIn, CourseIn, RejectedRecord, SyncReport
from service.errors import DomainError, Invalid, NotFound
from service.reference.service import reference_version

log = logging.getLogger("ladder")

MAX_WARNINGS = 500
INFERENCE_BATCH = 2000
SYSTEM_ACTOR = Actor.system("ladder scheduler")


@dataclass(frozen=True)
class ProviderRef:
    id: UUID
    ukprn: str
    name: str


async def provider_for(conn: asyncpg.Connection, principal: Principal,
                       ukprn: str) -> ProviderRef:
    """The provider's catalogue, syncs and feeds are the admin's and that college's alone."""
    row = await store.provider_by_ukprn(conn, ukprn)
    if row is None:
        raise NotFound(f"no provider with UKPRN {ukprn}")
    principal.require_provider(row["id"])
    return ProviderRef(row["id"], row["ukprn"], row["name"])


async def record_failed_sync(conn: asyncpg.Connection, provider: ProviderRef, *, mode: str,
                             fmt: str, error: str, actor: Actor,
                             feed_id: UUID | None = None,
                             warnings: list[str] | None = None) -> SyncReport:
    counts = dict.fromkeys(("received", "created", "updated", "unchanged", "restored",
                            "withdrawn"), 0)
    return await store.insert_sync(
        conn, provider_id=provider.id, ukprn=provider.ukprn, feed_id=feed_id, mode=mode,
        fmt=fmt, status="failed", error=error, counts=counts, rejected=[],
        warnings=_capped(warnings or []), actor=actor, started_at=datetime.now(UTC))


async def apply_sync(conn: asyncpg.Connection, provider: ProviderRef, catalogue: CatalogueIn, *,
                     mode: str, fmt: str, actor: Actor, warnings: list[str] | None = None,
                     feed_id: UUID | None = None) -> SyncReport:
    """Apply the valid records in one transaction. Should PostgreSQL still refuse a value that
    validation let through (a size limit, an encoding), nothing is applied and the sync is
    stored as failed with PostgreSQL's reason, instead of being lost with a 500."""
    started_at = datetime.now(UTC)
    warnings = list(warnings or [])
    # Validating and hashing 50,000 courses takes seconds: not on the event loop.
    valid, rejected, digests = await asyncio.to_thread(_validate_and_hash, catalogue)
    try:
        return await _apply(conn, provider, catalogue, valid, rejected, digests, mode=mode,
                            fmt=fmt, actor=actor, warnings=warnings, feed_id=feed_id,
                            started_at=started_at)
    except (asyncpg.DataError, asyncpg.ProgramLimitExceededError) as error:
        log.warning("sync for UKPRN %s not stored: %s", provider.ukprn, error)
        return await record_failed_sync(
            conn, provider, mode=mode, fmt=fmt, actor=actor, feed_id=feed_id,
            warnings=warnings, error=f"the catalogue could not be stored: {error}")


async def _apply(conn: asyncpg.Connection, provider: ProviderRef, catalogue: CatalogueIn,
                 valid: list[CourseIn], rejected: list[RejectedRecord], digests: list[str], *,
                 mode: str, fmt: str, actor: Actor, warnings: list[str],
                 feed_id: UUID | None, started_at: datetime) -> SyncReport:
    async with conn.transaction():
        await store.lock_provider_catalogue(conn, provider.id)
        plan = _plan(valid, digests, await store.existing_courses(conn, provider.id))
        ids = await store.upsert_courses(conn, provider.id, [_course_row(c, h)
                                                             for c, h in plan.changed])
        changed_ids = [ids[c.ref] for c, _ in plan.changed]
        await store.replace_presentations(conn, changed_ids, [
            _presentation_row(ids[c.ref], p) for c, _ in plan.changed for p in c.presentations])
        await store.restore_courses(conn, plan.restored)
        withdrawn = 0
        if mode == "full":
            kept = [c.ref for c in valid] + [r.ref for r in rejected if r.ref]
            withdrawn = await store.withdraw_missing_courses(conn, provider.id, kept)
        warnings += await _update_college_skills(
            conn, [(ids[c.ref], c) for c, _ in plan.changed])
        counts = {"received": len(catalogue.courses), "created": plan.created,
                  "updated": len(plan.changed) - plan.created, "unchanged": plan.unchanged,
                  "restored": len(plan.restored), "withdrawn": withdrawn}
        return await store.insert_sync(
            conn, provider_id=provider.id, ukprn=provider.ukprn, feed_id=feed_id, mode=mode,
            fmt=fmt, status="applied", error=None, counts=counts, rejected=rejected,
            warnings=_capped(warnings), actor=actor, started_at=started_at)


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
        "venue_postcode": p.venue_postcode, "apply_url": p.apply_url,
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


class _LexiconCache:
    """ESCO labels by stem, rebuilt after a reference load that changed something."""

    def __init__(self) -> None:
        self.version: int | None = -1
        self.lexicon = inference.Lexicon()
        self.stems: dict[str, str | None] = {}


_cache = _LexiconCache()
_MAX_CACHED_STEMS = 500_000

Texts = tuple[Any, str, list[str], str]  # (key, title, subjects, description)


async def _stems_for(conn: asyncpg.Connection, words: set[str]) -> dict[str, str | None]:
    """The stems of these words (a snapshot, safe to read from another thread)."""
    missing = [w for w in words if w not in _cache.stems]
    if len(_cache.stems) + len(missing) > _MAX_CACHED_STEMS:
        _cache.stems.clear()
        _cache.version = -1
        missing = list(words)
    for row in await store.lexemes(conn, missing):
        _cache.stems[row["word"]] = inference.first_lexeme(row["lexemes"])
    return {w: _cache.stems.get(w) for w in words}


async def _lexicon(conn: asyncpg.Connection) -> inference.Lexicon:
    version = await reference_version(conn)
    if version != _cache.version:
        labels = [inference.Label(r["skill_id"], r["label"], r["preferred"])
                  for r in await store.skill_labels(conn)]
        words = {w.lower() for label in labels for w in inference.words(label.text)}
        stems = await _stems_for(conn, words)
        _cache.lexicon = inference.build_lexicon(labels, stems)
        _cache.version = version
    return _cache.lexicon


def _match_all(lexicon: inference.Lexicon, stems: dict[str, str | None],
               texts: list[Texts]) -> list[tuple[Any, inference.Inferred]]:
    return [(key, found) for key, title, subjects, description in texts
            for found in inference.infer_skills(lexicon, stems, title, subjects, description)]


async def _infer(conn: asyncpg.Connection,
                 texts: list[Texts]) -> list[tuple[Any, inference.Inferred]]:
    """Stems come from PostgreSQL; the pure-Python matching runs off the event loop."""
    lexicon = await _lexicon(conn)
    words = {w.lower() for _, title, subjects, description in texts
             for text in (title, description, *subjects) for w in inference.words(text)}
    stems = await _stems_for(conn, words)
    return await asyncio.to_thread(_match_all, lexicon, stems, texts)


async def infer_pending_skills(conn: asyncpg.Connection, provider_id: UUID | None = None,
                               batch: int = INFERENCE_BATCH,
                               progress: Callable[[str], None] | None = None) -> int:
    """Infer the skills of courses whose text changed since it was last done, a batch per
    transaction; returns the links made. Courses are claimed with SKIP LOCKED, so instances
    share the work, and a crash loses at most one batch. With no ESCO skills loaded nothing is
    claimed: the courses wait for the reference data."""
    if not (await _lexicon(conn)).size:
        return 0
    links = courses = 0
    while True:
        async with conn.transaction():
            claimed = await store.claim_courses_for_inference(conn, provider_id, batch)
            if not claimed:
                return links
            rows = await store.still_pending_inference(conn, claimed)
            found = await _infer(conn, [(r["id"], r["title"], r["subjects"], r["description"])
                                        for r in rows])
            await store.clear_course_skills(conn, [r["id"] for r in rows])
            await store.copy_inferred_skills(conn, found)
            await store.mark_skills_inferred(conn, rows)
        links, courses = links + len(found), courses + len(rows)
        if progress:
            progress(f"skills inferred for {courses} courses ({links} links)")


async def infer_after_sync(pool: asyncpg.Pool, provider_id: UUID) -> None:
    """Run after a sync's response is sent; if it fails, the scheduler catches up later."""
    try:
        async with pool.acquire() as conn:
            await infer_pending_skills(conn, provider_id)
    except Exception:  # noqa: BLE001 - nothing is lost: the courses stay pending
        log.exception("skill inference after a sync failed; the scheduler will retry")


async def reinfer_skills(conn: asyncpg.Connection, provider_id: UUID | None = None,
                         progress: Callable[[str], None] | None = None) -> int:
    """Infer again for every current course without college-given skills (after an ESCO load)."""
    await store.forget_skill_inferences(conn, provider_id)
    return await infer_pending_skills(conn, provider_id, progress=progress)


# --- reading a body -----------------------------------------------------------------------------

_MSGSPEC_PATH = re.compile(r" - at `\$(?P<path>[^`]*)`")


class CatalogueBodyError(ValueError):
    """The body is not a catalogue at all: `field` says where, `malformed` if not even JSON."""

    def __init__(self, message: str, field: str, malformed: bool) -> None:
        super().__init__(message)
        self.field = field
        self.malformed = malformed


def decode_catalogue_json(body: bytes) -> CatalogueIn:
    """Strictly, as request bodies are (`service.bodies`): a key repeated in one object is
    refused rather than the last one silently winning."""
    try:
        catalogue = msgspec.json.decode(body, type=CatalogueIn)
        refuse_repeated_keys(body)
        return catalogue
    except DomainError as error:
        raise CatalogueBodyError(error.detail, error.errors[0].field, malformed=True) from None
    except RecursionError:
        raise CatalogueBodyError("the JSON is nested too deeply to read", "body",
                                 malformed=True) from None
    except msgspec.ValidationError as error:
        message = str(error)
        match = _MSGSPEC_PATH.search(message)
        field = match["path"].removeprefix(".") if match and match["path"] else "body"
        raise CatalogueBodyError(message, field or "body", malformed=False) from None
    except msgspec.DecodeError as error:
        raise CatalogueBodyError(f"the body is not JSON: {error}", "body", malformed=True) from None


def check_feed_provider(provider: ProviderRef, feed_ukprn: str | None) -> None:
    """An XCRI-CAP feed naming another college's UKPRN is not this college's catalogue."""
    if feed_ukprn is not None and feed_ukprn != provider.ukprn:
        raise Invalid.on_field("provider.ukprn", f"the feed is for UKPRN {feed_ukprn}, not "
                               f"{provider.ukprn}")
