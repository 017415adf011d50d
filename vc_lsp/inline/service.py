"""Inline completion: debounce, cache, one upstream stream per document, stop when complete.

The request handler waits on a separate job that owns the stream (a ``_Flight``). A keystroke
stops that job (closing the stream) and the handler answers an empty list, never a stale
suggestion; a ``$/cancelRequest`` cancels the handler itself, which stops the job and re-raises.
One keystroke does not stop it: typing exactly what the stream has already written. Then the
stream goes on and the request at the new cursor is answered from it, minus what was typed.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..config import Settings
from ..documents import Document, Text
from ..feature import Changes, Feature
from ..messages import fit
from ..notify import Notifier
from ..privacy import Redaction
from ..stats import LatencyStats
from ..upstream.chunks import Delta, Finish
from ..upstream.client import ChatRequest, UpstreamClient
from ..upstream.errors import UpstreamError
from ..upstream.limits import AnswerBudget
from ..work import Job, Kind, Work
from . import prompt
from .cache import SuggestionCache, untyped
from .context import CursorContext, cut
from .postprocess import clean, is_complete
from .query import CompletionQuery as CompletionQuery
from .rhythm import Rhythm
from .spot import Spot

if TYPE_CHECKING:
    from ..context import ContextService

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class _Answer:
    items: list[str]
    answered_at: float  # perf_counter when the stream gave its last needed event


@dataclass(eq=False, slots=True)
class _Flight:
    """One request to the model: where it was asked, and what it has written so far."""

    spot: Spot
    max_lines: int
    ctx: CursorContext | None = None
    raws: dict[int, str] = field(default_factory=dict)

    def typed(self, spot: Spot) -> str | None:
        """What was typed at this flight's cursor to reach ``spot`` (``""``: the same cursor)."""
        return spot.typed_since(self.spot)

    def wrote(self, typed: str) -> bool:
        """Whether some answer, as far as it has streamed, already starts with ``typed``."""
        ctx = self.ctx
        return ctx is not None and any(
            clean(raw, ctx, max_lines=self.max_lines).startswith(typed)
            for raw in self.raws.values())

    def survives(self, text: Text) -> bool:
        """A ``didChange`` made ``text``: keep streaming if the user typed what we wrote."""
        typed = self.typed(Spot(text, self.spot.offset + len(text) - len(self.spot)))
        return self.wrote(typed) if typed else False


