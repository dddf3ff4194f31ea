"""A college with a catalogue, funded workers and enrolments, made through the API."""

import uuid
from datetime import timedelta
from typing import Any

import asyncpg
import httpx

from service import clock
from tests.conftest import Api
from tests.integration.accounts.helpers import contribute

BRANCH = "Leeds UNISON"
OTHER_BRANCH = "York UNISON"
COST = 25_000  # £250


def days_ahead(days: int) -> str:
    return (clock.today() + timedelta(days=days)).isoformat()


def presentation(ref: str = "P1", **fields: Any) -> dict[str, Any]:
    return {"ref": ref, "starts_on": days_ahead(30), "ends_on": days_ahead(90),
            "study_mode": "part_time", "attendance_pattern": "evening",
            "delivery": "online", "cost_pence": COST, "places": 10} | fields


def course(ref: str = "C1", presentations: list[dict[str, Any]] | None = None,
           **fields: Any) -> dict[str, Any]:
    return {"ref": ref, "title": "Spreadsheets for work", "description": "Using spreadsheets.",
            "rqf_level": "2", "presentations": presentations or [presentation()]} | fields


class Enrolments:
    """A college (with its token), a rep of the branch, and helpers for the rest."""

    def __init__(self, api: Api, client: httpx.AsyncClient | None = None) -> None:
        self.api = api
        self.client = client or api.client
        self.pool: asyncpg.Pool = api.pool

    async def setup(self) -> "Enrolments":
        self.admin = await self.api.admin()
        self.provider = await self.api.provider(name="Leeds City College")
        self.college = await self.api.college_token(self.provider)
        self.rep = await self.api.rep(branch=BRANCH)
        self.rep_auth = await self.api.rep_token(self.rep)
        return self

    async def catalogue(self, *courses: dict[str, Any], provider: dict[str, Any] | None = None,
                        auth: dict[str, str] | None = None) -> None:
        provider = provider or self.provider
        response = await self.api.client.put(
            f"/v1/providers/{provider['ukprn']}/catalogue", headers=auth or self.admin,
            json={"courses": list(courses) or [course()]})
        assert response.status_code == 200, response.text

    async def presentation_id(self, ref: str = "P1", course_ref: str = "C1",
                              provider: dict[str, Any] | None = None) -> str:
        provider = provider or self.provider
        async with self.pool.acquire() as conn:
            found = await conn.fetchval(
                "SELECT p.id FROM presentations p JOIN courses c ON c.id = p.course_id "
                "JOIN providers v ON v.id = c.provider_id "
                "WHERE p.ref = $1 AND c.ref = $2 AND v.ukprn = $3", ref, course_ref,
                provider["ukprn"])
        assert found is not None
        return str(found)

    async def offer(self, **presentation_fields: Any) -> str:
        """A catalogue of one course with one presentation; its id."""
        await self.catalogue(course(presentations=[presentation(**presentation_fields)]))
        return await self.presentation_id()

    async def worker(self, credit: int = 100_000,
                     **fields: Any) -> tuple[dict[str, Any], dict[str, str]]:
        worker = await self.api.worker(**({"branch": BRANCH} | fields))
        if credit:
            await contribute(self.api, worker, credit)
        return worker, await self.api.worker_token(worker)

    async def enrol(self, worker: dict[str, Any], presentation_id: str,
                    auth: dict[str, str] | None = None, consent: Any = True,
                    client: httpx.AsyncClient | None = None,
                    headers: dict[str, str] | None = None) -> httpx.Response:
        return await (client or self.client).post(
            "/v1/enrolments", headers=(auth or self.rep_auth) | (headers or {}),
            json={"worker_id": worker["id"], "presentation_id": presentation_id,
                  "consent_to_share": consent})

    async def act(self, enrolment: dict[str, Any], action: str,
                  auth: dict[str, str] | None = None, **body: Any) -> httpx.Response:
        return await self.client.post(f"/v1/enrolments/{enrolment['id']}/{action}",
                                      headers=auth or self.college, json=body or None)

    async def account(self, worker: dict[str, Any]) -> dict[str, Any]:
        response = await self.client.get(f"/v1/workers/{worker['id']}/account",
                                         headers=self.admin)
        assert response.status_code == 200, response.text
        return response.json()

    async def holds(self, status: str | None = None) -> int:
        async with self.pool.acquire() as conn:
            return await conn.fetchval("SELECT count(*) FROM holds WHERE $1::text IS NULL "
                                       "OR status = $1", status)

    async def move_start(self, presentation_id: str, days: int) -> None:
        """The presentation starts `days` from today (the API refuses to sell a past one)."""
        async with self.pool.acquire() as conn:
            await conn.execute("UPDATE presentations SET starts_on = $2::date, "
                               "ends_on = $2::date + 60 WHERE id = $1", uuid.UUID(presentation_id),
                               clock.today() + timedelta(days=days))

    async def provider_list(self, auth: dict[str, str] | None = None,
                            provider: dict[str, Any] | None = None,
                            **params: Any) -> httpx.Response:
        provider = provider or self.provider
        return await self.client.get(f"/v1/providers/{provider['ukprn']}/enrolments",
                                     headers=auth or self.college, params=params)
