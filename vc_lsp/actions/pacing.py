"""When a session writes its next update: new text wakes it, at most every ``throttle_s``.

Edits and explanations both stream into the editor this way: one update per batch of new
lines, never per token, and a stop wakes the session at once wherever it waits. Computing an
update costs more as the answer grows, so the pause after one is at least ten times what it
cost: the share of the event loop an answer takes stays bounded however long it gets.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Iterator


class Pacer:
    def __init__(self, throttle_s: float) -> None:
        self._throttle_s = throttle_s
        self._wake = asyncio.Event()
        self._stopped = asyncio.Event()
        self._last = float("-inf")
        self._cost = 0.0  # seconds the last update took to compute

    def poke(self) -> None:
        """There is something new to show."""
        self._wake.set()

    def stop(self) -> None:
        self._stopped.set()
        self._wake.set()

    async def wait(self) -> None:
        """Until there is something new to show (or a stop)."""
        await self._wake.wait()
        self._wake.clear()

    async def hold(self) -> bool:
        """Wait out the rest of the throttle since the last update; False when stopped."""
        spacing = max(self._throttle_s, 10 * self._cost)
        pause = self._last + spacing - asyncio.get_running_loop().time()
        if pause > 0:
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._stopped.wait(), pause)
        return not self._stopped.is_set()

    def sent(self) -> None:
        """An update was just shown."""
        self._last = asyncio.get_running_loop().time()

    @contextlib.contextmanager
    def working(self) -> Iterator[None]:
        """Measure what computing an update costs."""
        started = time.perf_counter()
        try:
            yield
        finally:
            self._cost = time.perf_counter() - started
