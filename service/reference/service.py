"""Loading the reference catalogue and looking occupations and skills up, shared by routes, the
CLI and other domains (people validates occupations here; skills and matching read them)."""

import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable
from pathlib import Path
from typing import Any
from uuid import UUID

import asyncpg

from service.console import say
from service.errors import Invalid, NotFound
from service.pagination import decode_cursor, page
from service.reference import logic, store, transitions
from service.reference.schemas import LoadReport, Occupation, Skill, Transition
from service.settings import Settings


async def load_catalogue(conn: asyncpg.Connection, catalogue_dir: Path,
                         progress: Callable[[str], None] = lambda _: None) -> LoadReport:
    """Load catalogue/ in one transaction: COPY into staging tables, then merge, changing only
    rows that differ. Instances loading at once take turns (an advisory lock)."""
    started = time.perf_counter()
    async with conn.transaction():
        await store.lock_reference(conn)
        progress(f"reference: reading {catalogue_dir}")
        missing = await store.stage_catalogue(conn, catalogue_dir)
        for file_name in missing:
            progress(f"reference: no {file_name} in {catalogue_dir}; what is loaded stays")
        changed = await store.merge_staged(conn, missing)
        for row in await store.unknown_everyday_job_titles(conn):
            progress(f"reference: everyday job title {row['title']!r} skipped: no occupation "
                     f"{row['occupation_uri']}")
        await store.drop_staging(conn)
        built_seconds = 0.0
        if logic.transitions_inputs_changed(changed) or not await store.has_transitions(conn):
            built = await transitions.build_transitions(conn, progress)
            changed["occupation_transitions"], built_seconds = built.changed, built.seconds
        else:
            changed["occupation_transitions"] = 0
            progress("transitions: occupations, risks and relations unchanged; kept as built")
        await store.record_load(conn, changed)
        totals = await store.counts(conn)
    report = LoadReport(changed, totals, round(time.perf_counter() - started, 2),
                        built_seconds)
    progress(f"reference: {sum(changed.values())} rows changed "
             f"({', '.join(f'{t} {n}' for t, n in changed.items() if n) or 'none'}); "
             f"{totals['occupations']} occupations, {totals['skills']} skills, "
             f"{totals['occupation_skills']} relations in {report.seconds:.1f}s")
    return report


async def load_if_empty(conn: asyncpg.Connection, settings: Settings) -> None:
    """Prepare hook of `ladder serve` and `ladder demo`: a new database gets the reference data,
    and so does one upgraded to a version with tables it has never loaded (everyday titles, skill
    tags, transitions)."""
    if (await store.has_occupations(conn) and await store.has_everyday_job_titles(conn)
            and await store.has_skill_tags(conn) and await store.has_transitions(conn)):
        return
    await load_catalogue(conn, settings.catalogue_dir, progress=say)


async def find_occupation(conn: asyncpg.Connection, ref: str) -> Occupation | None:
    """The occupation named by an id, an ESCO code or a URI, without its skills."""
    parsed = logic.occupation_ref(ref)
    if parsed is None:
        return None
    kind, value = parsed
    if kind == "id":
        return await store.get_occupation(conn, value)
    return await store.occupation_by_uri_or_code(conn, str(value))


async def occupation_with_skills(conn: asyncpg.Connection, ref: str) -> Occupation:
    occupation = await find_occupation(conn, ref)
    if occupation is None:
        raise NotFound(f"no ESCO occupation {ref!r} (give its id, ESCO code or URI)")
    for relation, skill in await store.occupation_skills(conn, occupation.id):
        target = occupation.essential_skills if relation == "essential" else (
            occupation.optional_skills)
        target.append(skill)
    return occupation


async def occupation_transitions(conn: asyncpg.Connection, ref: str, cursor: str | None,
                                 limit: int) -> tuple[list[Transition], str | None]:
    """`GET /v1/occupations/{ref}/transitions`: 422 for a cursor not ours, then 404 for an
    unknown occupation."""
    decode_cursor(cursor, float, UUID)
    occupation = await find_occupation(conn, ref)
    if occupation is None:
        raise NotFound(f"no ESCO occupation {ref!r} (give its id, ESCO code or URI)")
    return await transitions.transitions_page(conn, occupation.id, cursor, limit)


