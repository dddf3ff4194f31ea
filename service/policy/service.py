"""The policy in force on a day, for accruals, top-ups and the priority score."""

from datetime import date

import asyncpg

from service import clock
from service.actor import Actor
from service.errors import NotFound
from service.pagination import Int4Key, decode_cursor, page
from service.policy import logic, store
from service.policy.schemas import Policy, PolicyIn, PolicyPage, PolicyRules, PriorityPoints


async def policy_on(conn: asyncpg.Connection, day: date | None = None) -> Policy:
    policy = await store.policy_on(conn, day or clock.today())
    if policy is None:
        raise NotFound(f"no policy was in force on {day or clock.today()}")
    return policy


async def policy_version(conn: asyncpg.Connection, version: int) -> Policy:
    policy = await store.get_policy(conn, version)
    if policy is None:
        raise NotFound(f"no policy version {version}")
    return policy


async def policies_page(conn: asyncpg.Connection, cursor: str | None, limit: int) -> PolicyPage:
    """A page of every policy version, newest first."""
    key = decode_cursor(cursor, Int4Key)
    rows = await store.list_policies(conn, key[0] if key else None, limit + 1)
    return PolicyPage(*page(rows, limit, lambda p: (p.version,)))


async def policy_in_force_on(conn: asyncpg.Connection, day: date) -> Policy | None:
    """As `policy_on`, but None rather than 404 before the first version (for jobs that carry on
    without one)."""
    return await store.policy_on(conn, day)


def rules_from_json(text: str) -> PolicyRules:
    """The rules of a policy from the JSON text of `policy_in_force`'s `rules` column, which
    another domain's query joins (`rules::text`): decoded once per rules seen, so the object
    is shared by every caller and must not be changed."""
    return store.rules_from_json(text)


async def priority_rules(conn: asyncpg.Connection, day: date | None = None) -> PriorityPoints:
    """The priority points in force: the published policy is what the score uses."""
    policy = await store.policy_on(conn, day or clock.today())
    return policy.rules.priority if policy else PriorityPoints()


async def publish(conn: asyncpg.Connection, actor: Actor, data: PolicyIn) -> Policy:
    logic.check_new_policy(data, clock.today())
    latest = await store.lock_latest(conn)  # held until commit: publications queue here
    logic.check_after_published(data.effective_from, latest)
    return await store.insert_policy(conn, data.effective_from, data.rules, data.note, actor)
