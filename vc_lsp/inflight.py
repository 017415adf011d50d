"""The registry of running upstream streams, by document: what a keystroke must stop."""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict

log = logging.getLogger(__name__)


class InflightRegistry:
    """Tasks that hold an upstream stream open, keyed by document URI and feature kind.

    Cancelling the task is what closes the stream: the upstream client hangs up in ``finally``.
    """

    def __init__(self) -> None:
        self._tasks: dict[str, dict[asyncio.Task[object], str]] = defaultdict(dict)

    def add(self, uri: str, kind: str, task: asyncio.Task[object]) -> None:
        self._tasks[uri][task] = kind
        task.add_done_callback(lambda t: self._discard(uri, t))

    def _discard(self, uri: str, task: asyncio.Task[object]) -> None:
        tasks = self._tasks.get(uri)
        if tasks is not None:
            tasks.pop(task, None)
            if not tasks:
                del self._tasks[uri]

    def cancel(self, uri: str, kind: str | None = None, *, reason: str = "") -> int:
        """Cancel matching tasks now; returns how many were still running.

        Each task is cancelled once: a second cancellation would land inside its hang-up, and
        httpcore, interrupted while closing a response (``response_closed.failed``), never gives
        the connection back to the pool; after 16 such keystroke pairs every request waited
        for a connection forever (bench/soak.py showed it).
        """
        count = 0
        tasks = self._tasks.get(uri, {})
        for task, task_kind in list(tasks.items()):
            if (kind is None or task_kind == kind) and not task.done():
                del tasks[task]  # no longer ours to stop: it is closing
                task.cancel(reason or None)
                count += 1
        if not tasks:
            self._tasks.pop(uri, None)
        if count:
            log.debug("cancelled %d %s stream(s) for %s (%s)", count, kind or "", uri, reason)
        return count

    def cancel_all(self) -> None:
        for uri in list(self._tasks):
            self.cancel(uri, reason="shutdown")

