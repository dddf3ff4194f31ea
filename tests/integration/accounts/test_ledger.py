"""The ledger functions other domains call (holds, releases, settlements, top-ups), against the
real database, including under concurrency."""

import asyncio
import uuid
from datetime import date

import asyncpg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from service.accounts import service, store
from service.accounts.logic import HoldPurpose, InsufficientFunds
from service.accounts.schemas import ContributionIn, CourseEarmark, PathwayEarmark
from service.actor import SYSTEM
from service.errors import Conflict, Invalid, NotFound
from service.people import service as people
from service.people.schemas import WorkerIn
from tests.integration.accounts.helpers import assert_cache_matches_ledger

pytestmark = pytest.mark.asyncio


async def new_worker(conn: asyncpg.Connection, **fields) -> uuid.UUID:
    body = dict(external_ref=f"EMP-{uuid.uuid4().hex[:8]}", name="Pat Example",
                birth_date=date(1970, 5, 1), branch="Leeds UNISON", employer="Leeds CC",
                region="E12000003", contract_type="permanent", weekly_hours=37.0,
                highest_qualification="3") | fields
    return (await people.create_worker(conn, SYSTEM, WorkerIn(**body))).id


async def fund(conn: asyncpg.Connection, worker_id: uuid.UUID, amount: int,
               earmark=None) -> None:
    await service.contribute(conn, SYSTEM, worker_id, ContributionIn(
        amount, "employer", "test", earmark))


async def totals(pool, worker_id):
    async with pool.acquire() as conn:
        return await store.get_totals(conn, worker_id)


async def test_hold_release_settle(pool):
    async with pool.acquire() as conn, conn.transaction():
        worker = await new_worker(conn)
        await fund(conn, worker, 10_000)
        first = await service.place_hold(conn, worker, 6_000, HoldPurpose(), "enrolment 1")
        second = await service.place_hold(conn, worker, 4_000, HoldPurpose(), "enrolment 2")
        with pytest.raises(InsufficientFunds) as refused:
            await service.place_hold(conn, worker, 1, HoldPurpose(), "enrolment 3")
        assert refused.value.status == 409
        assert refused.value.errors[0].field == "amount_pence"
        released = await service.release_hold(conn, first.id, "cancelled 10 days before")
        settled = await service.settle_hold(conn, second.id, uuid.uuid4())
        assert (released.status, settled.status) == ("released", "settled")
        with pytest.raises(Conflict):
            await service.release_hold(conn, second.id, "too late")
        with pytest.raises(Conflict):
            await service.settle_hold(conn, first.id, uuid.uuid4())
        with pytest.raises(NotFound):
            await service.release_hold(conn, uuid.uuid4(), "no such hold")
    t = await totals(pool, worker)
    assert (t.balance, t.held, t.available, t.credited) == (6_000, 0, 6_000, 10_000)
    await assert_cache_matches_ledger(pool, worker)


async def test_bad_holds_write_nothing(pool):
    async with pool.acquire() as conn:
        worker = await new_worker(conn)
        await fund(conn, worker, 1_000)
        for amount in (0, -5):
            with pytest.raises(Invalid):
                await service.place_hold(conn, worker, amount, HoldPurpose(), "x")
        with pytest.raises(NotFound):
            await service.place_hold(conn, uuid.uuid4(), 100, HoldPurpose(), "x")
        with pytest.raises(Invalid):
            await service.place_hold(conn, worker, 100, HoldPurpose(), "")
        assert await conn.fetchval("SELECT count(*) FROM holds") == 0


async def test_earmarked_money_is_used_first_for_its_course(pool):
    course, other_course = uuid.uuid4(), uuid.uuid4()
    async with pool.acquire() as conn, conn.transaction():
        worker = await new_worker(conn)
        await fund(conn, worker, 5_000)
        await fund(conn, worker, 3_000, CourseEarmark(course))
        await fund(conn, worker, 2_000, PathwayEarmark("http://data.europa.eu/esco/occ/x"))
        # For the earmarked course: its own money first, then the pathway's, then general.
        hold = await service.place_hold(conn, worker, 6_000, HoldPurpose(
            course, "http://data.europa.eu/esco/occ/x"), "enrolment")
        portions = [(p["pot"], p["amount_pence"]) for p in await store.hold_portions(conn,
                                                                                     hold.id)]
        assert portions == [(f"course:{course}", 3_000),
                            ("pathway:http://data.europa.eu/esco/occ/x", 2_000),
                            ("general", 1_000)]
        # Another course takes general money before anyone's earmark.
        other = await service.place_hold(conn, worker, 4_000, HoldPurpose(other_course), "b")
        portions = [(p["pot"], p["amount_pence"]) for p in await store.hold_portions(conn,
                                                                                     other.id)]
        assert portions == [("general", 4_000)]
        # Releasing gives each portion back to where it came from.
        await service.release_hold(conn, hold.id, "cancelled")
        pots = await store.pot_available(conn, worker)
    assert pots == {"general": 1_000, f"course:{course}": 3_000,
                    "pathway:http://data.europa.eu/esco/occ/x": 2_000}
    await assert_cache_matches_ledger(pool, worker)


async def test_retraining_topup_is_earmarked_for_matched_pathways(pool):
    async with pool.acquire() as conn, conn.transaction():
        worker = await new_worker(conn, facing_redundancy=True)
        entry = await service.grant_retraining_topup(conn, worker, "facing_redundancy")
        assert entry.amount_pence == 150_000 and entry.rule == "retraining_topup"
        assert entry.policy_version == 1
        assert entry.earmark == PathwayEarmark(None)
        assert await service.grant_retraining_topup(conn, worker, "facing_redundancy") is None
        hold = await service.place_hold(conn, worker, 1_000, HoldPurpose(
            uuid.uuid4(), "http://data.europa.eu/esco/occ/y"), "pathway course")
        portions = await store.hold_portions(conn, hold.id)
        assert [p["pot"] for p in portions] == ["pathway:*"]
        secure = await new_worker(conn)
        with pytest.raises(Invalid) as refused:
            await service.grant_retraining_topup(conn, secure, "facing_redundancy")
        assert refused.value.errors[0].field == "reason"
        with pytest.raises(Invalid):
            await service.grant_retraining_topup(conn, secure, "high_risk_occupation")
    await assert_cache_matches_ledger(pool, worker)


