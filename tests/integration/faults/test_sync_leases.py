"""A sync's running row and its lease (migration 0037): renewed while the import runs, finished
as failed when the import stops with an error (a second sync of the college waiting too long
for the first), abandoned by any number of sweeping instances once its lease has run out (a row
locked elsewhere skipped, not waited for), taken back by a renewal if its sync was alive."""

import asyncio
import uuid

import asyncpg
import pytest

from service import db
from service.actor import Actor
from service.courses import service, store, syncs
from service.courses.schemas import CatalogueIn, CourseIn
from tests.integration.faults.test_timeouts import assert_unavailable, limited_client
from tests.integration.locks import wait_for_lock_wait

ACTOR = Actor.system("lease test")


async def provider_ref(api) -> service.ProviderRef:
    provider = await api.provider()
    return service.ProviderRef(uuid.UUID(provider["id"]), provider["ukprn"], provider["name"])


def one_course(title: str) -> CatalogueIn:
    return CatalogueIn(courses=[CourseIn(ref="L1", title=title, presentations=[])])


async def test_a_running_sync_renews_its_lease_and_finishes_its_own_row(api, pool):
    provider = await provider_ref(api)
    leases = syncs.Leases(seconds=0.3, pool=pool, acquire_timeout=5)
    async with pool.acquire() as conn, pool.acquire() as holder:
        async with holder.transaction():  # the import's skills step waits for this
            await holder.execute("LOCK TABLE course_skills IN EXCLUSIVE MODE")
            sync = asyncio.create_task(service.apply_sync(
                conn, provider, one_course("Leased"), mode="full", fmt="json", actor=ACTOR,
                leases=leases))
            await wait_for_lock_wait(pool, holder, sync)
            first = await holder.fetchval("SELECT lease_until FROM syncs "
                                          "WHERE status = 'running'")
            for _ in range(500):  # renewed every 0.1 s; bounded at ~5 s
                renewed = await holder.fetchval("SELECT lease_until FROM syncs "
                                                "WHERE status = 'running'")
                if renewed > first:
                    break
                await asyncio.sleep(0.01)
            assert renewed > first
        report = await sync
    assert report.status == "applied"
    async with pool.acquire() as conn:
        row = await conn.fetchrow("SELECT id, status, lease_until, finished_at FROM syncs")
    assert (row["id"], row["status"], row["lease_until"]) == (report.id, "applied", None)


async def held_in_its_import(pool, holder, conn, provider, leases) -> asyncio.Task:
    """A sync on `conn`, waiting in its import's skills step for `holder`'s lock."""
    await holder.execute("LOCK TABLE course_skills IN EXCLUSIVE MODE")
    sync = asyncio.create_task(service.apply_sync(
        conn, provider, one_course("Paused"), mode="full", fmt="json", actor=ACTOR,
        leases=leases))
    await wait_for_lock_wait(pool, holder, sync)
    return sync


async def its_lease_runs_out_and_is_swept(pool) -> None:
    """As after a database pause longer than the lease: the sweep marks the row abandoned (in
    one transaction, so that no renewal comes in between)."""
    async with pool.acquire() as sweeper, sweeper.transaction():
        await sweeper.execute("UPDATE syncs SET lease_until = now() - interval '1 second' "
                              "WHERE status = 'running'")
        assert await store.abandon_expired_syncs(sweeper, syncs.ABANDONED) == 1


async def test_a_live_sync_marked_abandoned_takes_its_row_back_and_finishes_it(api, pool):
    provider = await provider_ref(api)
    leases = syncs.Leases(seconds=0.3, pool=pool, acquire_timeout=5)
    async with pool.acquire() as conn, pool.acquire() as holder:
        async with holder.transaction():
            sync = await held_in_its_import(pool, holder, conn, provider, leases)
            await its_lease_runs_out_and_is_swept(pool)
            for _ in range(500):  # the next renewal, within ~0.1 s; bounded at ~5 s
                row = await holder.fetchrow("SELECT status, error, finished_at, "
                                            "lease_until > now() AS leased FROM syncs")
                if row["status"] == "running":
                    break
                await asyncio.sleep(0.01)
            assert dict(row) == {"status": "running", "error": None, "finished_at": None,
                                 "leased": True}
        report = await sync
    assert report.status == "applied"
    async with pool.acquire() as conn:
        assert await conn.fetchval("SELECT status FROM syncs WHERE id = $1",
                                   report.id) == "applied"


