"""``textDocument/inlineCompletion`` and the ``textDocument/completion`` fallback."""

from __future__ import annotations

import logging
import re

from lsprotocol import types
from pygls.capabilities import get_capability

from ..documents import Document, snapshot
from ..inline.query import CompletionQuery
from ..server import VcServer

log = logging.getLogger(__name__)
_WORD = re.compile(r"[\w$]*$")


def register(server: VcServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_INLINE_COMPLETION, types.InlineCompletionOptions())
    async def inline_completion(
        ls: VcServer, params: types.InlineCompletionParams
    ) -> list[types.InlineCompletionItem]:
        settings = await ls.request_settings()
        invoked = params.context.trigger_kind == types.InlineCompletionTriggerKind.Invoked
        query = _query(ls, params.text_document.uri, params.position, invoked=invoked)
        if query is None:
            return []
        # The status owner decides what gets no request and keeps the reason for an empty one.
        with ls.status.completion(query, settings, params.work_done_token) as seen:
            items = [] if seen.refused else await ls.inline.complete(query, settings)
            accepted = seen.answer(items)
        # An explicit empty range at the cursor: without one VS Code replaces the word being
        # typed, and drops a suggestion that does not start with that word (any mid-word one).
        here = types.Range(params.position, params.position)
        return [types.InlineCompletionItem(insert_text=text, range=here, command=command)
                for text, command in zip(items, accepted, strict=True)]


def register_fallback(server: VcServer, caps: types.ClientCapabilities) -> None:
    """Offer plain completion items only to clients that cannot show ghost text (or on request)."""
    mode = server.settings_store.current.inline.completion_fallback
    has_inline = get_capability(caps, "text_document.inline_completion") is not None
    if mode == "never" or (mode == "auto" and has_inline):
        return

    # Not an empty object: ALE (Vim) reads ``completionProvider: {}`` as no completion at all.
    @server.feature(types.TEXT_DOCUMENT_COMPLETION, types.CompletionOptions(resolve_provider=False))
    async def completion(ls: VcServer, params: types.CompletionParams) -> types.CompletionList:
        settings = await ls.request_settings()
        empty = types.CompletionList(is_incomplete=True, items=[])
        uri = params.text_document.uri
        query = _query(ls, uri, params.position, invoked=_asked_for(ls, uri, params.context))
        if query is None:
            return empty
        budget_ms = settings.inline.completion_budget_ms
        with ls.status.completion(query, settings, params.work_done_token,
                                  budget_ms=budget_ms) as seen:
            items = [] if seen.refused else await ls.inline.complete(
                query, settings, budget_s=budget_ms / 1000)
            doc = snapshot(ls.workspace, query.uri)
            if doc is None or doc.version != query.version:
                items = []
            accepted = seen.answer(items)
        if doc is None or not items:
            return empty
        markdown = _supports_markdown(ls.client_capabilities)
        return types.CompletionList(is_incomplete=True, items=[
            _item(doc, query.offset, text, markdown=markdown, command=command)
            for text, command in zip(items, accepted, strict=True)])


def _asked_for(ls: VcServer, uri: str, context: types.CompletionContext | None) -> bool:
    """Whether the user asked for this completion, rather than the client asking because they
    type (Zed, Sublime, eglot with company ask on every key): only those wait for a pause."""
    again = types.CompletionTriggerKind.TriggerForIncompleteCompletions
    if context is not None and context.trigger_kind == again:
        return False  # asked again because our last list was incomplete: the user typed on
    return not ls.inline.rhythm.typing(uri)


def _query(ls: VcServer, uri: str, position: types.Position, *,
           invoked: bool) -> CompletionQuery | None:
    doc = snapshot(ls.workspace, uri)
    if doc is None:
        log.info("completion for a document that is not open: %s", uri)
        return None
    offset = doc.offset_in_range(position)
    if offset is None:
        log.warning("position %s:%s is outside %s (version %s)", position.line,
                    position.character, uri, doc.version)
        return None
    version = doc.version

    def is_current() -> bool:
        live = ls.workspace.text_documents.get(uri)
        return live is not None and live.version == version

    return CompletionQuery(uri=uri, text=doc.text, offset=offset, language=doc.language_id or "",
                           invoked=invoked, is_current=is_current, version=version)


def _supports_markdown(caps: types.ClientCapabilities) -> bool:
    formats = get_capability(caps, "text_document.completion.completion_item.documentation_format")
    return bool(formats and types.MarkupKind.Markdown in formats)


def _item(doc: Document, offset: int, text: str, *, markdown: bool,
          command: types.Command | None = None) -> types.CompletionItem:
    """Replace the word being typed, so clients that filter by it keep the item visible.

    Kind Text with plain-text format: Helix parses every Snippet-kind item as a snippet
    whatever its format, which would eat ``$1``, ``${NAME}`` and backslashes in code.
    """
    line_start = doc.text.line_start(doc.text.line_at(offset))
    word = _WORD.search(doc.slice(line_start, offset))
    start = offset - len(word.group()) if word else offset
    typed = doc.slice(start, offset)
    edit_range = doc.range_at(start, offset)
    first = text.split("\n", 1)[0]
    label = (typed + first).strip() or text.strip().split("\n", 1)[0]
    if "\n" in text or len(label) > 60:
        label = label[:60] + "…"
    return types.CompletionItem(
        label=label,
        kind=types.CompletionItemKind.Text,
        detail="vc-lsp",
        documentation=types.MarkupContent(
            kind=types.MarkupKind.Markdown, value=f"```{doc.language_id or ''}\n{typed + text}\n```"
        ) if markdown else typed + text,
        filter_text=typed + first,
        text_edit=types.TextEdit(range=edit_range, new_text=typed + text),
        insert_text_format=types.InsertTextFormat.PlainText,
        insert_text_mode=types.InsertTextMode.AsIs,
        command=command,  # vc.accepted: the editor runs it when the item is taken
    )
