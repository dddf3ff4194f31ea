"""Processes killed with SIGKILL in the middle of their work (no chance to clean up), then run
again: the accrual credits every worker exactly once, a large catalogue sync leaves the old
catalogue as it was and its running row is abandoned when its lease runs out, and the next sync
applies, the outbox sends nothing twice and loses nothing,
a round passing lapsed review offers on leaves them to the next round, which passes each once,
and an enrolment offer round killed part way has committed the presentations it finished and
nothing of the one it was in, so the next round offers each place once.
Each kill is set up exactly: the process is made to wait for a lock (or an SMTP answer) the test
holds, at a known point, and killed while it waits."""

import asyncio
import json
import signal
import threading
import uuid
from pathlib import Path

import asyncpg
import pytest

from service.outbox import service as outbox
from tests.conftest import run_ladder, start_ladder
from tests.integration.accounts.test_accruals import CACHE_EQUALS_LEDGER, PERIOD
from tests.integration.enrolments.helpers import Enrolments, course, presentation
from tests.integration.enrolments.test_lifecycle import booked
from tests.integration.locks import wait_for_lock_wait
from tests.integration.outbox.conftest import Recorder, SmtpServer
from tests.integration.reviews.helpers import Reviews, at
from tests.integration.reviews.test_waitlist import OLDER, YOUNGER, join, queue

BLOCKED_BY = "SELECT pid, query FROM pg_stat_activity WHERE $1 = ANY (pg_blocking_pids(pid))"


async def kill_while_waiting(pool: asyncpg.Pool, holder: asyncpg.Connection, *args: str,
                             url: str, env: dict[str, str] | None = None) -> str:
    """Start `ladder ARGS`, wait until its backend waits for `holder`'s lock, SIGKILL it; the
    statement it was waiting in is returned. The caller then releases its lock."""
    process = start_ladder(*args, url=url, env=env)
    exited = asyncio.create_task(asyncio.to_thread(process.wait))
    await wait_for_lock_wait(pool, holder, exited)
    async with pool.acquire() as conn:
        backend = await conn.fetchrow(BLOCKED_BY, holder.get_server_pid())
    process.send_signal(signal.SIGKILL)
    assert await exited == -signal.SIGKILL
    process.communicate()
    return backend


async def wait_until_gone(pool: asyncpg.Pool, pid: int) -> None:
    """The killed client's backend ends when it finds its socket closed (after the lock it waited
    for is released); until then it keeps its session's locks."""
    async with pool.acquire() as conn:
        for _ in range(3000):
            if not await conn.fetchval("SELECT EXISTS (SELECT 1 FROM pg_stat_activity "
                                       "WHERE pid = $1)", pid):
                return
            await asyncio.sleep(0.01)
    raise AssertionError(f"backend {pid} of the killed process never ended")


async def test_a_killed_accrual_run_again_credits_every_worker_once(api, pool, database_url):
    for _ in range(20):
        await api.worker()
    async with pool.acquire() as conn:
        await conn.execute("INSERT INTO accounts (worker_id) SELECT id FROM workers "
                           "ON CONFLICT DO NOTHING")
        ids = [r["id"] for r in await conn.fetch("SELECT id FROM workers ORDER BY id")]
    async with pool.acquire() as holder:
        async with holder.transaction():  # the third batch of four waits for this account
            await holder.execute("SELECT 1 FROM accounts WHERE worker_id = $1 FOR UPDATE",
                                 ids[10])
            backend = await kill_while_waiting(pool, holder, "accrue", "--period", PERIOD,
                                               "--batch-size", "4", url=database_url)
        await wait_until_gone(pool, backend["pid"])
    async with pool.acquire() as conn:
        assert await conn.fetchval("SELECT count(*) FROM accruals WHERE period = $1",
                                   PERIOD) == 8  # two batches committed before the kill
    again = await asyncio.to_thread(run_ladder, "accrue", "--period", PERIOD,
                                    url=database_url)
    assert again.returncode == 0, again.stderr
    assert "12 workers credited now" in again.stderr
    async with pool.acquire() as conn:
        credits = await conn.fetch("SELECT worker_id, count(*) AS n FROM ledger_entries "
                                   "WHERE kind = 'annual_credit' AND period = $1 "
                                   "GROUP BY worker_id", PERIOD)
        assert sorted(r["worker_id"] for r in credits) == ids
        assert {r["n"] for r in credits} == {1}
        assert await conn.fetchval(CACHE_EQUALS_LEDGER) == 0


