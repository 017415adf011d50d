"""``NextEditService``: predicts the user's next edit after a pause, and follows it until it is
taken, typed over, dismissed or no longer applies.

After a user edit (told apart from the server's own by the context engine's ``EditHistory``)
the document gets one ``NES`` job: it waits for a pause (``Pace``), cuts the editable region,
asks the model with the recent edits and keeps the minimal edits of its answer as the
document's suggestion. Typing stops the job (``Work``'s table), so its stream is closed and its
answer never lands on text it was not made for. A suggestion is rebased over every later change
(``suggestion.rebase``); one the user typed over is remembered, by the text it was for, so that
the same prediction is not shown again. Requests (``textDocument/copilotInlineEdit``, code
actions, inline completion) only read the suggestion or wait for the job: one upstream stream
per document, whoever asks.
"""

from __future__ import annotations

import asyncio
import contextlib
import difflib
import itertools
import logging
import time
from collections import Counter, OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..config import Settings
from ..documents import Document
from ..feature import Changes, Feature
from ..notify import Notifier
from ..privacy import Redaction
from ..stats import LatencyStats
from ..upstream.chunks import Delta, Finish
from ..upstream.client import ChatRequest, UpstreamClient
from ..upstream.errors import UpstreamError
from ..work import Job, Kind, Work
from . import clean, prompt
from .edits import Edit, apply, diff, fingerprint, undoes
from .pace import Pace
from .region import Region, cut
from .suggestion import Suggestion, change_between, rebase

if TYPE_CHECKING:
    from ..context import ContextService
    from ..inline.query import CompletionQuery

log = logging.getLogger(__name__)
EDITS_HERE = 6  # this document's most recent hunks in the prompt
EDITS_ELSEWHERE = 3  # and the last few in other documents
REJECTED_KEPT = 64  # rejections remembered per document
EXPECTED_KEPT = 8  # single edits whose application is announced as the server's own
ANSWER_FACTOR, ANSWER_SLACK = 4, 8_000  # characters read at most: 4 regions and some reasoning
MIN_REGION_CHECKED = 12  # lines; smaller regions (small files) are taken as answered
ALIKE = 0.6  # similarity at which an answer line is taken for a region line, edited
MAX_REMOVED = 0.5  # of a region's text an answer may remove before it is taken for a fragment


@dataclass(eq=False)
class _Prediction:
    job: Job
    hurry: asyncio.Event  # set: skip what is left of the pause (someone is asking now)


@dataclass(eq=False)
class _Doc:
    doc: Document  # a snapshot of the document as last seen
    pace: Pace = field(default_factory=Pace)
    seq: int = 0  # the newest user hunk seen in the edit history
    cursor: int = 0  # where the last change left the cursor (didChange does not say)
    suggestion: Suggestion | None = None
    prediction: _Prediction | None = None
    empty: int | None = None  # the version a finished prediction found nothing for
    rejected: OrderedDict[tuple[str, str], None] = field(default_factory=OrderedDict)


