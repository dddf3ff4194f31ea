"""Enrolments and consents in a worker's export, and what their erasure does: waiting and
offered enrolments cancelled, booked ones kept with their holds, consents withdrawn, the
worker's name cleared."""

import uuid

import pytest

from tests.integration.enrolments.helpers import Enrolments, course, presentation


@pytest.fixture
async def en(api) -> Enrolments:
    return await Enrolments(api).setup()


async def test_the_export_holds_the_workers_enrolments_and_consents(en: Enrolments):
    pid = await en.offer()
    worker, auth = await en.worker()
    other, other_auth = await en.worker()
    enrolment = (await en.enrol(worker, pid, auth)).json()
    await en.enrol(other, pid, other_auth)
    export = (await en.client.get(f"/v1/workers/{worker['id']}/export",
                                  headers=auth)).json()
    text = str(export)
    assert enrolment["id"] in text and enrolment["consent_id"] in text
    assert other["id"] not in text


async def test_erasure_cancels_waiting_keeps_booked_and_withdraws_consents(en: Enrolments,
                                                                          pool):
    pid = await en.offer(places=1)
    worker, auth = await en.worker(name="Zeb Erasable", email="zeb@example.org")
    holder, holder_auth = await en.worker()
    waiter, waiter_auth = await en.worker()
    await en.catalogue(course(ref="C2"), course(presentations=[presentation(places=1)]))
    other = await en.presentation_id(course_ref="C2")
    booked = (await en.enrol(worker, other, auth)).json()
    await en.enrol(holder, pid, holder_auth)
    waiting = (await en.enrol(worker, pid, auth)).json()
    behind = (await en.enrol(waiter, pid, waiter_auth)).json()
    assert (waiting["status"], behind["position"]) == ("waiting", 2)
    erased = await en.client.delete(f"/v1/workers/{worker['id']}", headers=en.admin)
    assert erased.status_code == 200, erased.text
    assert erased.json()["changed"]["enrolments"] == 2
    assert erased.json()["changed"]["consents"] == 1
    async with pool.acquire() as conn:
        rows = {r["id"]: r for r in await conn.fetch(
            "SELECT id::text, status, requested_by, hold_id FROM enrolments "
            "WHERE worker_id = $1", uuid.UUID(worker["id"]))}
        assert rows[waiting["id"]]["status"] == "cancelled"
        assert rows[booked["id"]]["status"] == "booked" and rows[booked["id"]]["hold_id"]
        assert all("Zeb" not in r["requested_by"] for r in rows.values())
        consent = await conn.fetchrow("SELECT withdrawn_at, given_by FROM consents "
                                      "WHERE id = $1", uuid.UUID(booked["consent_id"]))
        assert consent["withdrawn_at"] is not None and "Zeb" not in consent["given_by"]
        held = await conn.fetchval("SELECT held_pence FROM accounts WHERE worker_id = $1",
                                   uuid.UUID(worker["id"]))
        assert held == booked["cost_pence"]  # erasure moves no money
    shown = (await en.client.get(f"/v1/enrolments/{behind['id']}",
                                 headers=waiter_auth)).json()
    assert shown["position"] == 1
    listed = (await en.provider_list(presentation=other)).json()["items"]
    assert [(i["worker_name"], i["worker_email"]) for i in listed] == [("Erased worker", None)]
