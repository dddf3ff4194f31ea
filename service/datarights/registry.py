"""Which domain exports and erases what: one `Section` per domain, each in that domain's own
`service/<domain>/datarights.py` (with `datarights.sql`, named queries over its own tables).

A domain whose tables hold a worker's data adds its section here, one line, and lists those
tables in it: tests/unit/test_datarights_registry.py fails, naming the table, while any table
of the schema with a worker column is not covered."""

from collections.abc import Mapping
from typing import Any
from uuid import UUID

import asyncpg

from service import idempotency
from service.accounts import datarights as accounts
from service.auth import datarights as auth
from service.challenges import datarights as challenges
from service.consents import datarights as consents
from service.datarights import requests
from service.datarights.logic import Erasure, Section, Viewer
from service.enrolments import datarights as enrolments
from service.equality import datarights as equality
from service.matching import datarights as matching
from service.outbox import datarights as outbox
from service.oversight import datarights as oversight
from service.people import datarights as people
from service.programmes import datarights as programmes
from service.reviews import datarights as reviews
from service.skills import datarights as skills
from service.web import datarights as web


async def _no_export(conn: asyncpg.Connection, worker_id: UUID,
                     viewer: Viewer) -> Mapping[str, Any]:
    return {}


async def _forget_answers(conn: asyncpg.Connection, erasure: Erasure) -> Mapping[str, int]:
    return {"idempotency_keys": await idempotency.forget_worker(conn, erasure.worker_id)}


# The kept answers of money-moving requests repeat ledger entries (exported by accounts); they
# have no worker column, and are deleted on erasure.
IDEMPOTENCY = Section("shared: service/idempotency.py", frozenset(), _no_export, _forget_answers)

# In the order erasure runs them (people first: the record itself; enrolments before accounts,
# whose step clears the text of the releases that cancelling enrolments writes), and the export
# shows them.
REGISTRY: tuple[Section, ...] = (
    people.SECTION,
    auth.SECTION,
    web.SECTION,
    enrolments.SECTION,
    consents.SECTION,
    matching.SECTION,
    accounts.SECTION,
    skills.SECTION,
    reviews.SECTION,
    outbox.SECTION,
    equality.SECTION,
    challenges.SECTION,
    programmes.SECTION,
    requests.SECTION,
    IDEMPOTENCY,
    oversight.SECTION,  # last: the audit rows written by the steps before are cleared too
)
