"""Stopping a sync's lease renewal (`syncs._stop`) when the sync ends must not swallow a cancel
aimed at the sync's own caller (a request given up, a server shutting down) that arrives while
the renewal is still winding down: the caller would carry on as if never cancelled."""

import asyncio

from service.courses import syncs


def slow_to_stop() -> tuple[asyncio.Task, asyncio.Event, asyncio.Event, asyncio.Event]:
    """A renewal that, once cancelled, takes until `release` to end (as one giving its
    connection back does), and says when it has begun to stop."""
    started, stopping, release = asyncio.Event(), asyncio.Event(), asyncio.Event()

    async def renewal() -> None:
        try:
            started.set()
            await asyncio.Event().wait()
        finally:
            stopping.set()
            await release.wait()

    return asyncio.create_task(renewal()), started, stopping, release


async def test_a_cancel_of_the_caller_while_the_renewal_stops_reaches_the_caller():
    renewal, started, stopping, release = slow_to_stop()
    await started.wait()

    async def sync_ending() -> str:
        await syncs._stop(renewal)
        return "carried on"

    caller = asyncio.create_task(sync_ending())
    await stopping.wait()
    caller.cancel()
    await asyncio.wait([caller])
    assert caller.cancelled()
    release.set()
    await asyncio.wait([renewal])
    assert renewal.cancelled()


async def test_stopping_a_renewal_waits_for_it_to_end():
    renewal, started, stopping, release = slow_to_stop()
    await started.wait()
    release.set()
    await syncs._stop(renewal)
    assert renewal.cancelled() and stopping.is_set()