async def skill(conn: asyncpg.Connection, skill_id: UUID) -> Skill:
    found = await store.get_skill(conn, skill_id)
    if found is None:
        raise NotFound(f"no ESCO skill with id {skill_id}")
    return found


async def skill_by_uri(conn: asyncpg.Connection, uri: str) -> Skill:
    found = await store.skill_by_uri(conn, uri)
    if found is None:
        raise NotFound(f"no ESCO skill with URI {uri!r}")
    return found


async def require_known_occupation(conn: asyncpg.Connection, occupation: str | None) -> None:
    """A worker's occupation must be a known ESCO URI or code, once reference data is loaded."""
    if occupation is None or not await store.has_occupations(conn):
        return
    if await store.occupation_by_uri_or_code(conn, occupation) is None:
        raise Invalid.on_field("occupation", f"{occupation!r} is not a known ESCO occupation URI "
                               "or code; search GET /v1/occupations?q=")


async def reference_version(conn: asyncpg.Connection) -> int:
    """The version of the reference data: the newest load that changed anything (0 before the
    first). Caches built from it (search answers, the course-skill lexicon) are keyed on it."""
    return await store.reference_version(conn)


class SearchCache:
    """Answers of occupation and skill searches, reused while the reference data they were
    computed on is current. Reference data changes only by a load, and a load that changes
    anything adds a `reference_loads` row in the same transaction, so an answer stays right while
    the newest load id is the same: one indexed read instead of a trigram search that costs
    PostgreSQL 2-35 ms. At most `size` answers, the least recently used dropped first. One per
    app (`app.state.search_cache`): never shared between databases."""

    def __init__(self, size: int = 512) -> None:
        self._answers: OrderedDict[Hashable, Any] = OrderedDict()
        self._size = size

    async def answer(self, conn: asyncpg.Connection, key: Hashable,
                     compute: Callable[[], Awaitable[Any]]) -> Any:
        versioned = (await reference_version(conn), key)
        if versioned in self._answers:
            self._answers.move_to_end(versioned)
            return self._answers[versioned]
        answer = await compute()
        self._answers[versioned] = answer
        if len(self._answers) > self._size:
            self._answers.popitem(last=False)
        return answer


Rows = Callable[..., Awaitable[list[tuple[Any, tuple]]]]  # store rows, each with its sort key


async def _label_page(conn: asyncpg.Connection, cache: SearchCache, kind: Hashable,
                      rows_in_label_order: Rows, search: Rows, q: str | None, cursor: str | None,
                      limit: int) -> tuple[list[Any], str | None]:
    """A page of what matches `q`, best first (sorted by score and id, the answer cached), or
    without `q` of all, in label order (by label and id). Rows come from the store with their
    sort key, which makes the cursor and is not sent."""
    after = decode_cursor(cursor, float if q is not None else str, UUID)
    if q is None:
        rows = await rows_in_label_order(conn, after, limit + 1)
    else:
        rows = await cache.answer(conn, (kind, q, after, limit + 1),
                                  lambda: search(conn, q, after, limit + 1))
    return page(rows, limit, lambda row: row[1], lambda row: row[0])


async def occupations_page(conn: asyncpg.Connection, cache: SearchCache, q: str | None,
                           cursor: str | None, limit: int) -> tuple[list[Any], str | None]:
    return await _label_page(conn, cache, "occupations", store.list_occupations,
                             store.search_occupations, q, cursor, limit)


async def skills_page(conn: asyncpg.Connection, cache: SearchCache, q: str | None,
                      cursor: str | None, limit: int,
                      tag: str | None = None) -> tuple[list[Any], str | None]:
    """Skills by label or search; with `tag`, only those ESCO puts in that collection."""
    if tag is not None and tag not in logic.SKILL_TAGS:
        raise Invalid.on_field("tag", f"{tag!r} is not a skill tag: one of "
                               f"{', '.join(logic.SKILL_TAGS)}")

    async def in_label_order(conn: asyncpg.Connection, after: tuple | None, limit: int) -> Any:
        return await store.list_skills(conn, after, limit, tag)

    async def search(conn: asyncpg.Connection, q: str, after: tuple | None, limit: int) -> Any:
        return await store.search_skills(conn, q, after, limit, tag)

    return await _label_page(conn, cache, ("skills", tag), in_label_order, search, q, cursor,
                             limit)
