"""The one status of the server, worked out from what happens, sent only when it changes.

Inputs: every upstream call starting and ending (busy, errors, pauses: the reporter observes
the client), the document a request is about (off for an excluded file, or completions turned
off), the daily budget, the start-up check. The status is the most important of them:

    error  >  paused  >  budget reached  >  off for this file  >  working  >  ready

``busy`` is true while any call is in flight whatever the status, as in Copilot's format. An
error clears with the next call the API answers (or a settings change); a pause when it ends.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from ..upstream.calls import CallRecord
from ..upstream.errors import UpstreamError
from . import words
from .model import USAGE_COMMAND, WHY_COMMAND, Kind, State, Status

if TYPE_CHECKING:
    from ..upstream.client import ChatRequest

Send = Callable[[Status], None]
BUSY_WORDS = {"inline": "Completing…", "actions": "Writing…"}


class StatusReporter:
    def __init__(self, send: Send, clock: Callable[[], float] = time.monotonic) -> None:
        self._send = send
        self._clock = clock
        self._busy: dict[str, int] = {}
        self._error: tuple[Kind, str] | None = None
        self._paused_until = 0.0
        self._paused_why = ""
        self._pause_message = ""
        self._pause_timer: asyncio.TimerHandle | None = None
        self._budget: str | None = None
        self._off: tuple[str, str] | None = None  # (uri, why) of the document in front
        self.current: Status | None = None
        self.busy_listeners: list[Callable[[bool, str], None]] = []

    # -- what happens ---------------------------------------------------------------------

    def call_started(self, req: ChatRequest) -> None:
        was = self.busy
        feature = req.feature or "other"
        self._busy[feature] = self._busy.get(feature, 0) + 1
        self._update(busy_changed=not was)

    def call_ended(self, req: ChatRequest, record: CallRecord) -> None:
        feature = req.feature or "other"
        left = self._busy.get(feature, 0) - 1
        if left > 0:
            self._busy[feature] = left
        else:
            self._busy.pop(feature, None)
        if record.error is not None:
            self.failed(record.error, update=False)
        elif record.responded:
            self._error = None  # the key, the model and the network work
        self._update(busy_changed=not self.busy)

    def call_refused(self, req: ChatRequest, err: UpstreamError) -> None:
        self.failed(err)

    def failed(self, err: UpstreamError, *, update: bool = True) -> None:
        """An upstream failure (a call's, or the start-up check's)."""
        if words.pauses(err):
            seconds, why = words.pause(err)
            until = self._clock() + seconds
            if until > self._paused_until:
                self._paused_until, self._paused_why = until, why
                self._pause_message = f"Paused {seconds:g} s: {why}"
                self._wake_at(seconds)
        else:
            self._error = words.failure(err)
        if update:
            self._update()

    def reachable(self) -> None:
        """The API answered (the start-up check): an earlier error is over."""
        self._error = None
        self._update()

    def focus(self, uri: str, off: str | None) -> None:
        """A request for ``uri`` arrived; ``off`` says why it gets no completions, if so."""
        self._off = (uri, off) if off else None
        self._update()

    def budget(self, reached: str | None) -> None:
        """``reached``: the words for a daily budget that is used up, or ``None``."""
        self._budget = reached
        self._update()

    def reset(self) -> None:
        """Settings changed: the user may have fixed what was wrong."""
        self._error = None
        self._update()

    # -- the status ------------------------------------------------------------------------

    @property
    def busy(self) -> bool:
        return bool(self._busy)

    def status(self) -> Status:
        busy = self.busy
        if self._error is not None:
            kind, message = self._error
            return Status(kind, State.ERROR, message, busy, WHY_COMMAND)
        if self._clock() < self._paused_until:
            return Status(Kind.WARNING, State.PAUSED, self._pause_message, busy, WHY_COMMAND)
        if self._budget is not None:
            return Status(Kind.WARNING, State.BUDGET, self._budget, busy, USAGE_COMMAND)
        if self._off is not None:
            uri, why = self._off
            return Status(Kind.INACTIVE, State.DISABLED, why, busy, WHY_COMMAND, uri)
        if busy:
            feature = next(iter(self._busy))
            return Status(Kind.NORMAL, State.WORKING,
                          BUSY_WORDS.get(feature, f"Working ({feature})…"), True)
        return Status(Kind.NORMAL, State.IDLE, "Ready")

    def announce(self) -> None:
        """Send the status even if it did not change (the client just started)."""
        self.current = None
        self._update()

    def _update(self, *, busy_changed: bool = False) -> None:
        status = self.status()
        if busy_changed:
            for listener in self.busy_listeners:
                listener(status.busy, status.message)
        if status != self.current:
            self.current = status
            self._send(status)

    def _wake_at(self, seconds: float) -> None:
        """Send the status again when the pause is over."""
        if self._pause_timer is not None:
            self._pause_timer.cancel()
        with contextlib.suppress(RuntimeError):  # no running loop (unit tests)
            self._pause_timer = asyncio.get_running_loop().call_later(
                max(seconds, 0.0) + 0.01, self._pause_over)

    def _pause_over(self) -> None:
        self._pause_timer = None
        self._update()

    def close(self) -> None:
        if self._pause_timer is not None:
            self._pause_timer.cancel()
            self._pause_timer = None
