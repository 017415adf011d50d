"""A pytest-lsp client that behaves like a real editor towards the server's edits.

It keeps its own copy of every open document, really applies each ``workspace/applyEdit`` to it
and reports the result back with ``didChange`` under its own version numbering, the way editors
do. Switches reproduce what real clients do differently:

- ``version_step``: versions jump (Neovim numbers them with its change counter: 0 -> 5 -> 8);
- ``echo_delay``: ``didChange`` is debounced, so the server's own edits come back late and
  batched together, and with the user's keystrokes (Neovim's 150 ms ``debounce_text_changes``);
- ``skip_stale``: a versioned edit older than the buffer is skipped but still answered
  ``applied: true`` (Neovim); without it a stale edit is refused (``applied: false``, VS Code);
- ``bump(uri)``: the version moves on without a text change or ``didChange`` (``:w`` in Neovim);
- ``explanation_view``: it declares ``vcLspClient.explanation`` (vc-lsp's Emacs and Vim set-ups)
  and keeps every ``vc/explanation`` notification in ``explanations``.

Everything is awaited through events (``wait_edits``, ``wait_progress_end``...), never sleeps.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Union
from urllib.parse import unquote, urlparse

from lsprotocol import types
from pygls.protocol import default_converter
from pytest_lsp import LanguageClient
from pytest_lsp.client import DEFAULT_CLIENT_FEATURES, register_lsp_features

from tests.client_text import ClientText
from tests.conftest import (
    SAFETY,
    capabilities,
    options,
    start_server,
    stop_and_check_secret,
    wait_message,
)
from tests.fakes.upstream import FakeUpstream
from vc_lsp.actions.editor import EXPLANATION
from vc_lsp.config.settings import CLIENT_SECTION


@dataclass
class Received:
    """One ``workspace/applyEdit`` as the editor saw it."""

    uri: str
    version: int | None
    edits: list[types.TextEdit]
    applied: bool
    skipped: bool = False


@dataclass
class EditorDoc:
    doc: ClientText
    version: int
    announced: bool = True  # the server was sent didOpen, so it gets didChange too
    pending: list[types.TextDocumentContentChangeEvent] = field(default_factory=list)
    flush: asyncio.TimerHandle | None = None


class Editor:
    def __init__(self, client: LanguageClient, *, encoding: str = "utf-16",
                 version_step: int = 1, echo_delay: float = 0.0, skip_stale: bool = False,
                 open_shown: bool = False) -> None:
        self.client = client
        self.encoding = encoding
        self.version_step = version_step
        self.echo_delay = echo_delay
        self.skip_stale = skip_stale
        self.open_shown = open_shown
        self.docs: dict[str, EditorDoc] = {}
        self.received: list[Received] = []
        self.shown: list[str] = []
        self.explanations: list[dict[str, Any]] = []
        self.changes_sent = 0
        self._changed = asyncio.Event()

    # -- what the user does ------------------------------------------------------------------

    def open(self, uri: str, text: str, language: str = "python", version: int = 0) -> None:
        self.docs[uri] = EditorDoc(ClientText(text, self.encoding, version), version)
        self.client.text_document_did_open(types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=uri, language_id=language,
                                                 version=version, text=text)))

    def type(self, uri: str, line: int, character: int, text: str) -> float:
        """A keystroke at a position; returns the loop time it was sent (or queued)."""
        pos = types.Position(line=line, character=character)
        self._change(uri, types.TextDocumentContentChangePartial(
            range=types.Range(start=pos, end=pos), text=text))
        return asyncio.get_running_loop().time()

    def type_at(self, uri: str, offset: int, text: str) -> float:
        doc = self.docs[uri].doc
        pos = doc.position(offset)
        return self.type(uri, pos.line, pos.character, text)

    def bump(self, uri: str) -> None:
        """The version moves on with no change to report (``:w`` in Neovim)."""
        self.docs[uri].version += self.version_step

    def text(self, uri: str) -> str:
        return self.docs[uri].doc.text

    def edits_for(self, uri: str) -> list[Received]:
        return [r for r in self.received if r.uri == uri and r.applied and not r.skipped]

    @property
    def skipped(self) -> int:
        return sum(r.skipped for r in self.received)

    # -- waiting ---------------------------------------------------------------------------

    async def _until(self, test: Callable[[], bool]) -> None:
        async def wait() -> None:
            while not test():
                self._changed.clear()
                await self._changed.wait()
        await asyncio.wait_for(wait(), SAFETY)

    async def wait_edits(self, uri: str, count: int = 1) -> None:
        await self._until(lambda: len(self.edits_for(uri)) >= count)

    async def wait_shown(self, count: int = 1) -> str:
        await self._until(lambda: len(self.shown) >= count)
        return self.shown[count - 1]

    async def wait_explanation(self, test: Callable[[dict[str, Any]], bool]) -> dict[str, Any]:
        """The first ``vc/explanation`` update that passes ``test``."""
        await self._until(lambda: any(test(e) for e in self.explanations))
        return next(e for e in self.explanations if test(e))

    async def wait_progress_end(self, count: int = 1) -> list[Any]:
        """The reports of the ``count``-th work-done progress, once it has ended."""
        def ended() -> list[list[Any]]:
            return [reports for reports in self.client.progress_reports.values()
                    if any(isinstance(r, types.WorkDoneProgressEnd) for r in reports)]

        async def wait() -> None:
            while len(ended()) < count:
                await self.client.wait_for_notification(types.PROGRESS)
        await asyncio.wait_for(wait(), SAFETY)
        return ended()[count - 1]

    async def wait_progress_begin(self) -> str:
        def begun() -> list[Any]:
            return [token for token, reports in self.client.progress_reports.items()
                    if any(isinstance(r, types.WorkDoneProgressBegin) for r in reports)]

        async def wait() -> None:
            while not begun():
                await self.client.wait_for_notification(types.PROGRESS)
        await asyncio.wait_for(wait(), SAFETY)
        return str(begun()[0])

    async def wait_message(self, contains: str) -> types.ShowMessageParams:
        return await wait_message(self.client, contains)

    # -- what the server asks for ----------------------------------------------------------

    def apply_edit(self, params: types.ApplyWorkspaceEditParams
                   ) -> types.ApplyWorkspaceEditResult:
        edit = params.edit
        parts: list[tuple[str, int | None, list[types.TextEdit]]] = []
        for change in edit.document_changes or []:
            assert isinstance(change, types.TextDocumentEdit), "only text edits are expected"
            parts.append((change.text_document.uri, change.text_document.version,
                          [e for e in change.edits if isinstance(e, types.TextEdit)]))
        for uri, edits in (edit.changes or {}).items():
            parts.append((uri, None, list(edits)))
        for uri, version, edits in parts:
            entry = self.docs.get(uri)
            if entry is None:
                return types.ApplyWorkspaceEditResult(applied=False,
                                                      failure_reason=f"{uri} is not open")
            if version is not None and version != entry.version:
                if version < entry.version and self.skip_stale:
                    self.received.append(Received(uri, version, edits, True, skipped=True))
                    self._changed.set()
                    continue  # Neovim: "Buffer newer than edits", and still applied: true
                self.received.append(Received(uri, version, edits, False))
                self._changed.set()
                return types.ApplyWorkspaceEditResult(
                    applied=False,
                    failure_reason=f"version {version} != {entry.version}")
            ordered = sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character),
                             reverse=True)
            for text_edit in ordered:  # bottom-up: every range is still valid when applied
                self._change(uri, types.TextDocumentContentChangePartial(
                    range=text_edit.range, text=text_edit.new_text), echo=True)
            self.received.append(Received(uri, version, edits, True))
        self._changed.set()
        return types.ApplyWorkspaceEditResult(applied=True)

    def show_document(self, params: types.ShowDocumentParams) -> types.ShowDocumentResult:
        path = Path(unquote(urlparse(params.uri).path))
        self.shown.append(params.uri)
        if params.uri not in self.docs:
            text = path.read_text(encoding="utf-8")
            self.docs[params.uri] = EditorDoc(ClientText(text, self.encoding), 0,
                                              announced=self.open_shown)
            if self.open_shown:
                self.client.text_document_did_open(types.DidOpenTextDocumentParams(
                    text_document=types.TextDocumentItem(uri=params.uri, language_id="markdown",
                                                         version=0, text=text)))
        self._changed.set()
        return types.ShowDocumentResult(success=True)

    def explanation(self, params: Any) -> None:
        # pygls hands an unknown method's params over as a namedtuple
        self.explanations.append(params._asdict() if hasattr(params, "_asdict") else params)
        self._changed.set()

    # -- didChange, immediate or debounced ----------------------------------------------------

    def _change(self, uri: str, change: types.TextDocumentContentChangePartial, *,
                echo: bool = False) -> None:
        entry = self.docs[uri]
        entry.doc.apply(change)
        entry.version += self.version_step
        entry.doc.version = entry.version
        entry.pending.append(change)
        if self.echo_delay <= 0:
            self._flush(uri)
        elif entry.flush is None:
            entry.flush = asyncio.get_running_loop().call_later(self.echo_delay, self._flush, uri)
        self._changed.set()

    def _flush(self, uri: str) -> None:
        entry = self.docs[uri]
        entry.flush = None
        if not entry.pending or not entry.announced:
            entry.pending = []
            return
        changes, entry.pending = entry.pending, []
        self.changes_sent += 1
        self.client.text_document_did_change(types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=entry.version),
            content_changes=changes))


Opener = Callable[..., Any]


def _converter() -> Any:
    """pygls's converter, except that a code action that carries a command is a CodeAction.

    lsprotocol structures ``Command | CodeAction`` by trying ``Command`` first, which accepts a
    CodeAction's ``title`` and turns its ``command`` object into a string. Editors tell them apart
    by whether ``command`` is a string; so does this client.
    """
    converter = default_converter()

    def structure(obj: Any, _: Any) -> Any:
        kind = types.Command if isinstance(obj.get("command"), str) else types.CodeAction
        return converter.structure(obj, kind)

    # typing.Union, as lsprotocol spells it: that is what cattrs dispatches on
    converter.register_structure_hook(Union[types.Command, types.CodeAction],  # noqa: UP007
                                      structure)
    return converter


def _paths(tmp_path: Path) -> tuple[Path, Path]:
    """A fresh log file, and the server's TMPDIR and XDG_CACHE_HOME (explanations go there)."""
    temp = tmp_path / "tmp"
    temp.mkdir(exist_ok=True)
    return tmp_path / f"server-{len(list(tmp_path.glob('server-*.log')))}.log", temp


