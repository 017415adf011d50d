"""Which lines an action works on: whole lines of a selection, or the enclosing block.

Pure text functions over string offsets (client positions are converted before, in
``positions``). Lines end at ``\\n``; a ``\\r`` before it belongs to the line.
"""

from __future__ import annotations

import re

from ..indent import width
from .tracking import Span

_DEFINITION = re.compile(
    r"^\s*(?:export\s+)?(?:default\s+)?(?:pub(?:\([^)]*\))?\s+)?(?:local\s+)?(?:async\s+)?"
    r"(?:static\s+)?(?:def|class|function|fn|func|fun|sub|proc|procedure|module|impl|trait|"
    r"interface|struct|enum|object|macro|defmacro|defun|defn|method|constructor)\b"
    r"|^\s*(?:export\s+)?(?:const|let|var)\s+\w+\s*=\s*(?:async\s*)?(?:function\b|\([^)]*\)\s*=>|"
    r"\w+\s*=>)"
    r"|^\s*(?!(?:if|for|while|switch|catch|else|return|do)\b)[\w:<>,*&\[\]]+(?:\s+[\w:<>,*&\[\]]+)*"
    r"\s+\**\w+\s*\([^;]*$"
)
_CLOSER = re.compile(r"^\s*(?:[})\]]|end\b|fi\b|done\b|esac\b|endif\b|endfunction\b|</)")
_CONTINUES = re.compile(r"^\s*(?:else\b|elif\b|elsif\b|except\b|finally\b|catch\b|rescue\b|"
                        r"ensure\b|when\b|case\b)")
_OPENS = (":", "{", "(", "[", "=>", " do", " then", "->")
_DECORATOR = re.compile(r"^\s*(?:@|#\[)")


def line_start(text: str, offset: int) -> int:
    return text.rfind("\n", 0, offset) + 1


def line_end(text: str, offset: int) -> int:
    """The offset after the line terminator of the line holding ``offset`` (or the text end)."""
    at = text.find("\n", offset)
    return len(text) if at < 0 else at + 1


def is_empty(text: str, start: int, end: int) -> bool:
    """No real selection: a cursor, or Helix's one-character selection."""
    return end - start <= 1 and "\n" not in text[start:end]


def whole_lines(text: str, start: int, end: int) -> Span:
    """The lines a selection touches; a selection ending at a line's start leaves that line out."""
    first = line_start(text, start)
    if end > start and end == line_start(text, end):
        return Span(first, end)
    return Span(first, line_end(text, max(start, end - 1) if end > start else start))


def count_lines(text: str, span: Span) -> int:
    part = text[span.start:span.end]
    return part.count("\n") + (0 if part.endswith("\n") or not part else 1)


def lines_label(first: int, last: int) -> str:
    """``line 3`` or ``lines 3-7``: how messages and titles name 1-based lines."""
    return f"line {first}" if first == last else f"lines {first}-{last}"


def _blank(line: str) -> bool:
    return not line.strip()


def _opens(line: str) -> bool:
    return line.rstrip().endswith(_OPENS)


class _Lines:
    def __init__(self, text: str) -> None:
        self.text = text
        self.items = text.split("\n")
        self.starts = [0]
        for item in self.items[:-1]:
            self.starts.append(self.starts[-1] + len(item) + 1)

    def index(self, offset: int) -> int:
        return self.text.count("\n", 0, offset)

    def span(self, first: int, last: int) -> Span:
        """Lines ``first`` to ``last`` inclusive, with the last line's terminator."""
        end = self.starts[last] + len(self.items[last])
        return Span(self.starts[first], min(len(self.text), end + 1))

    def next_filled(self, i: int) -> int | None:
        for k in range(i + 1, len(self.items)):
            if not _blank(self.items[k]):
                return k
        return None

    def header(self, i: int) -> bool:
        """Line ``i`` opens a block: the next non-blank line is indented deeper."""
        nxt = self.next_filled(i)
        return nxt is not None and width(self.items[nxt]) > width(self.items[i])


def block_at(text: str, offset: int) -> Span:
    """The block that starts on the line holding ``offset``: that line, the deeper lines below
    it, continuation lines (``else:``, ``} else {``, a closing ``) -> int:``) and the closer."""
    ls = _Lines(text)
    first = ls.index(offset)
    return _block(ls, first)


def _block(ls: _Lines, head: int) -> Span:
    items = ls.items
    base = width(items[head])
    start = head
    while start > 0 and _DECORATOR.match(items[start - 1]) and width(items[start - 1]) == base:
        start -= 1
    last, k = head, head + 1
    while True:
        while k < len(items) and (_blank(items[k]) or width(items[k]) > base):
            if not _blank(items[k]):
                last = k
            k += 1
        if k == len(items) or width(items[k]) != base:
            break
        line = items[k]
        if not (line.strip() == "{" or _CONTINUES.match(line) or _CLOSER.match(line)):
            break
        last, k = k, k + 1  # `{` on its own line, `else:`, `} else {`, `) -> int:`, `}`, `end`
        if not (line.strip() == "{" or _opens(line)):
            break
    return ls.span(start, last)


def enclosing_block(text: str, offset: int) -> Span:
    """What "this code" means without a selection: the innermost enclosing definition
    (function, method, class...), else the outermost enclosing block, else the paragraph."""
    ls = _Lines(text)
    items = ls.items
    i = ls.index(offset)
    if _blank(items[i]):
        above = next((k for k in range(i - 1, -1, -1) if not _blank(items[k])), None)
        below = ls.next_filled(i)
        if above is not None:
            i = above
        elif below is not None:
            i = below
        else:
            return ls.span(i, i)
    while _DECORATOR.match(items[i]):  # on `@decorator`: the definition it decorates
        nxt = ls.next_filled(i)
        if nxt is None or width(items[nxt]) != width(items[i]):
            break
        i = nxt
    chain: list[int] = [i] if ls.header(i) else []
    level = width(items[i])
    for k in range(i - 1, -1, -1):
        if level == 0:
            break
        if not _blank(items[k]) and width(items[k]) < level and not _CLOSER.match(items[k]):
            chain.append(k)
            level = width(items[k])
    for head in chain:
        if _DEFINITION.match(items[head]):
            return _block(ls, head)
    if chain:
        return _block(ls, chain[-1])
    first = i
    while first > 0 and not _blank(items[first - 1]):
        first -= 1
    last = i
    while last + 1 < len(items) and not _blank(items[last + 1]):
        last += 1
    return ls.span(first, last)