async def test_a_sync_marked_abandoned_that_then_fails_is_recorded_failed(api, pool):
    provider = await provider_ref(api)
    leases = syncs.Leases(seconds=600, pool=pool, acquire_timeout=5)  # no renewal meanwhile
    async with pool.acquire() as conn, pool.acquire() as holder:
        async with holder.transaction():
            sync = await held_in_its_import(pool, holder, conn, provider, leases)
            await its_lease_runs_out_and_is_swept(pool)
            await holder.execute("SELECT pg_cancel_backend($1)", conn.get_server_pid())
            with pytest.raises(asyncpg.QueryCanceledError):
                await sync
    async with pool.acquire() as conn:
        row = await conn.fetchrow("SELECT status, error, finished_at FROM syncs")
        assert await conn.fetchval("SELECT count(*) FROM courses") == 0
    assert row["status"] == "failed" and row["finished_at"] is not None
    assert row["error"] == ("the sync did not finish, and nothing of it was applied: "
                            "canceling statement due to user request")


async def test_a_second_sync_that_waits_too_long_answers_503_and_is_recorded_failed(
        api, pool, settings, database_url):
    provider = await api.provider()
    headers = await api.college_token(provider)
    body = {"courses": [{"ref": "W1", "title": "Waited", "presentations": []}]}
    url = f"/v1/providers/{provider['ukprn']}/catalogue"
    async with limited_client(settings, database_url, lock_timeout_ms=300) as (client, _):
        async with pool.acquire() as holder, holder.transaction():  # a first sync, running
            await holder.execute("SELECT people_lock_provider($1)", uuid.UUID(provider["id"]))
            waited = await client.put(url, json=body, headers=headers)
        assert_unavailable(waited)
        async with pool.acquire() as conn:
            row = await conn.fetchrow("SELECT status, error, finished_at FROM syncs")
            assert await conn.fetchval("SELECT count(*) FROM courses") == 0
        assert row["status"] == "failed" and "lock timeout" in row["error"]
        assert row["finished_at"] is not None
        again = await client.put(url, json=body, headers=headers)
        assert again.status_code == 200, again.text
        listed = (await client.get(f"/v1/providers/{provider['ukprn']}/syncs",
                                   headers=headers)).json()["items"]
    assert [s["status"] for s in listed] == ["applied", "failed"]


async def running_row(conn, provider: service.ProviderRef, lease: float) -> uuid.UUID:
    """A running sync's row whose lease ends `lease` seconds from now (before, if negative)."""
    return await conn.fetchval(
        "INSERT INTO syncs (provider_id, mode, format, status, actor_role, actor_name, "
        "started_at, finished_at, lease_until) VALUES ($1, 'full', 'json', 'running', "
        "'system', 'test', now() - interval '2 minutes', NULL, "
        "now() + make_interval(secs => $2)) RETURNING id", provider.id, lease)


async def test_sweepers_on_many_instances_abandon_each_expired_sync_once(api, pool):
    provider = await provider_ref(api)
    async with pool.acquire() as conn:
        for lease in (-60, -1, -1, -1, 600):
            sync_id = await running_row(conn, provider, lease)
    swept = await asyncio.gather(*(syncs.abandon_expired(pool) for _ in range(3)))
    assert sum(swept) == 4
    async with pool.acquire() as conn:
        statuses = await conn.fetch("SELECT id, status, finished_at = lease_until AS at_lease "
                                    "FROM syncs ORDER BY lease_until")
    assert [(r["status"], r["at_lease"]) for r in statuses] == [("abandoned", True)] * 4 + [
        ("running", None)]
    assert statuses[-1]["id"] == sync_id


async def test_the_sweep_skips_an_expired_row_locked_elsewhere_instead_of_waiting(
        api, pool, database_url):
    """The sweep on a connection with a 200 ms lock timeout, while another transaction holds
    one expired row: it marks the others and returns, leaving that one (waiting for it, as
    without SKIP LOCKED, would fail at the lock timeout)."""
    provider = await provider_ref(api)
    async with pool.acquire() as conn:
        held, *others = [await running_row(conn, provider, -1) for _ in range(3)]
    sweeper = await db.create_pool(database_url, 1, 1, lock_timeout_ms=200)
    try:
        async with pool.acquire() as holder, holder.transaction():
            await holder.execute("SELECT 1 FROM syncs WHERE id = $1 FOR UPDATE", held)
            assert await syncs.abandon_expired(sweeper) == 2
            statuses = dict(await holder.fetch("SELECT id, status FROM syncs"))
        assert statuses == {held: "running"} | dict.fromkeys(others, "abandoned")
        assert await syncs.abandon_expired(sweeper) == 1  # its holder is gone: swept now
    finally:
        await sweeper.close()