def catalogue_file(path: Path, courses: int, title: str) -> Path:
    path.write_text(json.dumps({"courses": [
        {"ref": f"C{i}", "title": f"{title} {i}", "description": "Spreadsheets at work",
         "presentations": [{"ref": f"P{i}-{j}", "starts_on": f"2027-09-0{j + 1}",
                            "cost_pence": 10000 + j, "places": 12} for j in range(2)]}
        for i in range(courses)]}))
    return path


async def test_a_killed_large_sync_leaves_the_old_catalogue_is_abandoned_and_the_next_applies(
        api, pool, database_url, tmp_path):
    ukprn = "10077777"
    await api.provider(ukprn=ukprn, name="Killed College")
    old = catalogue_file(tmp_path / "old.json", 300, "Old course")
    new = catalogue_file(tmp_path / "new.json", 3000, "New course")
    first = await asyncio.to_thread(run_ladder, "catalogue", "import", "--ukprn", ukprn,
                                    str(old), url=database_url)
    assert first.returncode == 0, first.stderr
    async with pool.acquire() as holder:
        async with holder.transaction():  # the import's skills step, after its courses, waits
            await holder.execute("LOCK TABLE course_skills IN EXCLUSIVE MODE")
            backend = await kill_while_waiting(
                pool, holder, "catalogue", "import", "--ukprn", ukprn, str(new),
                url=database_url, env={"LADDER_SYNC_LEASE_SECONDS": "600"})
        await wait_until_gone(pool, backend["pid"])
    assert "DELETE FROM course_skills" in backend["query"]  # every course written, uncommitted
    async with pool.acquire() as conn:
        assert await conn.fetchval("SELECT count(*) FROM courses") == 300
        assert await conn.fetchval("SELECT count(*) FROM courses WHERE title LIKE 'New%'") == 0
        assert await conn.fetchval("SELECT count(*) FROM presentations") == 600
        running = await conn.fetchrow("SELECT id, lease_until - started_at AS lease FROM syncs "
                                      "WHERE status = 'running'")  # committed before the import
    assert abs(running["lease"].total_seconds() - 600) < 5  # LADDER_SYNC_LEASE_SECONDS

    async def listed() -> list[dict]:
        response = await api.client.get(f"/v1/providers/{ukprn}/syncs",
                                        headers=await api.admin())
        assert response.status_code == 200, response.text
        return response.json()["items"]

    shown = await listed()
    assert [s["status"] for s in shown] == ["running", "applied"]
    assert shown[0]["finished_at"] is None and shown[0]["lease_until"] is not None
    async with pool.acquire() as conn:  # the dead import's lease runs out (here: at once)
        await conn.execute("UPDATE syncs SET lease_until = now() - interval '1 second' "
                           "WHERE id = $1", running["id"])
    shown = (await listed())[0]
    assert shown["status"] == "abandoned" and "stopped without finishing" in shown["error"]
    assert shown["finished_at"] == shown["lease_until"]
    swept = await asyncio.to_thread(run_ladder, "worker", "--once", url=database_url)
    assert swept.returncode == 0, swept.stderr
    assert "syncs: 1 abandoned" in swept.stderr
    async with pool.acquire() as conn:
        assert await conn.fetchval("SELECT status FROM syncs WHERE id = $1",
                                   running["id"]) == "abandoned"
    assert (await listed())[0] == shown
    after = await asyncio.to_thread(run_ladder, "catalogue", "import", "--ukprn", ukprn,
                                    str(new), url=database_url)
    assert after.returncode == 0, after.stderr
    async with pool.acquire() as conn:
        assert await conn.fetchval("SELECT count(*) FROM courses WHERE title LIKE 'New%' "
                                   "AND withdrawn_at IS NULL") == 3000
        assert await conn.fetchval("SELECT array_agg(status ORDER BY started_at) FROM syncs"
                                   ) == ["applied", "abandoned", "applied"]


