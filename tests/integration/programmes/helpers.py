"""Programmes, workers and occupations for the programmes tests, made through the API."""

from typing import Any

from tests.conftest import Api

EMPLOYER = "Leeds City Council"
PAYROLL_CLERK = "4313.1"  # High automation risk in Nesta's scores
DATA_ENTRY_CLERK = "4132.1"
COMPUTER_SCIENTIST = "2511.1"


def programme_body(**fields: Any) -> dict[str, Any]:
    return {"name": "Payroll digitisation 2026", "employer": EMPLOYER,
            "occupations": [PAYROLL_CLERK], "announced_on": "2026-01-15",
            "last_day": "2026-06-30", "reason": "Payroll moves to a self-service system"} | fields


async def create_programme(api: Api, **fields: Any) -> dict[str, Any]:
    response = await api.client.post("/v1/programmes", json=programme_body(**fields),
                                     headers=await api.admin())
    assert response.status_code == 201, response.text
    return response.json()


async def members(api: Api, programme_id: str, current: bool = True) -> list[dict[str, Any]]:
    response = await api.client.get(f"/v1/programmes/{programme_id}/members",
                                    params={"current": str(current).lower(), "limit": 200},
                                    headers=await api.admin())
    assert response.status_code == 200, response.text
    return response.json()["items"]


async def worker(api: Api, worker_id: str) -> dict[str, Any]:
    response = await api.client.get(f"/v1/workers/{worker_id}", headers=await api.admin())
    assert response.status_code == 200, response.text
    return response.json()
