"""Explanations, streamed where the client can show them, best first:

- ``VIEW``: the client declared that it shows ``vc/explanation`` itself (vc-lsp's Emacs and
  Vim set-ups: Eglot 1.9, lsp-mode 8 and ALE have no ``window/showDocument``). Each update is
  one notification with the whole text so far, so a client simply replaces what it shows::

      {"id": "vc-lsp:explanation/3f2a9c", "uri": "file:///.../app.py",
       "title": "app.py, lines 4-8", "text": "Markdown so far", "done": false, "stopped": null}

  The last one has ``done: true`` and, after an early stop, ``stopped`` (why). The ``id`` is the
  explanation's own URI: ``vc.cancel`` with it stops this explanation only (a client sends it
  when its view is closed mid-stream).
- ``DOCUMENT``: with ``window/showDocument`` (and ``workspace/applyEdit``), a Markdown file in
  vc-lsp's private scratch folder (``scratch.py``), opened in the editor and written into line
  by line. The file is a scratch file: its buffer is modified, so close it without saving (or
  save it to keep it).
- ``MESSAGE``: the fallback every client has: progress while it is written (when the client
  shows progress) and the whole explanation in one ``window/showMessage`` at the end: the one
  message longer than a line, as it is the answer itself.

Appends go to the end of the explanation as vc-lsp wrote it, unversioned: the document is the
server's own, and most editors never send its ``didOpen`` to this server.
"""

from __future__ import annotations

import enum
import logging
import uuid
from collections.abc import Callable
from pathlib import Path

from lsprotocol import types
from pygls.workspace import PositionCodec

from .. import scratch
from ..documents import Document
from . import clean
from .editor import Editor
from .pacing import Pacer
from .plan import Plan
from .progress import Progress
from .reader import Reading
from .tracking import common_change

log = logging.getLogger(__name__)
KEEP_FILES_S = 24 * 3600


def folder() -> Path:
    return scratch.folder("explanations")


class Where(enum.Enum):
    VIEW = "view"
    DOCUMENT = "document"
    MESSAGE = "message"


class ExplainSession:
    def __init__(self, editor: Editor, plan: Plan, *, throttle_s: float,
                 codec: PositionCodec, show: Callable[[str], None],
                 progress: Progress | None = None, directory: Path | None = None) -> None:
        self.plan = plan
        self.uri: str | None = None  # the explanation document, once shown
        self.where = Where.MESSAGE
        self.edits = 0
        self.stopped: str | None = None  # why it stopped early
        self._editor = editor
        self._codec = codec
        self._show = show
        self._progress = progress
        self._pacer = Pacer(throttle_s)
        self.reading = Reading()  # the upstream reader, hung up when the session stops
        self._directory = directory or folder()
        self._raw = ""
        self._done = False
        self._written = ""  # the document's text as vc-lsp wrote it
        self._header = ""

    # -- fed by the upstream reader --------------------------------------------------------

    def offer(self, raw: str) -> None:
        self._raw = raw
        self._pacer.poke()

    def has_enough(self, raw: str) -> bool:
        return False  # an explanation is read to its end

    def finish(self, raw: str, *, truncated: bool = False) -> None:
        self._raw, self._done = raw, True
        if truncated:
            self.stopped = "the answer hit actions.maxTokens"
        self._pacer.poke()

    def fail(self, message: str) -> None:
        self._stop(message)

    def cancel(self) -> None:
        self._stop("cancelled")

    def _stop(self, why: str) -> None:
        if self.stopped is None and not self._done:
            self.stopped = why
            self.reading.hang_up()  # hangs up the upstream
        self._pacer.stop()

    # -- showing it ------------------------------------------------------------------------

    @property
    def title(self) -> str:
        return f"{self.plan.file_name}, {self.plan.lines_label}"

    async def open(self) -> None:
        """Create and show the explanation's view or document, when the editor can."""
        if self._editor.can_show_explanations:
            self.uri, self.where = f"vc-lsp:explanation/{uuid.uuid4().hex[:12]}", Where.VIEW
            self._view("", done=False)  # the view opens at once, before the first line
            return
        if not (self._editor.can_show_documents and self._editor.can_apply_edits):
            return
        self._header = f"# {self.title}\n\n"
        try:
            path = scratch.create(self._directory, self._file_name(), self._header,
                                  keep_s=KEEP_FILES_S)
        except OSError as exc:
            log.warning("cannot write the explanation file: %s", exc)
            return
        uri = path.as_uri()
        if await self._editor.show_document(uri):
            self.uri, self.where, self._written = uri, Where.DOCUMENT, self._header

    def _file_name(self) -> str:
        plan = self.plan
        stem = Path(plan.file_name).name.replace(".", "-")
        return f"{stem}-L{plan.first_line}-{uuid.uuid4().hex[:6]}.md"

    async def run(self) -> str:
        """Stream the explanation; returns the explanation text."""
        while True:
            await self._pacer.wait()
            if self.stopped is None and not self._done:
                await self._pacer.hold()  # text that arrives meanwhile joins this update
            final = self._done or self.stopped is not None
            with self._pacer.working():
                text = clean.explanation(self._raw, final=final)
            if self.where is Where.VIEW:
                self._view(text, done=final)
                self._pacer.sent()
            elif self.where is Where.DOCUMENT:
                await self._append(text)
                self._pacer.sent()
            lines = text.count("\n")
            if self._progress is not None and lines:
                self._progress.report(f"{lines} line{'s' if lines != 1 else ''}")
            if self._done or self.stopped is not None:
                break
        if self.where is Where.DOCUMENT and self.stopped is not None:
            await self._append(f"{text}\n*(stopped: {self.stopped})*\n".lstrip("\n"))
        if self.where is Where.MESSAGE and text.strip():
            note = f"\n(stopped: {self.stopped})" if self.stopped else ""
            self._show(f"{self.title}:\n\n{text.strip()}{note}")
        return text

    def _view(self, text: str, *, done: bool) -> None:
        assert self.uri is not None
        self._editor.show_explanation({
            "id": self.uri, "uri": self.plan.uri, "title": self.title, "text": text,
            "done": done, "stopped": self.stopped if done else None})
        if text:
            self.edits += 1

    async def _append(self, text: str) -> None:
        """Make the document's body read ``text``: usually an append at the end, and a
        replacement of the tail when the cleaned text changed its mind (a closing fence)."""
        body = self._written[len(self._header):]
        if body == text:
            return
        assert self.uri is not None
        common = common_change(body, text).start  # the longest common prefix
        doc = Document(self.uri, source=self._written, position_codec=self._codec)
        edit = types.TextEdit(range=doc.range_at(len(self._header) + common, len(self._written)),
                              new_text=text[common:])
        result = await self._editor.apply(self.uri, None, [edit],
                                          f"vc-lsp: explain {self.plan.file_name}")
        if result.applied:
            self._written = self._header + text
            self.edits += 1
        else:
            log.info("the explanation could not be written (%s); showing it as a message",
                     result.reason)
            self.where = Where.MESSAGE
