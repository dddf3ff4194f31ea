"""Setting up a race between two connections exactly, without sleeping for it."""

import asyncio

import asyncpg


async def wait_for_lock_wait(pool: asyncpg.Pool, holder: asyncpg.Connection,
                             waiter: asyncio.Future, waiters: int = 1) -> None:
    """Until `waiters` other backends wait for a lock that `holder`'s backend holds (pg_locks),
    so the test goes on exactly when the race it sets up has happened; fails after 30 s, or at
    once with the waiter's own error if it ends without waiting."""
    holder_pid = holder.get_server_pid()
    async with pool.acquire() as conn:
        for _ in range(3000):
            if await conn.fetchval("SELECT count(*) FROM pg_stat_activity "
                                   "WHERE $1 = ANY (pg_blocking_pids(pid))",
                                   holder_pid) >= waiters:
                return
            if waiter.done():
                waiter.result()  # raises the waiter's error, if it failed
                raise AssertionError("the waiter finished without waiting for the lock")
            await asyncio.sleep(0.01)
    waiter.cancel()
    raise AssertionError("the waiter never waited for the holder's lock")