class HoldingRecorder(Recorder):
    """Accepts messages, except that the `hold`-th waits, unaccepted, until `release` is set,
    and is then refused: the deliverer is killed while it waits for the answer."""

    def __init__(self, hold: int) -> None:
        super().__init__()
        self.hold, self.seen = hold, 0
        self.arrived, self.release = threading.Event(), threading.Event()

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802
        self.seen += 1
        if self.seen == self.hold:
            self.arrived.set()
            await asyncio.get_running_loop().run_in_executor(None, self.release.wait, 60)
            return "451 4.3.0 try again later"
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture
def holding_smtp():
    server = SmtpServer(HoldingRecorder(hold=3))
    server.controller.start()
    yield server
    server.recorder.release.set()
    server.controller.stop()


async def test_a_killed_outbox_delivery_sends_nothing_twice_and_loses_nothing(
        pool, database_url, holding_smtp):
    async with pool.acquire() as conn:
        ids = {await outbox.enqueue(conn, kind="test", to=f"w{i}@example.org",
                                    subject=f"Message {i}", body="Hello") for i in range(5)}
    env = {"LADDER_SMTP_URL": holding_smtp.url, "LADDER_SMTP_STARTTLS": "never"}
    process = start_ladder("outbox", "--once", url=database_url, env=env)
    recorder = holding_smtp.recorder
    assert await asyncio.to_thread(recorder.arrived.wait, 60), process.communicate()
    async with pool.acquire() as conn:
        sending = await conn.fetchval("SELECT pid FROM pg_stat_activity "
                                      "WHERE state = 'idle in transaction' "
                                      "AND datname = current_database()")
        assert await conn.fetchval("SELECT count(*) FROM outbox WHERE status = 'sent'") == 2
    process.send_signal(signal.SIGKILL)
    await asyncio.to_thread(process.communicate)
    recorder.release.set()
    await wait_until_gone(pool, sending)
    async with pool.acquire() as conn:
        # the dead deliverer's lease on what it claimed runs out (here: at once)
        await conn.execute("UPDATE outbox SET next_attempt_at = now() WHERE status = 'pending'")
    again = await asyncio.to_thread(run_ladder, "outbox", "--once", url=database_url, env=env)
    assert again.returncode == 0, again.stderr
    subjects = sorted(m["Subject"] for m in recorder.messages)
    assert subjects == [f"Message {i}" for i in range(5)]
    message_ids = {m["Message-ID"] for m in recorder.messages}
    assert len(message_ids) == 5 and all(str(i) in " ".join(message_ids) for i in ids)
    async with pool.acquire() as conn:
        assert await conn.fetchval("SELECT count(*) FROM outbox WHERE status = 'sent'") == 5


async def test_a_killed_offer_round_passes_each_lapsed_offer_on_once(api, pool, database_url):
    rv = await Reviews(api).setup()
    first = [await rv.worker(**OLDER) for _ in range(3)]
    then = [await rv.worker(**YOUNGER) for _ in range(3)]
    for worker, _ in first + then:
        await join(rv, worker)
    slots = [await rv.slot(at(days=d)) for d in (3, 4, 5)]
    async with pool.acquire() as conn:  # the offers' day has passed
        await conn.execute("UPDATE review_waitlist SET offer_expires_at = now() - interval "
                           "'1 minute' WHERE status = 'offered'")
        messages = await conn.fetchval("SELECT count(*) FROM outbox")
    async with pool.acquire() as holder:
        async with holder.transaction():  # the first offer's message waits for this
            await holder.execute("LOCK TABLE outbox IN EXCLUSIVE MODE")
            backend = await kill_while_waiting(pool, holder, "worker", "--once",
                                               url=database_url)
        await wait_until_gone(pool, backend["pid"])
    assert "INSERT INTO outbox" in backend["query"]
    entries = {e["worker_id"]: e for e in await queue(rv)}
    assert {entries[w["id"]]["status"] for w, _ in first} == {"offered"}  # all rolled back
    again = await asyncio.to_thread(run_ladder, "worker", "--once", url=database_url)
    assert again.returncode == 0, again.stderr
    assert "review offers: 3 lapsed and passed on" in again.stderr
    entries = {e["worker_id"]: e for e in await queue(rv)}
    assert {entries[w["id"]]["status"] for w, _ in first} == {"expired"}
    assert sorted(entries[w["id"]]["offered_slot_id"] for w, _ in then) == sorted(
        s["id"] for s in slots)
    async with pool.acquire() as conn:
        assert await conn.fetchval("SELECT count(*) FROM outbox") == messages + 3
        assert await conn.fetchval("SELECT count(DISTINCT worker_id) FROM outbox "
                                   "WHERE worker_id = ANY($1::uuid[])",
                                   [w["id"] for w, _ in then]) == 3


