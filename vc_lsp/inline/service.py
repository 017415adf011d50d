"""Inline completion: debounce, cache, one upstream stream per document, stop when complete.

The request handler waits on a separate task that owns the stream. A keystroke cancels that task
(closing the stream) and the handler answers an empty list, never a stale suggestion; a
``$/cancelRequest`` cancels the handler itself, which cancels the task and re-raises.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from ..config import Settings
from ..inflight import InflightRegistry
from ..notify import Notifier
from ..upstream.chunks import Delta, Finish
from ..upstream.client import ChatRequest, UpstreamClient
from ..upstream.errors import UpstreamError
from . import prompt
from .cache import SuggestionCache
from .context import CursorContext, cut
from .postprocess import clean, is_complete

log = logging.getLogger(__name__)
KIND = "inline"


@dataclass(frozen=True, slots=True)
class CompletionQuery:
    """An immutable snapshot of what was asked: text and cursor as of one document version."""

    uri: str
    text: str
    offset: int
    language: str
    invoked: bool
    is_current: Callable[[], bool]
    version: int | None = None


class InlineCompleter:
    def __init__(self, upstream: UpstreamClient, registry: InflightRegistry, notifier: Notifier,
                 settings: Callable[[], Settings]) -> None:
        self._upstream = upstream
        self._registry = registry
        self._notifier = notifier
        self._settings = settings
        self.cache = SuggestionCache()

    async def complete(self, q: CompletionQuery, budget_s: float | None = None) -> list[str]:
        """Items to show; ``[]`` when superseded, failed, or not ready within ``budget_s``."""
        before, after = q.text[: q.offset], q.text[q.offset:]
        self._registry.cancel(q.uri, KIND, reason="superseded")
        cached = self.cache.lookup(q.uri, before, after)
        if cached is not None:
            return cached
        work = asyncio.ensure_future(self._fetch(q, before, after))
        work.add_done_callback(_retrieve)
        self._registry.add(q.uri, KIND, work)
        try:
            done, _ = await asyncio.wait({work}, timeout=budget_s)
        except asyncio.CancelledError:
            work.cancel()
            raise
        if not done:
            return []  # keeps streaming into the cache; the next request may be answered from it
        if work.cancelled() or not q.is_current():
            return []
        exc = work.exception()
        if exc is not None:
            return []  # reported inside _fetch
        return work.result()

    async def _fetch(self, q: CompletionQuery, before: str, after: str) -> list[str]:
        s = self._settings()
        if not q.invoked and s.inline.debounce_ms:
            await asyncio.sleep(s.inline.debounce_ms / 1000)
        ctx = cut(q.text, q.offset, language=q.language, path=q.uri,
                  prefix_chars=s.inline.prefix_chars, suffix_chars=s.inline.suffix_chars)
        try:
            raws = await self._stream(ctx, s)
        except UpstreamError as err:
            self._notifier.upstream(err)
            raise
        except Exception:
            log.exception("inline completion failed")
            raise
        items: list[str] = []
        for raw in raws:
            text = clean(raw, ctx, max_lines=s.inline.max_lines)
            if text and text not in items:
                items.append(text)
        self.cache.put(q.uri, before, after, items)
        return items

    async def _stream(self, ctx: CursorContext, s: Settings) -> list[str]:
        """Raw answers per choice, cut short once every choice is complete."""
        req = ChatRequest(
            model=s.inline_model,
            messages=prompt.messages(ctx),
            temperature=s.inline.temperature if s.inline.temperature is not None
            else s.temperature,
            top_p=s.top_p,
            n=s.inline.n,
            stop=prompt.STOP,
            max_tokens=s.inline.max_tokens,
            seed=s.seed,
            user=s.user,
            extra=s.extra_params,
        )
        if s.log_prompts:
            log.info("inline prompt: %s", req.messages)
        raws: dict[int, str] = {}
        done: set[int] = set()  # complete by our rules while the model was still writing
        finished: set[int] = set()  # ended by the model
        expected = set(range(req.n))
        max_lines = s.inline.max_lines
        t0 = time.perf_counter()
        first: float | None = None
        async with self._upstream.stream(req) as events:
            t_open = time.perf_counter()
            async for event in events:
                if first is None and isinstance(event, Delta):
                    first = time.perf_counter()
                if isinstance(event, Delta):
                    raw = raws.get(event.index, "") + event.text
                    raws[event.index] = raw
                    if ("\n" in event.text or "<" in event.text) and is_complete(
                            raw, ctx, max_lines=max_lines):
                        done.add(event.index)
                elif isinstance(event, Finish):
                    finished.add(event.index)
                if done and done | finished >= expected:
                    break  # hang up: no tokens paid for what we would discard
        # A stream that finished by itself was read to [DONE]: its connection goes back to
        # the pool instead of costing the next completion a new handshake.
        log.debug("inline stream: headers %.1f ms, first token %.1f ms, closed %.1f ms",
                  (t_open - t0) * 1000, ((first or t0) - t0) * 1000,
                  (time.perf_counter() - t0) * 1000)
        return [raws[i] for i in sorted(raws)]


def _retrieve(task: asyncio.Future[list[str]]) -> None:
    """Failures are reported where they happen; don't let asyncio warn about them again."""
    if not task.cancelled():
        task.exception()
