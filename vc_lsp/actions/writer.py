"""The owner of one region of one open document: writes text into it and tracks it.

Every edit is computed against the document *as the server last saw it* (never against text the
editor has not confirmed), sent as a versioned ``TextDocumentEdit``, and then confirmed by its
echo: the ``didChange`` that brings the document to exactly the expected text. Clients differ in
how that echo arrives, and the writer is built for each of them:

- late or batched (Neovim debounces ``didChange`` by 150 ms): nothing new is sent before the echo;
- split into several ``didChange`` notifications: intermediate texts are recognised as ours;
- mixed with the user's typing in one notification: the changes that are not ours are mapped
  onto the region with the usual rules and the change counts as the user's;
- "applied" but silently skipped because the client's version moved on without a change it
  reported (Neovim answers ``applied: true`` for a stale versioned edit, and its version grows on
  ``:w``): when no echo and no change arrives, an empty edit at the same version asks whether
  the version still holds. Only if it does (the edit cannot have been applied) is the edit sent
  again without a version; a refusal means the editor moved on, perhaps with our edit applied
  and its echo still to come (Eglot after a confirmation prompt), so nothing is written twice.

``on_change`` says at once when a change was not ours (the caller stops streaming), and the
region keeps following the document, so a later revert hits the right lines.
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from lsprotocol import types

from ..documents import Document, new_document
from . import diff
from .editor import Editor
from .tracking import Change, DocumentCopy, Span, map_span

log = logging.getLogger(__name__)
ECHO_WAIT_S = 1.5  # longest wait for an applied edit's didChange (Neovim's debounce is 150 ms)
ATTEMPTS = 3


class Status(enum.Enum):
    CONFIRMED = "confirmed"  # the document holds exactly the text
    INTERRUPTED = "interrupted"  # someone else changed the document meanwhile
    REFUSED = "refused"  # the editor answered that it did not apply the edit
    UNCONFIRMED = "unconfirmed"  # the editor said it applied the edit; the document never showed it
    APPLIED = "applied"  # the editor applied it (it says so, and it refuses what it skips), but
    # its didChange is late: Eglot sends it with the next keystroke after a y/n prompt
    CLOSED = "closed"  # the document was closed


class _Echo(enum.Enum):
    """How the wait for an edit's echo ended."""

    CONFIRMED = "confirmed"
    FOREIGN = "foreign"  # someone else's change came first
    CLOSED = "closed"
    TIMEOUT = "timeout"


@dataclass(frozen=True, slots=True)
class Typed:
    """A change someone else made inside the region: the region's text just before it, and
    the change in the region's coordinates. A restore carries each one onto the text it puts
    back, in order, so none is lost or applied twice however the changes were batched."""

    before: str
    start: int
    end: int
    text: str


@dataclass
class _Pending:
    target: str
    expected: str  # the whole document once the edit is applied
    partials: dict[str, int]  # document texts on the way there -> region end in each
    texts: frozenset[str]  # what the edit's hunks insert
    confirmed: asyncio.Event = field(default_factory=asyncio.Event)


