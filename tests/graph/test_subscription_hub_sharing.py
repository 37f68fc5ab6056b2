"""One read shared by the subscribers who ask for the same thing (Hub.visible): stopping the
subscription that happened to ask first must not end the others. Before, the others got its
cancellation and strawberry answered each of them with a bare `complete`."""

import asyncio

from graph.subscriptions.hub import Hub


async def test_the_first_asker_stopped_does_not_stop_the_others():
    hub = Hub(engine=None)
    release, loads = asyncio.Event(), []

    async def load():
        loads.append(asyncio.current_task())
        await release.wait()
        return "the claim as this rule sees it"

    first = asyncio.create_task(hub.visible(("seq", 1), load))
    await asyncio.sleep(0)
    others = [asyncio.create_task(hub.visible(("seq", 1), load)) for _ in range(3)]
    await asyncio.sleep(0)
    first.cancel()  # its subscription completed while the read was in flight
    await asyncio.sleep(0)
    release.set()
    assert await asyncio.gather(*others) == ["the claim as this rule sees it"] * 3
    assert first.cancelled()
    assert len(loads) == 2  # one of the others read it again, once, for all of them


async def test_a_waiting_asker_stopped_leaves_the_read_to_the_rest():
    hub = Hub(engine=None)
    release, loads = asyncio.Event(), []

    async def load():
        loads.append(1)
        await release.wait()
        return 42

    first = asyncio.create_task(hub.visible(("seq", 2), load))
    await asyncio.sleep(0)
    waiter = asyncio.create_task(hub.visible(("seq", 2), load))
    await asyncio.sleep(0)
    waiter.cancel()
    release.set()
    assert await first == 42
    await asyncio.gather(waiter, return_exceptions=True)
    assert waiter.cancelled() and loads == [1]


async def test_a_failed_read_reaches_every_asker_and_is_not_remembered():
    hub = Hub(engine=None)
    release = asyncio.Event()

    async def broken():
        await release.wait()
        raise ConnectionError("database went away")

    askers = [asyncio.create_task(hub.visible(("seq", 3), broken)) for _ in range(3)]
    await asyncio.sleep(0)
    release.set()
    results = await asyncio.gather(*askers, return_exceptions=True)
    assert all(isinstance(r, ConnectionError) for r in results)

    async def fine():
        return "read again"

    assert await hub.visible(("seq", 3), fine) == "read again"
