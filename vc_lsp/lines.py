"""Lines as LSP counts them: a line ends at ``\\n``, ``\\r\\n`` or ``\\r`` and nowhere else.

``str.splitlines`` also breaks at form feed, vertical tab, NEL, U+2028 and more; positions
computed from it land on the wrong line as soon as a file holds one of those. Every split of a
document into lines in the server goes through here.
"""

from __future__ import annotations

import re

BREAK = re.compile(r"\r\n|\r|\n")


def split_lines(text: str) -> list[str]:
    """The lines of ``text`` with their line breaks, like ``splitlines(keepends=True)``."""
    if not text:
        return []
    out: list[str] = []
    start = 0
    for match in BREAK.finditer(text):
        out.append(text[start:match.end()])
        start = match.end()
    if start < len(text):
        out.append(text[start:])
    return out


def line_starts(text: str) -> list[int]:
    """The offset where each line starts; a text ending in a break has an empty last line."""
    return [0, *(m.end() for m in BREAK.finditer(text))]


def strip_break(line: str) -> str:
    """A line without its line break (only an LSP one)."""
    if line.endswith("\r\n"):
        return line[:-2]
    if line.endswith(("\n", "\r")):
        return line[:-1]
    return line