def opener(upstream: FakeUpstream, tmp_path: Path) -> Opener:
    """``async with open_editor(**switches) as editor``: a real server process, this editor."""

    @asynccontextmanager
    async def open_editor(*, encoding: str = "utf-16", progress: bool = True,
                          show_document: bool = True, settings: dict[str, Any] | None = None,
                          explanation_view: bool = False, **switches: Any
                          ) -> AsyncIterator[Editor]:
        holder: list[Editor] = []

        def factory() -> LanguageClient:
            client = LanguageClient(converter_factory=_converter)
            features = dict(DEFAULT_CLIENT_FEATURES)
            features[types.WORKSPACE_APPLY_EDIT] = lambda ls, p: holder[0].apply_edit(p)
            features[types.WINDOW_SHOW_DOCUMENT] = lambda ls, p: holder[0].show_document(p)
            register_lsp_features(client, features)
            client.feature(EXPLANATION)(lambda ls, p: holder[0].explanation(p))
            return client

        log_file, temp = _paths(tmp_path)
        client = await start_server(log_file, {"TMPDIR": str(temp), "XDG_CACHE_HOME": str(temp),
                                               "VC_LSP_BASE_URL": upstream.base_url},
                                    factory)
        editor = Editor(client, encoding=encoding, **switches)
        holder.append(editor)
        opts = options(upstream, {"actions": {"throttleMs": 0}}, settings)
        name = "Neovim" if switches.get("skip_stale") else "vc-lsp test editor"
        if explanation_view:
            opts = {"vcLsp": opts, CLIENT_SECTION: {"explanation": True}}
        client.init_result = await client.initialize_session(types.InitializeParams(
            capabilities=capabilities(encoding=encoding, inline=False, progress=progress,
                                      show_document=show_document, code_actions=True),
            client_info=types.ClientInfo(name=name), initialization_options=opts))
        editor.log_file = log_file  # type: ignore[attr-defined]
        try:
            yield editor
        finally:
            await stop_and_check_secret(client, log_file)

    return open_editor
