"""Reps, workers and slots for the reviews tests, made through the API."""

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg

from service.auth.logic import Principal
from tests.conftest import Api

BRANCH = "Leeds UNISON"
OTHER_BRANCH = "York UNISON"
# Directly eligible (aged 45+, insecure contract) and not (younger, full-time, permanent).
ELIGIBLE = {"birth_date": "1968-03-01", "contract_type": "zero_hours", "weekly_hours": 16}
NOT_ELIGIBLE = {"birth_date": "1995-03-01", "contract_type": "permanent", "weekly_hours": 37}


def at(hours: float = 0, *, days: float = 0, base: datetime | None = None) -> datetime:
    return (base or datetime.now(UTC)) + timedelta(hours=hours, days=days)


def iso(moment: datetime) -> str:
    return moment.isoformat()


def slot_body(start: datetime, minutes: int = 60, **fields: Any) -> dict[str, Any]:
    return {"starts_at": iso(start), "ends_at": iso(start + timedelta(minutes=minutes)),
            "mode": "in_person", "location": "Branch office, room 2"} | fields


class Reviews:
    """A branch with a rep; workers and slots on demand."""

    def __init__(self, api: Api) -> None:
        self.api = api
        self.client = api.client

    async def setup(self) -> "Reviews":
        self.rep = await self.api.rep(branch=BRANCH)
        self.rep_auth = await self.api.rep_token(self.rep)
        self.admin = await self.api.admin()
        return self

    async def worker(self, **fields: Any) -> tuple[dict[str, Any], dict[str, str]]:
        worker = await self.api.worker(**(ELIGIBLE | {"branch": BRANCH} | fields))
        return worker, await self.api.worker_token(worker)

    async def slot(self, start: datetime | None = None, rep: dict[str, Any] | None = None,
                   **fields: Any) -> dict[str, Any]:
        rep = rep or self.rep
        response = await self.client.post(f"/v1/reps/{rep['id']}/slots", headers=self.admin,
                                          json=slot_body(start or at(days=3), **fields))
        assert response.status_code == 201, response.text
        return response.json()

    async def book(self, worker: dict[str, Any], slot: dict[str, Any],
                   auth: dict[str, str] | None = None) -> Any:
        return await self.client.post("/v1/reviews", headers=auth or self.rep_auth,
                                      json={"worker_id": worker["id"], "slot_id": slot["id"]})

    def rep_principal(self) -> Principal:
        return Principal(uuid.uuid4(), "rep", self.rep["name"], rep_id=uuid.UUID(self.rep["id"]),
                         branch=BRANCH)


def worker_principal(worker: dict[str, Any]) -> Principal:
    return Principal(uuid.uuid4(), "worker", worker["name"], worker_id=uuid.UUID(worker["id"]))


async def shift_into_past(pool: asyncpg.Pool, slot_id: str, hours: float = 24 * 7) -> None:
    """Tests of outcomes need a review that has started: move its slot back in time (the API
    refuses to make one in the past)."""
    async with pool.acquire() as conn:
        await conn.execute("UPDATE review_slots SET starts_at = starts_at - make_interval("
                           "secs => $2), ends_at = ends_at - make_interval(secs => $2) "
                           "WHERE id = $1", uuid.UUID(slot_id), hours * 3600)
        await conn.execute("UPDATE reviews SET starts_at = starts_at - make_interval("
                           "secs => $2) WHERE slot_id = $1", uuid.UUID(slot_id), hours * 3600)
