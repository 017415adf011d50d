"""``ContextService``: the one owner of context, fed by the document lifecycle.

It is a ``Feature``: the lifecycle loop calls its hooks (``on_open``, ``on_change`` after the
document was updated, ``on_close``, ``on_settings``, ``shutdown``); prompt builders ask it for a
``PromptContext`` (completions) or definition snippets (code actions). It also answers the
privacy question for every feature: an excluded file gets nothing, and says so once.

Hooks only record text: indexes are brought up to date when a request needs them, or a little
at a time while the editor is idle; a large document's only ever on a worker thread (the
``Reader``, see ``documents.py``), so neither a request nor a keystroke waits for one.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import time
from collections.abc import Callable, Sequence
from urllib.parse import unquote, urlparse

from pygls.uris import to_fs_path

from ..config import Settings
from ..documents import Document, Text
from ..feature import Changes, Feature
from ..messages import fit
from ..privacy import Paths
from ..work import Work
from .documents import Documents, OpenDocument, same_version
from .engine import Engine, Options, PromptContext, Snippet
from .history import EditHistory
from .reader import Reader
from .workspace import Workspace

log = logging.getLogger(__name__)
IDLE_S = 0.3  # quiet time before background indexing starts
IDLE_STEP_S = 0.01


def path_of(uri: str) -> str | None:
    """The file a ``file:`` URI names; ``None`` for untitled buffers and other schemes."""
    if not uri.startswith("file:"):
        return None
    path = to_fs_path(uri)
    return os.path.normpath(path) if path else None


def name_of(uri: str) -> str:
    return unquote(urlparse(uri).path.rstrip("/").rsplit("/", 1)[-1]) or uri


class ContextService(Feature):
    def __init__(self, settings: Settings, roots: Callable[[], Sequence[str]] = tuple,
                 clock: Callable[[], float] = time.monotonic, work: Work | None = None
                 ) -> None:
        self._clock = clock
        self.paths = Paths(roots, clock)
        self.docs = Documents()
        self.history = EditHistory()
        self.workspace = Workspace(self.paths, self.docs, clock)
        self.engine = Engine(self.docs, self.workspace, self.history)
        self.reader = Reader(self.docs, work if work is not None else Work(), self._read_ended)
        self._told: set[str] = set()
        self._file_paths = True
        self._last_activity = 0.0
        self._idle: asyncio.TimerHandle | None = None
        self._configure(settings)

    # -- the document lifecycle ----------------------------------------------------------------

    def on_settings(self, settings: Settings) -> None:
        self._configure(settings)

    def on_open(self, live: Document) -> None:
        from .. import syntax

        uri, text = live.uri, live.text.copy()
        path = path_of(uri)
        doc = OpenDocument(uri, path, syntax.canonical(live.language_id or ""), live.version,
                           text, self._shown(uri, path))
        self._judge(doc)
        self.docs.add(doc)
        if doc.usable:
            self.history.open(uri, text)
        self._activity()

    def on_change(self, live: Document, changes: Changes) -> None:
        """After the document was updated (the new text is what counts, so full and
        incremental changes are treated alike)."""
        del changes
        doc = self.docs.get(live.uri)
        if doc is None:
            return
        text = live.text.copy()  # O(blocks): the hooks never join the document's text
        self.docs.change(doc, text, live.version)
        self.history.record(live.uri, text)
        self._activity()

    def on_close(self, uri: str) -> None:
        self.reader.stop(uri, "document closed")
        self.docs.remove(uri)
        self.history.close(uri)
        self.engine.forget(uri)
        self._told.discard(uri)

    async def shutdown(self) -> None:
        if self._idle is not None:
            self._idle.cancel()
            self._idle = None
        await self.reader.shutdown()

    # -- privacy, for every feature ------------------------------------------------------------

    def excluded(self, uri: str) -> str | None:
        """The glob that excludes the document at ``uri`` from every prompt, or ``None``."""
        doc = self.docs.get(uri)
        if doc is not None:
            return doc.excluded
        return self.paths.excluded(path_of(uri))

    def refusal(self, uri: str) -> str | None:
        """For an excluded document, the one-line message to show the first time only."""
        glob = self.excluded(uri)
        if glob is None or uri in self._told:
            return None
        self._told.add(uri)
        return fit("vc-lsp: {name} is excluded ({glob}); nothing from it is sent.",
                   name=name_of(uri), glob=glob)

    def shown(self, uri: str) -> str:
        doc = self.docs.get(uri)
        return doc.shown if doc is not None else self._shown(uri, path_of(uri))

    # -- what prompt builders get --------------------------------------------------------------

    def inline(self, uri: str, text: str | Text, offset: int, language: str, version: int | None,
               window: tuple[int, int], settings: Settings) -> PromptContext:
        """Context for a completion at ``offset`` of ``text`` (the request's snapshot)."""
        started = time.perf_counter()
        self._configure(settings)
        doc = self._document(uri, text, language, version)
        if doc.excluded is not None:
            return PromptContext(doc.shown)
        c = settings.context
        options = Options(definitions=c.definitions, similar=c.similar_code,
                          edits=c.recent_edits, budget_tokens=c.inline_tokens)
        try:
            return self.engine.inline(doc, offset, window, options)
        except Exception:  # context is a bonus: a bug here must never cost the completion
            log.exception("gathering context for %s failed", uri)
            return PromptContext(doc.shown)
        finally:
            self.reader.kick()  # what the request wanted read runs once it has its answer
            self.last_ms = (time.perf_counter() - started) * 1000

    last_ms = 0.0

    def region(self, uri: str, text: str | Text, start: int, end: int, language: str,
               version: int | None, shown: tuple[int, int], settings: Settings
               ) -> tuple[Snippet, ...]:
        """Definitions the code in ``start..end`` uses, for a code action."""
        self._configure(settings)
        doc = self._document(uri, text, language, version)
        if doc.excluded is not None:
            return ()
        c = settings.context
        options = Options(definitions=c.definitions, similar=False, edits=False,
                          budget_tokens=c.action_tokens)
        try:
            return self.engine.region(doc, start, end, shown, options)
        except Exception:
            log.exception("gathering context for an action in %s failed", uri)
            return ()
        finally:
            self.reader.kick()

    def suggested(self, uri: str, offset: int, texts: Sequence[str]) -> None:
        """Suggestions were shown at ``offset``: accepting one is not a user edit."""
        self.history.expect_insertion(uri, offset, texts)

    # -- internals -----------------------------------------------------------------------------

    def _document(self, uri: str, text: str | Text, language: str, version: int | None
                  ) -> OpenDocument:
        """The open document if the request's text is its text; else a one-off copy."""
        from .. import syntax

        doc = self.docs.get(uri)
        if doc is not None and same_version(doc.source, text):
            self.docs.touch(doc)
            return doc
        path = path_of(uri)
        temp = OpenDocument(uri, path, syntax.canonical(language or ""), version, text,
                            self._shown(uri, path))
        self._judge(temp)
        return temp

    def _shown(self, uri: str, path: str | None) -> str:
        if path is None:
            return name_of(uri)
        return self.paths.relative(path) if self._file_paths else os.path.basename(path)

    def _judge(self, doc: OpenDocument) -> None:
        doc.excluded = self.paths.excluded(doc.path)
        doc.ignored = doc.excluded is None and self.paths.ignored(doc.path)

    def _configure(self, settings: Settings) -> None:
        changed = self.paths.configure(settings.exclude)
        file_paths = settings.context.file_path
        if not changed and file_paths == self._file_paths:
            return
        self._file_paths = file_paths
        self.workspace.clear()
        for doc in self.docs:
            doc.shown = self._shown(doc.uri, doc.path)
            self._judge(doc)
            if not doc.usable:
                self.history.forget(doc.uri)
            self.engine.forget(doc.uri)
        self.docs.generation += 1

    def _activity(self) -> None:
        """Note activity; index in the background once the editor has been quiet a while."""
        self._last_activity = self._clock()
        self._idle_later(IDLE_S)

    def _idle_later(self, delay: float) -> None:
        if self._idle is not None:
            return
        with contextlib.suppress(RuntimeError):  # no running loop (tests, the CLI)
            self._idle = asyncio.get_running_loop().call_later(delay, self._idle_step)

    def _read_ended(self) -> None:
        """A re-read ended: its document may have changed meanwhile, others may wait."""
        self._idle_later(IDLE_STEP_S)

    def _idle_step(self) -> None:
        self._idle = None
        loop = asyncio.get_running_loop()
        quiet = self._clock() - self._last_activity
        if quiet < IDLE_S:
            self._idle = loop.call_later(IDLE_S - quiet, self._idle_step)
            return
        try:
            more = self.engine.warm(background=True)
        except Exception:
            log.exception("background indexing failed")
            return
        finally:
            self.reader.kick()
        if more:
            self._idle = loop.call_later(IDLE_STEP_S, self._idle_step)
