"""Apply a completion item the way Helix does (helix-term/src/ui/completion.rs).

Helix takes the item's ``textEdit`` (else ``insertText``, else the label) and, when the item's
kind is Snippet *or* its format is Snippet, parses the text as an LSP snippet and inserts the
rendered snippet (nothing at all if it does not parse); otherwise it inserts the text verbatim.
The snippet rules emulated here are the LSP grammar's: ``$1`` / ``${1}`` / ``${1:default}`` /
``${1|a,b|}`` are tab stops (their placeholder text stays), ``$NAME`` / ``${NAME}`` /
``${NAME:default}`` are variables (unknown ones render as their default, else empty), and a
backslash escapes only ``$``, ``}`` and ``\\``.
"""

from __future__ import annotations

import re

from lsprotocol import types

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_INT = re.compile(r"[0-9]+")


def render_snippet(text: str) -> str:
    out, _ = _render(text, 0, inside=False)
    return out


def _render(text: str, i: int, *, inside: bool) -> tuple[str, int]:
    out: list[str] = []
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text) and text[i + 1] in "$}\\":
            out.append(text[i + 1])
            i += 2
        elif inside and ch == "}":
            return "".join(out), i
        elif ch == "$":
            piece, i = _dollar(text, i)
            out.append(piece)
        else:
            out.append(ch)
            i += 1
    return "".join(out), i


def _dollar(text: str, i: int) -> tuple[str, int]:
    rest = text[i + 1:]
    for pattern in (_INT, _NAME):
        m = pattern.match(rest)
        if m:
            return "", i + 1 + m.end()  # a bare tab stop or variable renders empty
    if rest.startswith("{"):
        j = i + 2
        m = _INT.match(text, j) or _NAME.match(text, j)
        if m:
            j = m.end()
            if text.startswith("}", j):
                return "", j + 1
            if text.startswith(":", j):
                inner, end = _render(text, j + 1, inside=True)
                if text.startswith("}", end):
                    return inner, end + 1
            if text.startswith("|", j):
                end = text.find("|}", j + 1)
                if end >= 0:
                    return text[j + 1:end].split(",")[0], end + 2
    return "$", i + 1


def apply(source: str, item: types.CompletionItem, encoding: str = "utf-16") -> str:
    """``source`` after accepting ``item`` (positions in ``encoding``'s code units)."""
    edit = item.text_edit
    assert isinstance(edit, types.TextEdit), "vc-lsp always sends a TextEdit"
    snippet = item.kind == types.CompletionItemKind.Snippet or \
        item.insert_text_format == types.InsertTextFormat.Snippet
    new_text = render_snippet(edit.new_text) if snippet else edit.new_text
    start = _offset(source, edit.range.start, encoding)
    end = _offset(source, edit.range.end, encoding)
    return source[:start] + new_text + source[end:]


def _offset(source: str, pos: types.Position, encoding: str) -> int:
    lines = source.split("\n")
    before = sum(len(line) + 1 for line in lines[:pos.line])
    line = lines[pos.line] if pos.line < len(lines) else ""
    units = 0
    for k, ch in enumerate(line):
        if units >= pos.character:
            return before + k
        units += 1 if encoding == "utf-32" else (
            len(ch.encode("utf-8")) if encoding == "utf-8" else len(ch.encode("utf-16-le")) // 2)
    return before + len(line)
