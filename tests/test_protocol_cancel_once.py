"""A stream is cancelled once: a second cancellation would interrupt its hang-up, and httpcore,
interrupted while closing a response, keeps the connection out of the pool for good (the soak
bench lost every upstream request after about 150 of them, keystrokes in pairs)."""

from __future__ import annotations

import asyncio

from vc_lsp.inflight import InflightRegistry


async def test_typing_twice_lets_the_first_hang_up_finish() -> None:
    registry = InflightRegistry()
    hanging_up = asyncio.Event()
    closed = asyncio.Event()
    release = asyncio.Event()

    async def stream() -> None:
        try:
            await asyncio.Event().wait()  # streaming
        finally:
            hanging_up.set()
            await release.wait()  # the close awaits (httpcore's response close does)
            closed.set()

    task = asyncio.ensure_future(stream())
    registry.add("file:///a.py", "inline", task)
    await asyncio.sleep(0)
    assert registry.cancel("file:///a.py", "inline", reason="document changed") == 1
    await hanging_up.wait()
    assert registry.cancel("file:///a.py", "inline", reason="document changed") == 0
    assert registry.cancel("file:///a.py", reason="document closed") == 0
    release.set()
    await asyncio.wait({task})
    assert closed.is_set() and task.cancelled()


async def test_other_documents_and_kinds_are_left_running() -> None:
    registry = InflightRegistry()
    forever = asyncio.Event()
    tasks = {name: asyncio.ensure_future(forever.wait()) for name in ("a-inline", "a-edit", "b")}
    registry.add("file:///a.py", "inline", tasks["a-inline"])
    registry.add("file:///a.py", "edit", tasks["a-edit"])
    registry.add("file:///b.py", "inline", tasks["b"])
    assert registry.cancel("file:///a.py", "inline") == 1
    await asyncio.wait({tasks["a-inline"]})
    assert not tasks["a-edit"].done() and not tasks["b"].done()
    registry.cancel_all()
    await asyncio.wait(tasks.values())
    assert all(t.cancelled() for t in tasks.values())