class NextEditService(Feature):
    """Owns next-edit prediction: at most one prediction (one upstream stream) per document."""

    def __init__(self, upstream: UpstreamClient, work: Work, notifier: Notifier,
                 context: ContextService, settings: Settings,
                 stats: LatencyStats | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._upstream = upstream
        self._work = work
        self._notifier = notifier
        self._context = context
        self._clock = clock
        self.settings = settings  # the server's, for predictions no request asked for
        self.stats = stats or LatencyStats()
        self.counts: Counter[str] = Counter()
        # Predictions start by themselves only once the editor has asked for one (Copilot's
        # request, or an action menu the user opened): an editor that never shows them must
        # not cost a request at every pause.
        self.wanted = False
        self._docs: dict[str, _Doc] = {}
        self._ids = itertools.count(1)
        self._owners: OrderedDict[str, str] = OrderedDict()  # suggestion id -> uri

    # -- lifecycle ---------------------------------------------------------------------------

    def on_open(self, doc: Document) -> None:
        latest = self._context.history.latest(doc.uri)
        self._docs[doc.uri] = _Doc(doc.snapshot(), seq=latest.seq if latest else 0)

    def on_change(self, doc: Document, changes: Changes) -> None:
        """After the edit history saw the change: rebase the suggestion, and after a user
        edit with nothing left to show, start the next prediction (it waits for a pause)."""
        del changes
        st = self._docs.get(doc.uri)
        if st is None:
            self.on_open(doc)
            return
        old = st.doc.source
        st.doc = doc.snapshot()
        text = st.doc.source
        if text == old:
            if st.suggestion is not None:
                st.suggestion = rebase(st.suggestion, text, doc.version).suggestion
            return
        change = change_between(old, text)
        st.cursor = change.start + len(change.text)
        st.empty = None
        latest = self._context.history.latest(doc.uri)
        user = latest is not None and latest.seq > st.seq
        if latest is not None:
            st.seq = max(st.seq, latest.seq)
        if user:
            st.pace.note(self._clock(), self.settings.nes.debounce_ms / 1000)
        finished = False
        if st.suggestion is not None:
            finished = self._rebase(st, old, text, doc.version)
        if st.suggestion is None and (user or finished) and self.wanted \
                and self.settings.nes.enabled:
            self._start(st, self.settings, st.cursor, hurry=False)

    def on_close(self, uri: str) -> None:
        st = self._docs.pop(uri, None)
        if st is not None and st.suggestion is not None:
            self._owners.pop(st.suggestion.id, None)

    def on_settings(self, settings: Settings) -> None:
        self.settings = settings
        for st in self._docs.values():
            st.suggestion = None  # made under other settings
            st.empty = None
        if not settings.nes.enabled:
            self._work.stop(kind=Kind.NES, reason="nes.enabled is off")

    # -- what requests get -------------------------------------------------------------------

    def current(self, uri: str, version: int | None) -> Suggestion | None:
        """The document's suggestion, if it is for exactly ``version``."""
        st = self._docs.get(uri)
        if st is None or st.suggestion is None or st.doc.version != version:
            return None
        return st.suggestion if st.suggestion.version == version else None

    def document(self, uri: str) -> Document | None:
        st = self._docs.get(uri)
        return st.doc if st is not None else None

    async def suggest(self, uri: str, offset: int, version: int | None, settings: Settings, *,
                      invoked: bool, wait_s: float | None = None) -> Suggestion | None:
        """The suggestion for ``version``: the one kept, else the prediction being made (made
        now when ``invoked``); a new one for an automatic request only if this version was not
        predicted yet. ``None`` when typing stopped it, or after ``wait_s``."""
        st = self._docs.get(uri)
        if st is None or st.doc.version != version or not settings.nes.enabled:
            return None
        self.wanted = True
        if self._context.excluded(uri) is not None:
            message = self._context.refusal(uri)
            if message:
                self._notifier.say(message)
            return None
        if st.suggestion is not None:
            return self.current(uri, version)
        pred = st.prediction
        if pred is None or pred.job.stopped or pred.job.done:
            if not invoked and st.empty == version:
                return None
            pred = self._start(st, settings, offset, hurry=invoked)
            if pred is None:
                return None
        elif invoked:
            pred.hurry.set()
        task = pred.job.task
        assert task is not None
        await asyncio.wait({task}, timeout=wait_s)  # never cancels the prediction itself
        return self.current(uri, version)

    async def pending(self, uri: str, version: int | None, settings: Settings, *,
                      invoked: bool) -> Suggestion | None:
        """For a code action list: the suggestion. When the user opened the list
        (``invoked``), a prediction on its way is hurried, or one is made for a version with
        edits not predicted yet, and waited for up to ``nes.waitMs``."""
        st = self._docs.get(uri)
        if st is None or st.doc.version != version:
            return None
        if not invoked or st.suggestion is not None:
            return self.current(uri, version)
        self.wanted = True
        pred = st.prediction
        if pred is None or pred.job.stopped or pred.job.done:
            if not st.seq or st.empty == version:
                return None  # nothing edited yet, or this text was predicted already
            pred = self._start(st, settings, st.cursor, hurry=True)
            if pred is None:
                return None
        pred.hurry.set()
        wait = settings.nes.wait_ms / 1000
        if pred.job.task is not None and wait > 0:
            await asyncio.wait({pred.job.task}, timeout=wait)
        return self.current(uri, version)

    def inline_items(self, q: CompletionQuery, settings: Settings) -> list[str]:
        """The inline completion hook: the suggestion's insertion at exactly the cursor."""
        if not settings.nes.enabled:
            return []
        s = self.current(q.uri, q.version)
        if s is None:
            return []
        return [e.new for e in s.edits if e.insertion and e.start == q.offset][:1]

    def accepted(self, suggestion_id: str) -> None:
        """An edit was accepted through its command (the text change says which one)."""
        self._count("accepted", suggestion_id)

    def shown(self, suggestion_id: str) -> None:
        self._count("shown", suggestion_id)

    def dismiss(self, uri: str | None = None, suggestion_id: str | None = None) -> bool:
        """The user dismissed the suggestion: it is rejected, and not shown again for that
        text. Returns whether there was one."""
        if uri is None and suggestion_id is not None:
            uri = self._owners.get(suggestion_id)
        st = self._docs.get(uri) if uri else None
        if st is None or st.suggestion is None:
            return False
        if suggestion_id is not None and st.suggestion.id != suggestion_id:
            return False
        for e in st.suggestion.edits:
            self._remember(st, fingerprint(st.suggestion.text, e))
        self._count("dismissed", st.suggestion.id)
        self._owners.pop(st.suggestion.id, None)
        st.suggestion = None
        st.empty = st.doc.version  # no new prediction for this text unless asked
        return True

    # -- predictions -------------------------------------------------------------------------

    def _start(self, st: _Doc, settings: Settings, cursor: int, *,
               hurry: bool) -> _Prediction | None:
        uri = st.doc.uri
        self._work.stop(uri, Kind.NES, reason="superseded")
        st.prediction = None
        if self._context.excluded(uri) is not None:
            return None
        job = self._work.start("next-edit prediction", uri=uri, kind=Kind.NES)
        pred = _Prediction(job, asyncio.Event())
        if hurry:
            pred.hurry.set()
        st.prediction = pred
        job.run(self._predict(st, pred, st.doc, cursor, settings))
        return pred

    async def _predict(self, st: _Doc, pred: _Prediction, doc: Document, cursor: int,
                       s: Settings) -> None:
        delay = 0.0 if pred.hurry.is_set() else st.pace.delay(s.nes.debounce_ms / 1000)
        if delay > 0:
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(pred.hurry.wait(), delay)
        entered = time.perf_counter()
        text = doc.source
        language = doc.language_id or ""
        region = cut(text, cursor, s.nes.region_lines)
        redaction = Redaction() if s.context.redact_secrets else None
        messages = prompt.messages(region, self._context.shown(doc.uri), language,
                                   self._diffs(doc.uri), redaction)
        req = ChatRequest.for_feature(s, "nes", messages)
        self.stats.add("nesPrepare", (time.perf_counter() - entered) * 1000)
        self._count("requested", None)
        try:
            raw, finish = await self._stream(req, region, language)
        except UpstreamError as err:  # told once here; anything else is logged by Work
            self._notifier.upstream(err)
            return
        answered = time.perf_counter()
        if redaction is not None:
            raw = redaction.restore(raw)
        edits = self._edits(st, doc, region, raw, finish, language)
        if st.prediction is not pred or st.doc.version != doc.version:
            return  # not for this text any more (typing stops the job; this is the proof)
        st.prediction = None
        if not edits:
            st.empty = doc.version
            return
        suggestion = Suggestion(f"nes-{next(self._ids)}", doc.uri, doc.version, text,
                                tuple(edits), self._basis(doc))
        st.suggestion = suggestion
        self._owners[suggestion.id] = doc.uri
        while len(self._owners) > 256:
            self._owners.popitem(last=False)
        self._expect(st)
        self._count("suggested", suggestion.id)
        self.stats.add("nesFinish", (time.perf_counter() - answered) * 1000)

    async def _stream(self, req: ChatRequest, region: Region, language: str
                      ) -> tuple[str, str | None]:
        """The first choice's text, read until its block closed (then the stream is left,
        which hangs up) or the model finished."""
        raw = ""
        finish: str | None = None
        limit = ANSWER_FACTOR * (region.end - region.start) + ANSWER_SLACK
        async with self._upstream.stream(req) as events:
            async for event in events:
                if isinstance(event, Delta) and event.index == 0:
                    raw += event.text
                    if len(raw) > limit:  # a runaway: far longer than any rewrite of the region
                        log.info("next edit: the answer outgrew the region; dropped")
                        return "", "length"
                    if any(c in event.text for c in "\n`>") and clean.complete(
                            raw, region, language):
                        break
                elif isinstance(event, Finish) and event.index == 0:
                    finish = event.reason
        return raw, finish

    def _edits(self, st: _Doc, doc: Document, region: Region, raw: str, finish: str | None,
               language: str) -> list[Edit]:
        """The answer's minimal edits that are predictions: not an undo of the user's edit,
        not rejected before, from an answer that is the region rewritten and not cut off."""
        lines = clean.answer(raw, region, language)
        if lines is None or (finish == "length" and not clean.complete(raw, region, language)):
            return []
        edits = diff(region, lines)
        if not _rewrite(region, lines, edits):
            log.info("next edit: the answer is not the region rewritten; dropped")
            return []
        hunks = self._context.history.hunks(doc.uri)
        text = doc.source
        kept = []
        for e in edits:
            if fingerprint(text, e) in st.rejected:
                continue
            if undoes(e, text, hunks, region.eol, doc.text.line_start):
                continue
            kept.append(e)
        return kept

    def _diffs(self, uri: str) -> list[prompt.Diff]:
        history = self._context.history
        docs = self._context.docs

        def usable(other: str) -> bool:
            found = docs.get(other)
            return other != uri and found is not None and found.usable

        here = [h for h in history.hunks(uri) if not h.large]
        here = sorted(here, key=lambda h: h.seq)[-EDITS_HERE:]
        there = [h for h in history.recent(EDITS_ELSEWHERE, usable) if not h.large]
        out = []
        for h in sorted([*there, *here], key=lambda h: h.seq):
            path = self._context.shown(h.uri)
            text = h.diff(path)
            if text:
                out.append(prompt.Diff(path, text, here=h.uri == uri))
        return out

    def _basis(self, doc: Document) -> tuple[int, int] | None:
        latest = self._context.history.latest(doc.uri)
        if latest is None:
            return None
        return doc.text.line_start(latest.start), doc.text.line_start(latest.end)

    # -- following a suggestion --------------------------------------------------------------

    def _rebase(self, st: _Doc, old: str, text: str, version: int | None) -> bool:
        """Follow the suggestion through a change; True when the user took all of it."""
        s = st.suggestion
        assert s is not None
        outcome = rebase(s, text, version)
        if outcome.verdict == "kept" and outcome.suggestion is not None:
            st.suggestion = outcome.suggestion
            if outcome.suggestion.taken > s.taken:
                self._count("taken", s.id)
            self._expect(st)
            return False
        st.suggestion = None
        self._owners.pop(s.id, None)
        if outcome.verdict == "finished":
            self._count("taken", s.id)
            return True
        if outcome.verdict == "rejected" and outcome.rejected is not None:
            self._remember(st, fingerprint(old, outcome.rejected))
            self._count("rejected", s.id)
        return False

    def _expect(self, st: _Doc) -> None:
        """Applying the suggestion (any one edit, or all) is the server's edit, not the
        user's: the edit history must not learn it as theirs."""
        s = st.suggestion
        if s is None:
            return
        history = self._context.history
        for e in s.edits[:EXPECTED_KEPT]:
            history.expect(s.uri, apply(s.text, [e]))
        if len(s.edits) > 1:
            history.expect(s.uri, apply(s.text, s.edits))

    def _remember(self, st: _Doc, key: tuple[str, str]) -> None:
        st.rejected[key] = None
        st.rejected.move_to_end(key)
        while len(st.rejected) > REJECTED_KEPT:
            st.rejected.popitem(last=False)

    def _count(self, event: str, suggestion_id: str | None) -> None:
        """Issue 13's usage ledger and status plug in here: every prediction requested, every
        suggestion made, shown, taken, accepted, rejected and dismissed, under feature "nes"
        (the requests themselves carry ``ChatRequest.feature == "nes"``)."""
        self.counts[event] += 1
        log.debug("next edit: %s %s", event, suggestion_id or "")


def _rewrite(region: Region, lines: list[str], edits: list[Edit]) -> bool:
    """Whether the answer was the region rewritten, not a snippet (which would delete the
    rest): it keeps one of the region's lines at least, and, in a region of some size, half of
    its text."""
    filled = [line.strip() for line in region.lines if line.strip()]
    if len(filled) >= 2 and not any(_alike(line.strip(), filled) for line in lines):
        return False
    if len(region.lines) < MIN_REGION_CHECKED:
        return True
    removed = sum(e.end - e.start for e in edits)
    return removed <= MAX_REMOVED * (region.end - region.start)


def _alike(line: str, region: list[str]) -> bool:
    """``line`` is one of ``region``'s lines, or most of one (the same line, edited)."""
    if not line:
        return False
    for other in region:
        if line == other:
            return True
        matcher = difflib.SequenceMatcher(None, line, other, autojunk=False)
        if matcher.real_quick_ratio() >= ALIKE and matcher.quick_ratio() >= ALIKE \
                and matcher.ratio() >= ALIKE:
            return True
    return False