class RegionWriter:
    def __init__(self, editor: Editor, doc: Document, span: Span, label: str) -> None:
        self.uri = doc.uri
        self.label = label
        self.span = span
        self.version = doc.version
        self.shown = doc.slice(span.start, span.end)  # the region text last confirmed as ours
        self.closed = False
        self.unversioned = False
        self.foreign = 0  # changes seen that were not ours
        self.sent = 0  # edits sent to the editor
        self.refusal = ""
        self.typed: list[Typed] | None = []  # recorded while a session may need to restore
        self._editor = editor
        self._copy = DocumentCopy(doc)
        self._pending: _Pending | None = None
        self._late: _Pending | None = None  # applied, its echo still to come
        self._changes = 0  # didChange notifications seen
        self._wake = asyncio.Event()

    @property
    def text(self) -> str:
        """The document as the server last saw it."""
        return self._copy.text

    def current(self) -> str:
        return self._copy.doc.slice(self.span.start, self.span.end)

    @property
    def pending_target(self) -> str | None:
        return self._pending.target if self._pending is not None else None

    def line_range(self) -> tuple[int, int]:
        """1-based first and last line of the region now (for messages)."""
        doc = self._copy.doc
        first = doc.client_position_at_offset(self.span.start).line + 1
        last = doc.client_position_at_offset(max(self.span.start, self.span.end - 1)).line + 1
        return first, last

    # -- the document changed (called synchronously from didChange) ---------------------------

    def on_change(self, live: Document,
                  changes: Sequence[types.TextDocumentContentChangeEvent]) -> bool:
        """Follow one ``didChange``; True when it holds a change that is not ours."""
        pending = self._pending
        old = self._copy.doc
        steps = self._copy.replay(changes, live)
        self.version = live.version
        self._changes += 1
        self._wake.set()
        if pending is not None:
            text = live.source
            if text == pending.expected:
                self._confirm(pending)
                return False
            if text in pending.partials:
                self.span = Span(self.span.start, pending.partials[text])
                return False
            ours = self._ours_first(old.source, steps, pending)
            if ours:  # our edit, then the user's typing, in one notification (Neovim batches)
                self._confirm(pending)
                expected = pending.expected
                steps, pending = steps[ours:], None
                self.span = self._follow(self.span, steps, pending, lambda: expected)
                self.foreign += 1
                return True
        self.span = self._follow(self.span, steps, pending, lambda: old.source)
        self._late = None  # whatever the editor holds now, this change told it
        self.foreign += 1
        return True

    def stop_recording(self) -> None:
        """No restore will come any more: keystrokes need not be kept."""
        self.typed = None

    @staticmethod
    def _ours_first(text: str, steps: list[Change], pending: _Pending) -> int:
        """How many leading changes make exactly our edit (0: none). Compares texts, not the
        shape of the changes, which each client reports its own way."""
        for i, step in enumerate(steps[:-1]):
            text = text[:step.start] + step.text + text[step.end:]
            if text == pending.expected:
                return i + 1
        return 0

    def _follow(self, span: Span, steps: list[Change], pending: _Pending | None,
                text_before: Callable[[], str]) -> Span:
        """The region through ``steps`` (made on ``text_before()``); someone else's change
        inside it is recorded for a restore. The text is only read when that happens."""
        text: str | None = None
        for i, step in enumerate(steps):
            ours = (pending is not None and step.text in pending.texts
                    and span.start <= step.start and step.end <= span.end)
            if ours:
                span = Span(span.start, span.end + step.delta)
                continue
            inside = not (step.end <= span.start or step.start >= span.end)
            if inside and self.typed is not None:
                if text is None:
                    text = text_before()
                    for done in steps[:i]:
                        text = text[:done.start] + done.text + text[done.end:]
                self.typed.append(Typed(text[span.start:span.end],
                                        max(step.start, span.start) - span.start,
                                        min(step.end, span.end) - span.start, step.text))
            if text is not None:
                text = text[:step.start] + step.text + text[step.end:]
            span = map_span(span, step)
        return span

    def _confirm(self, pending: _Pending) -> None:
        self.span = Span(self.span.start, self.span.start + len(pending.target))
        self.shown = pending.target
        self._pending = self._late = None
        pending.confirmed.set()

    def close(self) -> None:
        self.closed = True
        self._wake.set()

    # -- writing ---------------------------------------------------------------------------

    async def write(self, target: str) -> Status:
        """Make the region hold ``target``, against the latest confirmed document (or, while
        an applied edit's echo is late, against what that edit made of it)."""
        for _ in range(ATTEMPTS):
            if self.closed:
                return Status.CLOSED
            doc, span = self._copy.doc, self.span
            text = doc.source
            late = self._late
            if late is not None:  # build on the edit the editor applied but has not reported
                text = late.expected
                span = Span(span.start, span.start + len(late.target))
                doc = new_document(self.uri, text, encoding=self._copy.doc.encoding)
            current = text[span.start:span.end]
            if current == target:
                if late is None:
                    self.shown, self._pending = target, None
                return Status.CONFIRMED if late is None else Status.APPLIED
            hunks = diff.hunks(current, target)
            head, tail = text[:span.start], text[span.end:]
            partials = {head + state + tail: span.start + len(state)
                        for state in diff.intermediate(current, hunks)}
            if late is not None:
                partials.update(late.partials)
                partials[late.expected] = span.end
            pending = _Pending(target=target, expected=head + target + tail, partials=partials,
                               texts=frozenset(h.text for h in hunks) | (
                                   late.texts if late is not None else frozenset()))
            self._pending = pending
            seen, changes = self.foreign, self._changes
            version = None if self.unversioned or late is not None else self.version
            self.sent += 1
            result = await self._editor.apply(self.uri, version,
                                              _edits(doc, span.start, hunks), self.label)
            if self.foreign != seen:  # even if our edit made it: the user is typing
                return Status.INTERRUPTED
            if pending.confirmed.is_set():
                return Status.CONFIRMED
            if not result.applied:
                if await self._settled(pending, seen) is _Echo.FOREIGN:
                    return Status.INTERRUPTED  # refused because the user's change came first
                self.refusal = result.reason
                return Status.REFUSED
            state = await self._settled(pending, seen)
            if state is _Echo.CONFIRMED:
                return Status.CONFIRMED
            if state is _Echo.FOREIGN:
                return Status.INTERRUPTED
            if state is _Echo.CLOSED:
                return Status.CLOSED
            if self._changes != changes:
                continue  # part of the edit arrived: write what is missing against it
            if not self._editor.silently_skips_stale:
                # It said applied, and it refuses what it does not apply: the edit is in, its
                # didChange late. Later writes build on it; its echo still confirms it.
                self._late = pending
                return Status.APPLIED
            if self.unversioned:
                return Status.UNCONFIRMED
            # Applied, yet no change at all. Ask before writing again: an empty edit at the
            # same version is refused by an editor whose document moved on. The edit stays
            # pending meanwhile, so a late echo still confirms it.
            probe = await self._editor.apply(self.uri, self.version, [], self.label)
            if pending.confirmed.is_set():
                return Status.CONFIRMED
            if self.foreign != seen:
                return Status.INTERRUPTED
            if self._changes != changes:
                continue
            if not probe.applied:
                log.info("%s: the editor said the edit was applied but sent no change for it, "
                         "and its version has moved on; not writing it again", self.uri)
                return Status.UNCONFIRMED
            log.info("%s: the editor reported the edit as applied but skipped it (a stale "
                     "version); sending edits without a version from now on", self.uri)
            self.unversioned = True
        return Status.UNCONFIRMED

    async def _settled(self, pending: _Pending, seen: int) -> _Echo:
        """Wait for the echo of ``pending``."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + ECHO_WAIT_S
        changes = self._changes
        while True:
            if self.foreign != seen:
                return _Echo.FOREIGN
            if pending.confirmed.is_set():
                return _Echo.CONFIRMED
            if self.closed:
                return _Echo.CLOSED
            if self._changes != changes:  # part of the edit arrived: give the rest the full wait
                changes, deadline = self._changes, loop.time() + ECHO_WAIT_S
            remaining = deadline - loop.time()
            if remaining <= 0:
                return _Echo.TIMEOUT
            self._wake.clear()
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._wake.wait(), remaining)


def _edits(doc: Document, base: int, hunks: list[diff.Hunk]) -> list[types.TextEdit]:
    return [types.TextEdit(range=doc.range_at(base + h.start, base + h.end), new_text=h.text)
            for h in hunks]
