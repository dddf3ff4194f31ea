"""A worker with data in every table that can hold a worker's (reviews with an action plan, a
waiting-list entry, skills with history, contributions, an adjustment, holds, an accrual,
messages, an erasure request, tokens, audit rows), made through the API where it can be."""

import uuid
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import asyncpg

from service.accounts import service as accounts
from service.accounts.logic import HoldPurpose
from tests.conftest import Api
from tests.integration.enrolments.helpers import Enrolments
from tests.integration.programmes.helpers import programme_body
from tests.integration.reviews.helpers import Reviews, at, shift_into_past

PAYROLL_CLERK = "4313.1"

# Distinctive enough that finding them anywhere after erasure can only be a leak.
ZEB = {"name": "Zebedee Quartermaine", "email": "zeb.quartermaine@example.org",
       "birth_date": "1968-02-03", "external_ref": "PAY-ZQ-7781"}


@dataclass
class Person:
    worker: dict[str, Any]
    auth: dict[str, str]
    facts: dict[str, str] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return self.worker["id"]


async def populated(api: Api, rv: Reviews, pool: asyncpg.Pool, facts: dict[str, str],
                    *, tag: str, shift: int = 0) -> Person:
    """A worker of rv's branch with rows in every worker table; `tag` keys their requests,
    `shift` (hours) keeps their slots clear of another's."""
    client, admin = api.client, await api.admin()
    worker, _ = await rv.worker(occupation=PAYROLL_CLERK, **facts)
    auth = await api.token("worker", worker["id"], name=f"{facts['name']} phone")
    name = facts["name"]

    async def ok(response, *statuses):
        assert response.status_code in (statuses or (200, 201)), response.text
        return response.json()

    await ok(await client.post(f"/v1/workers/{worker['id']}/account/contributions",
                               headers={**rv.rep_auth, "Idempotency-Key": f"k-{tag}"},
                               json={"amount_pence": 40_000, "source": "union",
                                     "reference": f"bursary for {name}"}))
    await ok(await client.post(f"/v1/workers/{worker['id']}/account/adjustments",
                               headers={**admin, "Idempotency-Key": f"a-{tag}"},
                               json={"amount_pence": -500, "reason": f"{name} was overpaid"}))
    async with pool.acquire() as conn, conn.transaction():
        held = await accounts.place_hold(conn, uuid.UUID(worker["id"]), 1_000, HoldPurpose(),
                                         f"course for {name}")
        await accounts.release_hold(conn, held.id, f"{name} cancelled in time")
        await accounts.place_hold(conn, uuid.UUID(worker["id"]), 2_000, HoldPurpose(),
                                  f"second course for {name}")
    await ok(await client.post("/v1/accruals", headers=admin,
                               json={"period": str(date.today().year)}))
    skill = (await client.get("/v1/skills", params={"q": "manage payroll"},
                              headers=admin)).json()["items"][0]["id"]
    await ok(await client.put(f"/v1/workers/{worker['id']}/skills/{skill}", headers=auth,
                              json={"level": 2, "evidence": f"{name} ran payroll for years"}))
    # a review held, with an action plan naming them; then the waiting list; then a booking
    past = await rv.slot(at(shift, days=2))
    review = await ok(await rv.book(worker, past, auth))
    await shift_into_past(pool, past["id"])
    await ok(await client.post(f"/v1/reviews/{review['id']}/outcome", headers=rv.rep_auth,
                               json={"outcome": "attended",
                                     "action_plan": f"{name} wants to train as a bookkeeper",
                                     "assessed_skills": [], "target_occupations": []}))
    await ok(await client.post("/v1/reviews/waitlist", headers=auth,
                               json={"worker_id": worker["id"]}))
    await ok(await rv.book(worker, await rv.slot(at(shift, days=5)), auth))
    # a retraining programme (it matches them: their employer, payroll clerks) and a
    # destination they record themself
    await ok(await client.post("/v1/programmes", headers=admin, json={
        "name": f"Payroll changes {tag}", "employer": worker["employer"],
        "occupations": [PAYROLL_CLERK], "announced_on": "2026-01-15", "last_day": "2026-06-30",
        "reason": "payroll moves to self-service"}))
    await ok(await client.post(f"/v1/workers/{worker['id']}/destinations", headers=auth,
                               json={"recorded_on": "2026-09-01", "type": "study",
                                     "pay_compared": "unknown"}))
    await ok(await client.post(f"/v1/workers/{worker['id']}/erasure-request", headers=auth))
    await ok(await client.get(f"/v1/workers/{worker['id']}/account", headers=rv.rep_auth))
    await the_other_domains(api, worker, auth, ok)
    return Person(worker, auth, facts)