class InlineCompleter(Feature):
    """Owns the inline path: at most one upstream stream per document at any time."""

    def __init__(self, upstream: UpstreamClient, work: Work, notifier: Notifier,
                 stats: LatencyStats | None = None, context: ContextService | None = None
                 ) -> None:
        self._upstream = upstream
        self._work = work
        self._context = context
        self._notifier = notifier
        self.stats = stats or LatencyStats()
        self.cache = SuggestionCache()
        # Items another feature already has for this cursor (next-edit suggestions: the next
        # edit is an insertion here); when it gives any, no request is made.
        self.next_edit: Callable[[CompletionQuery, Settings], list[str]] | None = None
        self.rhythm = Rhythm()
        self.counts: Counter[str] = Counter()  # how requests were answered, for vc/stats

    # -- lifecycle -------------------------------------------------------------------------

    def on_change(self, doc: Document, changes: Changes) -> None:
        self.rhythm.changed(doc.uri, changes)

    def on_close(self, uri: str) -> None:
        self.cache.drop(uri)
        self.rhythm.forget(uri)

    def on_settings(self, settings: Settings) -> None:
        self.cache.clear()  # suggestions made under other settings are not reused

    # -- requests --------------------------------------------------------------------------

    async def complete(self, q: CompletionQuery, settings: Settings,
                       budget_s: float | None = None) -> list[str]:
        """Items to show; ``[]`` when superseded, failed, or not ready within ``budget_s``."""
        entered = time.perf_counter()
        if self._context is not None and self._context.excluded(q.uri) is not None:
            message = self._context.refusal(q.uri)
            if message:
                self._notifier.say(message)
            return []
        if self.next_edit is not None and (found := self.next_edit(q, settings)):
            return found
        spot = Spot(q.text, q.offset)
        job, typed = self._join(q.uri, spot)
        if job is None:
            self._work.stop(q.uri, Kind.INLINE, reason="superseded")
            cached = self.cache.lookup(q.uri, spot)
            if cached is not None:
                self.counts["fromCache"] += 1
                return cached
            flight = _Flight(spot, settings.inline.max_lines)
            job = self._work.start("inline completion", uri=q.uri, kind=Kind.INLINE, key=flight)
            job.survives = flight.survives
            job.run(self._fetch(q, settings, flight, entered))
        work = job.task
        assert work is not None
        try:
            done, _ = await asyncio.wait({work}, timeout=budget_s)
        except asyncio.CancelledError:
            job.stop("request cancelled")  # $/cancelRequest: once, if nothing stopped it yet
            raise
        if not done:
            return []  # it streams on into the cache; asking again here joins it
        if work.cancelled() or work.exception() is not None or not q.is_current():
            return []  # failures were reported where they happened
        answer: _Answer = work.result()
        if typed:
            self.counts["typedAlong"] += 1
            answer = _Answer(untyped(answer.items, typed), answer.answered_at)
        if self._context is not None and answer.items:
            self._context.suggested(q.uri, q.offset, answer.items)
        now = time.perf_counter()
        self.stats.add("inlineFinish", (now - answer.answered_at) * 1000)
        self.stats.add("inlineTotal", (now - entered) * 1000)
        return answer.items

    def in_flight(self) -> list[dict[str, object]]:
        """Characters each running stream has written so far, by document (``vc/stats``; a
        list, as URIs make poor keys for clients that turn objects into attributes)."""
        return [{"uri": uri, "chars": max(map(len, job.key.raws.values()), default=0)}
                for job in self._work.jobs(kind=Kind.INLINE)
                if isinstance(job.key, _Flight) and not job.stopped for uri in sorted(job.uris)]

    def pause_ms(self, settings: Settings) -> int:
        """The pause an automatic request waits for now (``inline.debounceMs``, adapted)."""
        return round(self.rhythm.debounce_s(settings.inline) * 1000)

    def joining(self, q: CompletionQuery) -> Job | None:
        """The running job ``q`` would be answered from (the status binds it to its attempt)."""
        return self._join(q.uri, Spot(q.text, q.offset))[0]

    def _join(self, uri: str, spot: Spot) -> tuple[Job | None, str]:
        """The running request for this cursor, if any, and what was typed since it was asked:
        asking twice costs one stream, and so does typing what the stream already wrote."""
        for job in self._work.jobs(uri, Kind.INLINE):
            flight = job.key
            if not isinstance(flight, _Flight) or job.task is None or job.stopped:
                continue
            typed = flight.typed(spot)
            if typed == "" or (typed and flight.wrote(typed)):
                return job, typed
        return None, ""

    async def _fetch(self, q: CompletionQuery, s: Settings, flight: _Flight,
                     entered: float) -> _Answer:
        if not q.invoked:
            delay = self.rhythm.debounce_s(s.inline)
            if delay:
                await asyncio.sleep(delay)
                entered = time.perf_counter()
        messages, ctx, redaction = self.prompt(q, s)
        flight.ctx = ctx
        try:
            raws, answered_at = await self._stream(ctx, s, entered, messages, flight.raws)
        except UpstreamError as err:  # told once here; an unexpected error is logged by Work
            self._notifier.upstream(err)
            return _Answer([], time.perf_counter())
        items: list[str] = []
        for raw in raws:
            text = clean(raw, ctx, max_lines=s.inline.max_lines)
            if text and redaction is not None:
                text = redaction.restore(text)  # the user's own secret, back in their file
            if text and text not in items:
                items.append(text)
        self.cache.put(q.uri, flight.spot, items)
        return _Answer(items, answered_at)

    def prompt(self, q: CompletionQuery, s: Settings
               ) -> tuple[list[dict[str, str]], CursorContext, Redaction | None]:
        """The messages for ``q``, the cursor context the answer is cleaned against, and the
        secrets replaced in them (to put back into the answer)."""
        shown = self._context.shown(q.uri) if self._context is not None else None
        ctx = cut(q.text, q.offset, language=q.language, path=q.uri,
                  prefix_chars=s.inline.prefix_chars, suffix_chars=s.inline.suffix_chars,
                  shown_path=shown)
        context = None
        if self._context is not None:
            window = (q.offset - len(ctx.prefix), q.offset + len(ctx.suffix))
            context = self._context.inline(q.uri, q.text, q.offset, q.language, q.version,
                                           window, s)
            self.stats.add("inlineContext", self._context.last_ms)
        redaction = Redaction() if s.context.redact_secrets else None
        return prompt.messages(ctx, context, redaction), ctx, redaction

    async def _stream(self, ctx: CursorContext, s: Settings, entered: float,
                      messages: list[dict[str, str]], raws: dict[int, str]
                      ) -> tuple[list[str], float]:
        """Raw answers per choice (kept in ``raws`` as they grow), cut short once every
        choice is complete."""
        req = ChatRequest.for_feature(s, "inline", messages, n=s.inline.n, stop=prompt.STOP)
        budgets: dict[int, AnswerBudget] = {}
        done: set[int] = set()  # complete by our rules while the model was still writing
        finished: set[int] = set()  # ended by the model
        expected = set(range(req.n))
        max_lines = s.inline.max_lines
        started = time.perf_counter()
        self.stats.add("inlinePrepare", (started - entered) * 1000)
        async with self._upstream.stream(req) as events:
            async for event in events:
                if isinstance(event, Delta):
                    raw = raws.get(event.index, "") + event.text
                    raws[event.index] = raw
                    budget = budgets.setdefault(event.index, AnswerBudget(
                        s.inline.max_answer_chars, s.inline.max_answer_lines))
                    if budget.spend(event.text):
                        done.add(event.index)  # a runaway: its start is all that is used
                        self._notifier.warn_once("limit:inline", fit(
                            "vc-lsp: a completion ran {why}; its start is used.",
                            why=budget.words("inline"), whole=("why",)))
                    elif ("\n" in event.text or "<" in event.text) and is_complete(
                            raw, ctx, max_lines=max_lines):
                        done.add(event.index)
                elif isinstance(event, Finish):
                    finished.add(event.index)
                if done and done | finished >= expected:
                    break  # hang up: no tokens paid for what we would discard
        # A stream that finished by itself was read to [DONE]: its connection goes back to
        # the pool instead of costing the next completion a new handshake.
        answered_at = time.perf_counter()
        self.rhythm.answered(answered_at - started)
        return [raws[i] for i in sorted(raws)], answered_at

