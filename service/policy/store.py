from collections.abc import Mapping
from datetime import date
from typing import Any

import asyncpg
import msgspec

from service.actor import Actor
from service.policy.schemas import Policy, PolicyRules, PolicyWords
from service.policy.words import in_words
from service.sql import load_queries

Q = load_queries(__file__)


# A policy's rules in words, by the rules' JSON: worked out once per rules seen, not on every
# read of the policy (GET /account reads it each time). A pure function's answers, so nothing
# here can go stale; bounded, in case of many versions.
_WORDS: dict[bytes, PolicyWords] = {}
_WORDS_KEPT = 64


def _in_words(rules: PolicyRules) -> PolicyWords:
    key = msgspec.json.encode(rules)
    words = _WORDS.get(key)
    if words is None:
        if len(_WORDS) >= _WORDS_KEPT:
            _WORDS.clear()
        words = _WORDS[key] = in_words(rules)
    return words


# Rules by their JSON text, for a read that needs only the rules (GET /account: one decode per
# rules seen, not per request). Keyed by content, so never stale; the rules are shared by
# every read, which must not change them. Bounded, in case of many versions.
_RULES: dict[str, PolicyRules] = {}


def rules_from_json(text: str) -> PolicyRules:
    """A policy's rules from the JSON text of its `rules` column (`rules::text`)."""
    rules = _RULES.get(text)
    if rules is None:
        if len(_RULES) >= _WORDS_KEPT:
            _RULES.clear()
        rules = _RULES[text] = msgspec.json.decode(text, type=PolicyRules)
    return rules


def policy_from_row(row: Mapping[str, Any]) -> Policy:
    fields = dict(row)
    fields["rules"] = msgspec.convert(fields["rules"], PolicyRules)
    return Policy(**fields, in_words=_in_words(fields["rules"]))


async def policy_on(conn: asyncpg.Connection, day: date) -> Policy | None:
    row = await conn.fetchrow(*Q.policy_on(day=day))
    return policy_from_row(row) if row else None


async def get_policy(conn: asyncpg.Connection, version: int) -> Policy | None:
    row = await conn.fetchrow(*Q.get_policy(version=version))
    return policy_from_row(row) if row else None


async def list_policies(conn: asyncpg.Connection, before_version: int | None,
                        limit: int) -> list[Policy]:
    rows = await conn.fetch(*Q.list_policies(before_version=before_version, limit=limit))
    return [policy_from_row(r) for r in rows]


async def lock_latest(conn: asyncpg.Connection) -> Policy | None:
    """Lock the table against other publications (until the transaction ends) and return the
    version that takes effect last."""
    await conn.execute(*Q.lock_policies())
    row = await conn.fetchrow(*Q.latest_policy())
    return policy_from_row(row) if row else None


async def insert_policy(conn: asyncpg.Connection, effective_from: date, rules: PolicyRules,
                        note: str, actor: Actor) -> Policy:
    """`created_by` keeps the publisher's name."""
    await conn.execute(*Q.lock_policies())
    row = await conn.fetchrow(*Q.insert_policy(effective_from=effective_from,
                                               rules=msgspec.to_builtins(rules), note=note,
                                               created_by=actor.name))
    return policy_from_row(row)
