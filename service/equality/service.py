"""Equality monitoring: the worker's own answers, given with consent, read and withdrawn by the
worker alone. No other domain reads them; the equality report counts them in aggregate through
equality's view `equality_report_answers`. Audit rows say what was done, never the answers."""

from datetime import datetime
from uuid import UUID

import asyncpg

from service.auth.logic import Principal
from service.equality import store
from service.equality.schemas import Equality, EqualityIn
from service.errors import Forbidden, Invalid, NotFound
from service.people import service as people


async def _own(conn: asyncpg.Connection, principal: Principal, worker_id: UUID,
               action: str, lock: bool = False) -> None:
    """Only the worker themself: nobody else, admins included, reads or writes these."""
    if principal.role != "worker" or principal.worker_id != worker_id:
        raise Forbidden("equality answers are the worker's own: only they may see or change "
                        "them")
    await people.visible_worker(conn, principal, worker_id, action, for_update=lock)


async def put(conn: asyncpg.Connection, principal: Principal, worker_id: UUID,
              data: EqualityIn, now: datetime) -> Equality:
    if data.consent is not True:
        raise Invalid.on_field("consent", "equality answers are kept only with your consent "
                               "to equality monitoring (true); to withdraw it, DELETE them")
    await _own(conn, principal, worker_id, "equality.write", lock=True)
    return await store.upsert(conn, worker_id, data, now)


async def get(conn: asyncpg.Connection, principal: Principal, worker_id: UUID) -> Equality:
    await _own(conn, principal, worker_id, "equality.read")
    answers = await store.get(conn, worker_id)
    if answers is None:
        raise NotFound("no equality answers: none were given, or they were withdrawn")
    return answers


async def withdraw(conn: asyncpg.Connection, principal: Principal, worker_id: UUID) -> None:
    """Withdrawing consent deletes the answers at once; the audit row records that it was
    done (the read of the worker writes it: `equality.withdraw`)."""
    await _own(conn, principal, worker_id, "equality.withdraw", lock=True)
    if not await store.delete(conn, worker_id):
        raise NotFound("no equality answers to withdraw")
