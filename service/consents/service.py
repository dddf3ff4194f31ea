"""Consents' use cases: other domains record a consent in their own transaction (`give`);
workers read theirs and withdraw them. Withdrawal takes effect at once: the views other
domains read (`consents_in_force`) no longer show the consent, so nothing more is shared
under it."""

from datetime import datetime
from uuid import UUID

import asyncpg

from service.actor import Actor
from service.auth.logic import Principal
from service.consents import store
from service.consents.schemas import Consent, ConsentPage, Purpose
from service.errors import Conflict, NotFound
from service.oversight import service as audit
from service.pagination import page, time_id_cursor
from service.people.service import visible_worker


def who(actor: Actor) -> str:
    """How a consent records who gave or withdrew it: `worker: Pat Example`, `rep: Rita Rep`."""
    return "system" if actor.is_system else f"{actor.role}: {actor.name}"


async def give(conn: asyncpg.Connection, actor: Actor, worker_id: UUID, purpose: Purpose,
               provider_id: UUID | None, now: datetime, detail: str | None = None) -> UUID:
    """The consent in force for this worker, purpose and college, recorded now if there is
    none (audited as `consents.give`). The caller has checked that `actor` may act for the
    worker."""
    existing = await store.in_force(conn, worker_id, purpose, provider_id)
    if existing is not None:
        return existing
    consent_id = await store.insert_consent(conn, worker_id, purpose, provider_id, detail, now,
                                            who(actor))
    if consent_id is None:  # given at the same moment by another request: theirs stands
        consent_id = await store.in_force(conn, worker_id, purpose, provider_id)
        if consent_id is None:
            raise Conflict.on_field("consent", "the consent changed meanwhile; retry")
        return consent_id
    await audit.record(conn, actor, "consents.give", [worker_id],
                       {"consent_id": str(consent_id), "purpose": purpose,
                        "provider_id": str(provider_id) if provider_id else None})
    return consent_id


async def list_consents(conn: asyncpg.Connection, principal: Principal, worker_id: UUID,
                        cursor: str | None, limit: int) -> ConsentPage:
    """The worker's consents, in force or withdrawn, newest first (the worker, a rep of their
    branch, an admin; audited)."""
    after = time_id_cursor(cursor)  # before the audited read: a bad cursor reads nothing
    await visible_worker(conn, principal, worker_id, "consents.read")
    rows = await store.list_consents(conn, worker_id, after, limit + 1)
    return ConsentPage(*page(rows, limit, lambda c: (c.given_at, c.id)))


async def withdraw(conn: asyncpg.Connection, principal: Principal, worker_id: UUID,
                   consent_id: UUID, now: datetime) -> Consent:
    """The worker withdraws a consent of theirs: from now on nothing is shared under it."""
    await visible_worker(conn, principal, worker_id, "consents.withdraw")
    row = await store.lock_consent(conn, consent_id)
    if row is None or row["worker_id"] != worker_id:
        raise NotFound(f"the worker has no consent with id {consent_id}")
    if row["withdrawn_at"] is not None:
        raise Conflict.on_field("consent_id", "the consent is already withdrawn")
    actor = Actor.of(principal)
    await store.withdraw(conn, consent_id, now, who(actor))
    await audit.record(conn, actor, "consents.withdraw", [worker_id],
                       {"consent_id": str(consent_id)})
    consent = await store.get_consent(conn, consent_id)
    assert consent is not None  # locked above; consents are never deleted
    return consent
