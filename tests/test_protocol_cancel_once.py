"""A job is stopped once: a second cancellation would interrupt its hang-up, and httpcore,
interrupted while closing a response, keeps the connection out of the pool for good (the soak
bench lost every upstream request after about 150 of them, keystrokes in pairs)."""

from __future__ import annotations

import asyncio

from vc_lsp.work import Kind, Work


async def test_typing_twice_lets_the_first_hang_up_finish() -> None:
    work = Work()
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

    task = work.start("inline", uri="file:///a.py", kind=Kind.INLINE).run(stream())
    await asyncio.sleep(0)
    assert work.stop("file:///a.py", Kind.INLINE, reason="document changed") == 1
    await hanging_up.wait()
    work.on_change("file:///a.py")  # another keystroke
    assert work.stop("file:///a.py", Kind.INLINE, reason="superseded") == 0
    work.on_close("file:///a.py")
    release.set()
    await asyncio.wait({task})
    assert closed.is_set() and task.cancelled()


async def test_other_documents_and_kinds_are_left_running() -> None:
    work = Work()
    forever = asyncio.Event()
    tasks = {
        "a-inline": work.start("a", uri="file:///a.py", kind=Kind.INLINE).run(forever.wait()),
        "a-edit": work.start("a", uri="file:///a.py", kind=Kind.EDIT).run(forever.wait()),
        "b": work.start("b", uri="file:///b.py", kind=Kind.INLINE).run(forever.wait()),
    }
    work.on_change("file:///a.py")
    await asyncio.wait({tasks["a-inline"]})
    assert not tasks["a-edit"].done() and not tasks["b"].done()
    await work.shutdown()
    assert all(t.cancelled() for t in tasks.values())
