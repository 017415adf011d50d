"""Read an action's answer from the upstream into its session, line by line."""

from __future__ import annotations

import asyncio
import logging
from typing import Protocol

from ..upstream.chunks import Delta, Finish
from ..upstream.client import ChatRequest, UpstreamClient
from ..upstream.errors import UpstreamError
from ..upstream.limits import AnswerBudget

log = logging.getLogger(__name__)


class Reading:
    """A session's reader task. It is cancelled at most once, whoever asks first: a second
    cancel would interrupt the first one's hang-up and leave the upstream streaming."""

    def __init__(self) -> None:
        self._task: asyncio.Task[None] | None = None
        self._hung_up = False

    def attach(self, task: asyncio.Task[None]) -> None:
        self._task = task
        if self._hung_up:  # the session stopped before its reader started
            self._hung_up = False
            self.hang_up()

    def hang_up(self) -> None:
        if self._hung_up:
            return
        self._hung_up = True
        if self._task is not None and not self._task.done():
            self._task.cancel()


class Sink(Protocol):
    """What a session offers the reader: it is fed whole lines and told how the answer ended."""

    def offer(self, raw: str) -> None: ...
    def has_enough(self, raw: str) -> bool: ...
    def finish(self, raw: str, *, truncated: bool = False) -> None: ...
    def fail(self, message: str) -> None: ...
    def cancel(self) -> None: ...


class Session(Sink, Protocol):
    """A streamed action: a sink that owns its reader."""

    reading: Reading


async def pump(upstream: UpstreamClient, request: ChatRequest, sink: Sink,
               budget: AnswerBudget) -> None:
    """Read the answer into ``sink``, at most ``budget`` of it; leaving early (or being
    cancelled) hangs up. Deltas are joined once per line, not once per delta."""
    parts: list[str] = []
    raw, reason = "", ""
    try:
        async with upstream.stream(request) as events:
            async for event in events:
                if isinstance(event, Delta) and event.index == 0:
                    parts.append(event.text)
                    if budget.spend(event.text):
                        sink.fail(budget.words("actions"))
                        return
                    if "\n" in event.text:
                        raw = "".join(parts)
                        parts = [raw]
                        sink.offer(raw)
                        if sink.has_enough(raw):
                            break
                elif isinstance(event, Finish) and event.index == 0:
                    reason = event.reason
        raw = "".join(parts)
    except UpstreamError as err:
        log.warning("%s", err.full_message())  # the whole story; the user gets a line
        sink.fail(err.summary())
        return
    except asyncio.CancelledError:
        sink.cancel()  # a no-op when the session stopped itself; otherwise it must not wait
        raise
    except Exception as exc:
        log.exception("action stream failed")
        sink.fail(f"internal error ({type(exc).__name__}); see the log")
        return
    sink.finish(raw, truncated=reason == "length")
