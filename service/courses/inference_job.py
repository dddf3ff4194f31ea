"""The skill-inference job: after a sync, and in every scheduler round, courses whose text changed
are claimed in batches and matched against the ESCO lexicon (`inference`).

The lexicon is built from every ESCO label, so it is cached: one `LexiconCache` per app
(`app.state.lexicons`) or per `ladder worker`, never shared between databases, and rebuilt only
when the reference-load version (`reference.service.reference_version`) moves on.
"""

import asyncio
import logging
from collections.abc import Callable
from typing import Any
from uuid import UUID

import asyncpg

from service.courses import inference, store
from service.reference.service import reference_version

log = logging.getLogger("ladder")

INFERENCE_BATCH = 2000
MAX_CACHED_STEMS = 500_000

Texts = tuple[Any, str, list[str], str]  # (key, title, subjects, description)


class LexiconCache:
    """ESCO labels in a lexicon for one reference-load version, and the stems of words seen.

    Safe for concurrent jobs: the lexicon is built under a lock (once per version, however many
    jobs ask), and what a coroutine reads is never cleared under it across an await (the stems
    are replaced, not emptied, when they grow too many)."""

    def __init__(self) -> None:
        self._built: tuple[int, inference.Lexicon] | None = None
        self._stems: dict[str, str | None] = {}
        self._lock = asyncio.Lock()

    async def lexicon(self, conn: asyncpg.Connection) -> inference.Lexicon:
        version = await reference_version(conn)
        if self._built is not None and self._built[0] == version:
            return self._built[1]
        async with self._lock:
            if self._built is None or self._built[0] != version:
                labels = [inference.Label(r["skill_id"], r["label"], r["preferred"])
                          for r in await store.skill_labels(conn)]
                words = {w.lower() for label in labels for w in inference.words(label.text)}
                stems = await self.stems(conn, words)
                self._built = (version, inference.build_lexicon(labels, stems))
            return self._built[1]

    async def stems(self, conn: asyncpg.Connection, words: set[str]) -> dict[str, str | None]:
        """The stems of these words (a snapshot, safe to read from another thread)."""
        known = self._stems
        found = {row["word"]: inference.first_lexeme(row["lexemes"])
                 for row in await store.lexemes(conn, [w for w in words if w not in known])}
        if len(self._stems) + len(found) > MAX_CACHED_STEMS:
            self._stems = {}
        self._stems.update(found)
        return {w: found[w] if w in found else known.get(w) for w in words}


def _match_all(lexicon: inference.Lexicon, stems: dict[str, str | None],
               texts: list[Texts]) -> list[tuple[Any, inference.Inferred]]:
    return [(key, found) for key, title, subjects, description in texts
            for found in inference.infer_skills(lexicon, stems, title, subjects, description)]


async def _infer(conn: asyncpg.Connection, lexicons: LexiconCache,
                 texts: list[Texts]) -> list[tuple[Any, inference.Inferred]]:
    """Stems come from PostgreSQL; the pure-Python matching runs off the event loop."""
    lexicon = await lexicons.lexicon(conn)
    words = {w.lower() for _, title, subjects, description in texts
             for text in (title, description, *subjects) for w in inference.words(text)}
    stems = await lexicons.stems(conn, words)
    return await asyncio.to_thread(_match_all, lexicon, stems, texts)


async def infer_pending_skills(conn: asyncpg.Connection, lexicons: LexiconCache,
                               provider_id: UUID | None = None, batch: int = INFERENCE_BATCH,
                               progress: Callable[[str], None] | None = None) -> int:
    """Infer the skills of courses whose text changed since it was last done, a batch per
    transaction; returns the links made. Courses are claimed with SKIP LOCKED, so instances
    share the work, and a crash loses at most one batch. With no ESCO skills loaded nothing is
    claimed: the courses wait for the reference data."""
    if not (await lexicons.lexicon(conn)).size:
        return 0
    links = courses = 0
    while True:
        async with conn.transaction():
            claimed = await store.claim_courses_for_inference(conn, provider_id, batch)
            if not claimed:
                return links
            rows = await store.still_pending_inference(conn, claimed)
            found = await _infer(conn, lexicons, [
                (r["id"], r["title"], r["subjects"], r["description"]) for r in rows])
            await store.clear_course_skills(conn, [r["id"] for r in rows])
            await store.copy_inferred_skills(conn, found)
            await store.mark_skills_inferred(conn, rows)
        links, courses = links + len(found), courses + len(rows)
        if progress:
            progress(f"skills inferred for {courses} courses ({links} links)")


async def infer_after_sync(pool: asyncpg.Pool, lexicons: LexiconCache, provider_id: UUID) -> None:
    """Run after a sync's response is sent; if it fails, the scheduler catches up later."""
    try:
        async with pool.acquire() as conn:
            await infer_pending_skills(conn, lexicons, provider_id)
    except Exception:  # noqa: BLE001 - nothing is lost: the courses stay pending
        log.exception("skill inference after a sync failed; the scheduler will retry")


async def reinfer_skills(conn: asyncpg.Connection, lexicons: LexiconCache,
                         provider_id: UUID | None = None,
                         progress: Callable[[str], None] | None = None) -> int:
    """Infer again for every current course without college-given skills (after an ESCO load)."""
    await store.forget_skill_inferences(conn, provider_id)
    return await infer_pending_skills(conn, lexicons, provider_id, progress=progress)
