"""A client's copy of a document, the slow obvious way: a string, LSP's three line breaks, and
columns counted in the negotiated encoding. Test clients use it instead of pygls's TextDocument,
which breaks lines where LSP does not (form feed, NEL, U+2028) and so cannot stand in for an
editor."""

from __future__ import annotations

import re
from dataclasses import dataclass

from lsprotocol import types

_BREAK = re.compile(r"\r\n|\r|\n")


def lines_of(text: str) -> list[str]:
    """Lines with their breaks; only \\n, \\r\\n and \\r end a line."""
    out, start = [], 0
    for match in _BREAK.finditer(text):
        out.append(text[start:match.end()])
        start = match.end()
    if start < len(text):
        out.append(text[start:])
    return out


def body(line: str) -> str:
    """A line without its break."""
    if line.endswith("\r\n"):
        return line[:-2]
    return line[:-1] if line.endswith(("\n", "\r")) else line


def units(text: str, encoding: str) -> int:
    if encoding == "utf-8":
        return len(text.encode("utf-8", "surrogatepass"))
    if encoding == "utf-16":
        return sum(2 if ord(c) > 0xFFFF else 1 for c in text)
    return len(text)


@dataclass
class ClientText:
    text: str
    encoding: str = "utf-16"
    version: int = 0

    def offset(self, position: types.Position) -> int:
        """Past the last line is the end; past a line's end is its end (as editors clamp)."""
        lines = lines_of(self.text)
        if position.line >= len(lines):
            return len(self.text)
        line = body(lines[position.line])
        index = 0
        while index < len(line) and units(line[:index + 1], self.encoding) <= position.character:
            index += 1
        return sum(map(len, lines[:position.line])) + index

    def position(self, offset: int) -> types.Position:
        lines, start = lines_of(self.text), 0
        for n, line in enumerate(lines):
            if offset < start + len(line) or (n == len(lines) - 1
                                              and not line.endswith(("\r", "\n"))):
                return types.Position(n, units(body(line)[:offset - start], self.encoding))
            start += len(line)
        return types.Position(len(lines), 0)

    def apply(self, change: types.TextDocumentContentChangeEvent) -> None:
        if isinstance(change, types.TextDocumentContentChangePartial):
            a, b = self.offset(change.range.start), self.offset(change.range.end)
            self.text = self.text[:min(a, b)] + change.text + self.text[max(a, b):]
        else:
            self.text = change.text