async def the_other_domains(api: Api, worker: dict[str, Any], auth: dict[str, str], ok) -> None:
    """Equality answers, a challenge, a pathway choice, an enrolment (with its consent), a
    programme membership and a destination."""
    client, admin, path = api.client, await api.admin(), f"/v1/workers/{worker['id']}"
    await ok(await client.put(f"{path}/equality", headers=auth,
                              json={"sex": "male", "ethnicity": "white_british",
                                    "disability": "prefer_not_to_say", "consent": True}))
    await ok(await client.post(f"{path}/challenges", headers=auth,
                               json={"decision": "priority",
                                     "reason": f"{worker['name']} works 16 hours"}))
    # the session's catalogue may hold no transitions to choose from: the choice as matching
    # records it, by the worker, under their token's name
    async with api.pool.acquire() as conn:
        await conn.execute(
            "INSERT INTO pathway_choices (worker_id, target_id, similarity, actor_role, actor_id,"
            " actor_name) SELECT $1, id, 0.5, 'worker', $1, $2 FROM occupations LIMIT 1",
            uuid.UUID(worker["id"]), f"{worker['name']} phone")
    colleges = await Enrolments(api).setup()
    presentation_id = await colleges.offer(cost_pence=1_500)
    await ok(await colleges.enrol(worker, presentation_id, auth))
    made = await ok(await client.post("/v1/programmes", headers=admin,
                                      json=programme_body(name=f"Payroll {worker['id']}")))
    assert made["workers_added"] >= 1, made
    await ok(await client.post(f"{path}/destinations", headers=auth,
                               json={"recorded_on": "2026-09-01", "type": "study",
                                     "pay_compared": "unknown"}))


async def count_rows(pool: asyncpg.Pool, table: str, column: str, worker_id: str) -> int:
    async with pool.acquire() as conn:
        statement = await conn.fetchval(
            "SELECT format('SELECT count(*) FROM %I WHERE %I = $1', $1::text, $2::text)",
            table, column)
        return await conn.fetchval(statement, uuid.UUID(worker_id))


# For every column of every table that can hold text (text, citext, varchar, json, arrays, bytea
# read as escaped text) and every date column, a statement counting the rows where $1 is found.
TEXT_COLUMNS = """
SELECT c.table_name, c.column_name,
       format('SELECT count(*) FROM %I WHERE %s ILIKE $1', c.table_name,
              CASE WHEN c.data_type = 'bytea' THEN format('encode(%I, ''escape'')', c.column_name)
                   ELSE format('%I::text', c.column_name) END)
FROM information_schema.columns AS c
JOIN information_schema.tables AS t
  ON t.table_schema = c.table_schema AND t.table_name = c.table_name
WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE'
  AND (c.data_type IN ('text', 'character varying', 'character', 'json', 'jsonb', 'ARRAY',
                       'date', 'bytea')
       OR c.udt_name = 'citext')
  AND c.is_generated = 'NEVER'
ORDER BY 1, 2
"""


async def find_anywhere(pool: asyncpg.Pool, needles: list[str]) -> list[str]:
    """`table.column` for every column of every table where any needle appears (case-blind)."""
    found = []
    async with pool.acquire() as conn:
        for table, column, statement in await conn.fetch(TEXT_COLUMNS):
            for needle in needles:
                if await conn.fetchval(statement, f"%{needle}%"):
                    found.append(f"{table}.{column} ({needle!r})")
    return found
