"""A test editor for next-edit suggestions: the real server over stdio, the fake upstream, and
the editor's own copy of each document, changed the way editors change it (a ``didChange`` per
edit or per key, versions counting up) so that every range the server sends can be applied.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lsprotocol import types
from pytest_lsp import LanguageClient

from tests.client_text import ClientText
from tests.conftest import capabilities, options, start_server, stop_and_check_secret
from tests.editor_client import _converter
from tests.fakes.upstream import FakeUpstream, Reply
from tests.nes_cases import EXT, Scenario, wrap

COPILOT = "textDocument/copilotInlineEdit"
_SESSIONS = itertools.count(1)
KIND = "refactor.rewrite.vc.nextEdit"
SETTINGS = {"nes": {"debounceMs": 5000, "regionLines": 400, "waitMs": 20000}}


@dataclass
class Doc:
    uri: str
    text: ClientText
    language: str

    @property
    def version(self) -> int:
        return self.text.version


@dataclass
class Session:
    client: LanguageClient
    upstream: FakeUpstream
    docs: dict[str, Doc] = field(default_factory=dict)
    replies: dict[str, Reply] = field(default_factory=dict)  # file name -> the model's answer

    def open(self, uri: str, text: str, language: str) -> Doc:
        doc = Doc(uri, ClientText(text, "utf-16", 0), language)
        self.docs[uri] = doc
        self.client.text_document_did_open(types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=uri, language_id=language, version=0,
                                                 text=text)))
        return doc

    def replace(self, doc: Doc, start: int, end: int, new: str) -> None:
        """One ``didChange``: ``text[start:end]`` becomes ``new``."""
        rng = types.Range(doc.text.position(start), doc.text.position(end))
        change = types.TextDocumentContentChangePartial(range=rng, text=new)
        doc.text.apply(change)
        doc.text.version += 1
        self.client.text_document_did_change(types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=doc.uri,
                                                                version=doc.version),
            content_changes=[change]))

    def type(self, doc: Doc, offset: int, text: str) -> int:
        """Key by key; returns the offset after the last key."""
        for ch in text:
            self.replace(doc, offset, offset, ch)
            offset += 1
        return offset

    def apply_range(self, doc: Doc, rng: types.Range, new: str) -> tuple[int, int]:
        """Apply an edit the server sent; returns its offsets in the text before it."""
        start, end = doc.text.offset(rng.start), doc.text.offset(rng.end)
        self.replace(doc, start, end, new)
        return start, end

    async def inline_edit(self, doc: Doc, offset: int, *, automatic: bool = False,
                          version: int | None = None) -> list[dict[str, Any]]:
        params: dict[str, Any] = {
            "textDocument": {"uri": doc.uri, "version": doc.version if version is None
                             else version},
            "position": _plain(doc.text.position(offset))}
        if automatic:
            params["context"] = {"triggerKind": 2}
        result = await self.client.protocol.send_request_async(COPILOT, params)
        return list(_plain(result)["edits"])

    async def code_actions(self, doc: Doc, offset: int, *, automatic: bool = False
                           ) -> list[types.CodeAction]:
        pos = doc.text.position(offset)
        kind = (types.CodeActionTriggerKind.Automatic if automatic
                else types.CodeActionTriggerKind.Invoked)
        result = await self.client.text_document_code_action_async(types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=doc.uri),
            range=types.Range(pos, pos),
            context=types.CodeActionContext(diagnostics=[], trigger_kind=kind)))
        return [a for a in result or [] if isinstance(a, types.CodeAction) and a.kind == KIND]

    async def execute(self, command: str, arguments: list[Any]) -> None:
        await self.client.workspace_execute_command_async(types.ExecuteCommandParams(
            command=command, arguments=arguments))

    def respond(self, body: Any) -> Reply:
        """The fake upstream's answer: the reply scripted for the file in the prompt."""
        prompt = str(body["messages"][-1]["content"])
        found = re.search(r'<file path="([^"]+)"', prompt)
        name = Path(found[1]).name if found else ""
        return self.replies.get(name, Reply.text("```\n```\n"))


def _plain(value: Any) -> Any:
    """pygls hands back custom results as namespaces; tests compare plain data."""
    if hasattr(value, "_asdict"):
        return {k: _plain(v) for k, v in value._asdict().items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if hasattr(value, "__attrs_attrs__"):
        from lsprotocol.converters import get_converter

        return get_converter().unstructure(value)
    if hasattr(value, "__dict__") and not isinstance(value, type):
        return {k: _plain(v) for k, v in vars(value).items()}
    return value


@asynccontextmanager
async def session(upstream: FakeUpstream, tmp_path: Path, settings: dict[str, Any] | None = None,
                  *, versioned: bool = True) -> AsyncIterator[Session]:
    log_file = tmp_path / f"nes-{next(_SESSIONS)}.log"
    client = await start_server(log_file, {"VC_LSP_BASE_URL": upstream.base_url},
                                lambda: LanguageClient(converter_factory=_converter))
    s = Session(client, upstream)
    upstream.responder = s.respond
    caps = capabilities(inline=True, code_actions=versioned)
    opts = options(upstream, {"inline": {"debounceMs": 0}}, {**SETTINGS, **(settings or {})})
    client.init_result = await client.initialize_session(types.InitializeParams(
        capabilities=caps, initialization_options=opts))
    try:
        yield s
    finally:
        upstream.responder = None
        await stop_and_check_secret(client, log_file)


def script(s: Session, sc: Scenario, suffix: str = "") -> str:
    """Script the model's answer for ``sc`` and return the document's URI."""
    name = f"{sc.id}{suffix}.{EXT.get(sc.language, 'txt')}"
    raw, reasoning = wrap(sc.form, sc.region_answer(), sc.language)
    s.replies[name] = Reply.text(raw, reasoning=reasoning)
    return f"file:///nes/{name}"


def user_edits(s: Session, doc: Doc, sc: Scenario) -> int:
    """The scenario's recent edits, as the user makes them; returns where the cursor is."""
    cursor = 0
    for e in sc.user:
        start = e.offset(doc.text.text)
        if not sc.typed:
            s.replace(doc, start, start + len(e.old), e.new)
            cursor = start + len(e.new)
            continue
        if e.old:
            s.replace(doc, start, start + len(e.old), "")
        cursor = s.type(doc, start, e.new)
    return cursor