async def test_midlife_topup_once_and_only_from_45(pool):
    today = date(2026, 6, 1)
    async with pool.acquire() as conn, conn.transaction():
        worker = await new_worker(conn, birth_date=date(1981, 6, 1))
        young = await new_worker(conn, birth_date=date(1981, 6, 2))
        entry = await service.grant_midlife_topup(conn, worker, uuid.uuid4(), today=today)
        assert (entry.kind, entry.amount_pence, entry.rule, entry.policy_version) == (
            "midlife_topup", 100_000, "midlife_topup", 1)
        assert await service.grant_midlife_topup(conn, worker, uuid.uuid4(), today=today) is None
        with pytest.raises(Invalid):
            await service.grant_midlife_topup(conn, young, uuid.uuid4(), today=today)
        with pytest.raises(NotFound):
            await service.grant_midlife_topup(conn, uuid.uuid4(), uuid.uuid4(), today=today)
    t = await totals(pool, worker)
    assert t.balance == t.credited == 100_000


async def test_topups_are_once_per_worker_even_concurrently(pool):
    async with pool.acquire() as conn:
        worker = await new_worker(conn, facing_redundancy=True)

    async def grant(kind):
        async with pool.acquire() as conn, conn.transaction():
            if kind == "midlife":
                return await service.grant_midlife_topup(conn, worker, uuid.uuid4())
            return await service.grant_retraining_topup(conn, worker, "facing_redundancy")

    results = await asyncio.gather(*[grant(k) for k in ["midlife", "retraining"] * 10])
    assert sum(r is not None for r in results) == 2
    t = await totals(pool, worker)
    assert t.balance == 250_000
    await assert_cache_matches_ledger(pool, worker)


async def test_ledger_entries_are_never_updated_or_deleted(pool):
    async with pool.acquire() as conn:
        worker = await new_worker(conn)
        await fund(conn, worker, 100)
        for statement in ("UPDATE ledger_entries SET amount_pence = 1000000",
                          "DELETE FROM ledger_entries"):
            with pytest.raises(asyncpg.IntegrityConstraintViolationError):
                await conn.execute(statement)
        assert await conn.fetchval("SELECT sum(amount_pence) FROM ledger_entries") == 100


async def test_the_database_refuses_a_negative_available(pool):
    async with pool.acquire() as conn:
        worker = await new_worker(conn)
        await fund(conn, worker, 100)
        with pytest.raises(asyncpg.CheckViolationError):
            await conn.execute("UPDATE accounts SET held_pence = 101 WHERE worker_id = $1",
                               worker)


async def test_200_simultaneous_holds_take_exactly_what_fits(pool):
    """Each hold on its own pooled connection and transaction, as from many app instances."""
    async with pool.acquire() as conn:
        worker = await new_worker(conn)
        await fund(conn, worker, 100_000)
        await fund(conn, worker, 23_456, CourseEarmark(uuid.uuid4()))

    async def hold(i: int):
        async with pool.acquire() as conn, conn.transaction():
            try:
                return await service.place_hold(conn, worker, 1_000, HoldPurpose(), f"e{i}")
            except InsufficientFunds:
                return None

    results = await asyncio.gather(*[hold(i) for i in range(200)])
    accepted = [r for r in results if r is not None]
    assert len(accepted) == 123_456 // 1_000
    t = await totals(pool, worker)
    assert t.held == 123_000 and t.available == 456
    await assert_cache_matches_ledger(pool, worker)
    async with pool.acquire() as conn:
        assert await conn.fetchval("SELECT count(*) FROM holds WHERE worker_id = $1",
                                   worker) == len(accepted)


OPS = st.lists(st.one_of(
    st.tuples(st.just("credit"), st.integers(1, 50_000), st.booleans()),
    st.tuples(st.just("hold"), st.integers(1, 60_000), st.booleans()),
    st.tuples(st.just("release"), st.integers(0, 30), st.just(False)),
    st.tuples(st.just("settle"), st.integers(0, 30), st.just(False)),
), max_size=25)


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=OPS)
async def test_any_sequence_keeps_cache_equal_to_ledger_and_available_non_negative(pool, ops):
    course = uuid.uuid4()
    async with pool.acquire() as conn:
        worker = await new_worker(conn)
        holds: list[uuid.UUID] = []
        for op, value, earmarked in ops:
            async with conn.transaction():
                try:
                    if op == "credit":
                        await fund(conn, worker, value, CourseEarmark(course) if earmarked
                                   else None)
                    elif op == "hold":
                        purpose = HoldPurpose(course if earmarked else None)
                        holds.append((await service.place_hold(conn, worker, value, purpose,
                                                               "p")).id)
                    elif holds:
                        hold_id = holds[value % len(holds)]
                        if op == "release":
                            await service.release_hold(conn, hold_id, "r")
                        else:
                            await service.settle_hold(conn, hold_id, course)
                except (InsufficientFunds, Conflict):
                    pass
            t = await store.get_totals(conn, worker)
            assert t.available >= 0 and t.held >= 0
            assert t == await store.ledger_totals(conn, worker)
            assert all(v >= 0 for v in (await store.pot_available(conn, worker)).values())
