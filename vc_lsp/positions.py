"""Client positions to string offsets and back, only through pygls's negotiated codec.

Columns are UTF-8 bytes, UTF-16 units or code points depending on the client; indexing a Python
string with one breaks on CJK and emoji. Every conversion in the server goes through here.
"""

from __future__ import annotations

from lsprotocol import types
from pygls.workspace import TextDocument, Workspace


def snapshot(workspace: Workspace, uri: str) -> TextDocument | None:
    """A frozen copy of an open document; ``None`` for documents the client never opened."""
    if uri not in workspace.text_documents:
        return None
    live = workspace.get_text_document(uri)
    return TextDocument(uri, source=live.source, version=live.version,
                        language_id=live.language_id, position_codec=live.position_codec)


def offset_at(doc: TextDocument, position: types.Position) -> int | None:
    """The string offset of ``position``, or ``None`` when it lies outside the document."""
    lines = doc.lines
    if position.line < 0 or position.character < 0 or position.line > len(lines):
        return None
    if position.line == len(lines):
        return len(doc.source) if position.character == 0 else None
    text = lines[position.line].rstrip("\r\n")
    if position.character > doc.position_codec.client_num_units(text):
        return None
    # pygls's offset_at_position would split the document into lines twice more; this runs on
    # every completion request, so reuse the lines already split.
    server = doc.position_codec.position_from_client_units(
        lines, types.Position(position.line, position.character))
    return sum(map(len, lines[:server.line])) + server.character


def position_at(doc: TextDocument, offset: int) -> types.Position:
    """The client position of a string offset; the end of a document whose last line has no
    line break is the end of that line, never a line past the last one."""
    source = doc.source
    if not source:  # pygls's own conversion fails on a document without lines
        return types.Position(0, 0)
    if offset >= len(source) and not source.endswith(("\n", "\r")):
        lines = doc.lines
        return types.Position(len(lines) - 1,
                              doc.position_codec.client_num_units(lines[-1]))
    return doc.client_position_at_offset(offset)


def offset_at_clamped(doc: TextDocument, position: types.Position) -> int:
    """Like ``offset_at``, but a position past a line's end or the document's end is moved
    onto it (clients send those for selections that end after the last character)."""
    lines = doc.lines
    if position.line < 0:
        return 0
    if position.line >= len(lines):
        return len(doc.source)
    text = lines[position.line].rstrip("\r\n")
    units = doc.position_codec.client_num_units(text)
    character = min(max(position.character, 0), units)
    return doc.offset_at_position(types.Position(position.line, character))
