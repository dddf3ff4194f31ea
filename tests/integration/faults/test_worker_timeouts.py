"""`ladder worker`'s pool has the server's statement and lock timeouts: a job whose statement
runs past LADDER_STATEMENT_TIMEOUT_MS fails (logged, tried again next round) and the round goes
on with the other jobs, instead of the worker hanging on the database."""

import asyncio
import subprocess

from tests.conftest import start_ladder


async def test_a_worker_job_past_the_statement_timeout_fails_and_the_round_goes_on(
        pool, database_url):
    async with pool.acquire() as holder, holder.transaction():
        # The course job's first statement (sweeping expired sync leases) waits for this lock;
        # with no lock timeout, only the statement timeout can end that wait.
        await holder.execute("LOCK TABLE syncs IN ACCESS EXCLUSIVE MODE")
        process = start_ladder("worker", "--once", url=database_url, env={
            "LADDER_STATEMENT_TIMEOUT_MS": "300", "LADDER_LOCK_TIMEOUT_MS": "0"})
        try:
            _, err = await asyncio.to_thread(process.communicate, timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate()
            raise AssertionError("the worker hung on a lock past its statement timeout") from None
    assert process.returncode == 0, err
    assert "scheduler: course feeds and skills failed" in err
    assert "canceling statement due to statement timeout" in err
    after = err.split("course feeds and skills failed", 1)[1]
    assert "priority scores refreshed" in after  # the next job ran, in the same round