async def test_a_killed_enrolment_offer_round_sends_nothing_twice_and_loses_nothing(
        api, pool, database_url):
    """Three full presentations, each with a lapsed offer and someone next in line. The job
    fills them one by one, each in its own transaction; killed while filling the second, it has
    committed the first (offer and message) and nothing of the others. Run again, it offers
    each remaining place once, and the first one's is not offered or sent again."""
    en = await Enrolments(api).setup()
    await en.catalogue(course(presentations=[presentation(f"P{i}", places=1)
                                             for i in range(3)]))
    pids = [await en.presentation_id(f"P{i}") for i in range(3)]
    lines = {}
    for pid in pids:
        _, holding_auth, booking = await booked(en, pid)
        first, second = (await booked(en, pid))[2], (await booked(en, pid))[2]
        cancelled = await en.act(booking, "cancel", holding_auth)  # offered to `first`
        assert cancelled.status_code == 200, cancelled.text
        lines[uuid.UUID(pid)] = (uuid.UUID(first["id"]), uuid.UUID(second["id"]))
    order = sorted(lines)  # the job's order
    async with pool.acquire() as conn:  # the offers' time is up
        await conn.execute("UPDATE enrolments SET offer_expires_at = now() - interval "
                           "'1 minute' WHERE status = 'offered'")
        messages = await conn.fetchval("SELECT count(*) FROM outbox")

    async def statuses() -> list[tuple[str, str, int]]:
        """For each presentation in the job's order: its first's and its second's status, and
        how many offer messages the second has."""
        async with pool.acquire() as conn:
            return [(await conn.fetchval("SELECT status FROM enrolments WHERE id = $1", first),
                     await conn.fetchval("SELECT status FROM enrolments WHERE id = $1", second),
                     await conn.fetchval("SELECT count(*) FROM outbox WHERE dedupe_key = $1",
                                         f"enrolment:{second}:offered"))
                    for first, second in (lines[pid] for pid in order)]

    async with pool.acquire() as holder:
        async with holder.transaction():  # the second presentation's next in line waits
            await holder.execute("SELECT 1 FROM enrolments WHERE id = $1 FOR UPDATE",
                                 lines[order[1]][1])
            backend = await kill_while_waiting(pool, holder, "worker", "--once",
                                               url=database_url)
        await wait_until_gone(pool, backend["pid"])
    assert "FOR UPDATE" in backend["query"] and "waiting" in backend["query"]
    assert await statuses() == [("expired", "offered", 1)] + [("offered", "waiting", 0)] * 2
    again = await asyncio.to_thread(run_ladder, "worker", "--once", url=database_url)
    assert again.returncode == 0, again.stderr
    assert "enrolment offers: 2 places offered from waiting lists" in again.stderr
    assert await statuses() == [("expired", "offered", 1)] * 3
    async with pool.acquire() as conn:
        assert await conn.fetchval("SELECT count(*) FROM outbox") == messages + 3
        assert await conn.fetchval("SELECT count(*) FROM audit_log WHERE action = "
                                   "'enrolments.offer_lapsed'") == 3
