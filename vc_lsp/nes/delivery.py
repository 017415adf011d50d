"""One suggestion in the shapes editors take it: Copilot's ``copilotInlineEdit`` edit, code
actions carrying a ``WorkspaceEdit``, and (``NextEditService.inline_items``) an inline item.

Every shape names the document version its ranges are for and carries the ``vc.nes.accept``
command, which records the accept; the edit itself is applied by the editor.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from lsprotocol import types

from ..documents import Document
from ..lsp_json import converter
from .edits import Edit
from .suggestion import Suggestion

ACCEPT = "vc.nes.accept"
REJECT = "vc.nes.reject"
KIND = "refactor.rewrite.vc.nextEdit"


def ordered(doc: Document, s: Suggestion, offset: int) -> list[Edit]:
    """The edits nearest the cursor first (by lines, then the one after it)."""
    line = doc.text.line_at(offset)

    def key(e: Edit) -> tuple[int, int, int]:
        at = doc.text.line_at(e.start)
        return abs(at - line), 0 if at >= line else 1, e.start

    return sorted(s.edits, key=key)


def _command(s: Suggestion, title: str = "Accept next edit") -> types.Command:
    return types.Command(title=title, command=ACCEPT, arguments=[s.id])


def copilot(doc: Document, s: Suggestion, offset: int) -> dict[str, Any]:
    """``{edits: [{range, text, textDocument: {uri, version}, command}]}``: Copilot's edits
    are alternatives, so only the next edit; the others follow once it is taken."""
    edits = ordered(doc, s, offset)[:1]
    return {"edits": [{
        "range": converter().unstructure(doc.range_at(e.start, e.end)),
        "text": e.new,
        "textDocument": {"uri": doc.uri, "version": doc.version},
        "command": converter().unstructure(_command(s)),
    } for e in edits]}


def _workspace_edit(doc: Document, edits: Sequence[Edit], versioned: bool
                    ) -> types.WorkspaceEdit:
    text_edits = [types.TextEdit(range=doc.range_at(e.start, e.end), new_text=e.new)
                  for e in edits]
    if not versioned:
        return types.WorkspaceEdit(changes={doc.uri: list(text_edits)})
    return types.WorkspaceEdit(document_changes=[types.TextDocumentEdit(
        text_document=types.OptionalVersionedTextDocumentIdentifier(uri=doc.uri,
                                                                    version=doc.version),
        edits=list(text_edits))])


def code_actions(doc: Document, s: Suggestion, *, versioned: bool,
                 only: Sequence[str] | None = None) -> list[types.CodeAction]:
    """"Apply suggested edit (line N)" for each edit, in document order, and one for all of
    them when there are several."""
    if only and not any(k == KIND or KIND.startswith(k + ".") for k in only):
        return []
    out: list[types.CodeAction] = []
    titles: set[str] = set()
    for e in s.edits:
        line = doc.client_position_at_offset(e.start).line + 1
        title = f"Apply suggested edit (line {line})"
        n = 2
        while title in titles:
            title = f"Apply suggested edit (line {line}, #{n})"
            n += 1
        titles.add(title)
        out.append(types.CodeAction(title=title, kind=KIND,
                                    edit=_workspace_edit(doc, [e], versioned),
                                    command=_command(s, title)))
    if len(s.edits) > 1:
        title = f"Apply all {len(s.edits)} suggested edits"
        out.append(types.CodeAction(title=title, kind=KIND,
                                    edit=_workspace_edit(doc, s.edits, versioned),
                                    command=_command(s, title)))
    return out
