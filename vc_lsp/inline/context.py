"""What the model sees around the cursor, cut from an immutable snapshot of the document.

The window's edges sit on a grid of ``GRID`` lines: its first line is a multiple of ``GRID``
(or the document's start) and its last line ends just before one (or at the document's end).
Typing moves the cursor, not the window, so consecutive requests share their text and the
upstream's prompt cache keeps hitting; the window only moves when the cursor has travelled far
enough that the text no longer fits the budget.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..context.text import View
from ..documents import Text, file_name

GRID = 16
BLOCK_OPENERS = (":", "{", "(", "[", "=>", "->", " do", " then")
_INDENT = re.compile(r"[ \t]*")


@dataclass(frozen=True, slots=True)
class CursorContext:
    """Prefix and suffix windows plus the facts post-processing needs about the cursor line."""

    prefix: str
    suffix: str
    language: str
    filename: str
    path: str = ""  # the file as the model is told it: below the workspace root, or its name

    @property
    def line_prefix(self) -> str:
        return self.prefix.rsplit("\n", 1)[-1]

    @property
    def line_suffix(self) -> str:
        return self.suffix.split("\n", 1)[0]

    @property
    def indent(self) -> str:
        """Indentation of the cursor line (what a new line in this block starts with)."""
        match = _INDENT.match(self.line_prefix)
        return match.group(0) if match else ""

    @property
    def mid_line(self) -> bool:
        return bool(self.line_suffix.strip())

    @property
    def multiline(self) -> bool:
        """Multi-line only on an empty line or right after a block opener, as Copilot does."""
        if self.mid_line:
            return False
        before = self.line_prefix.rstrip()
        return not before.strip() or before.endswith(BLOCK_OPENERS)

    @property
    def next_line(self) -> str:
        """The first non-blank line after the cursor line: a completion must not duplicate it."""
        start = self.suffix.find("\n")
        while start >= 0:
            end = self.suffix.find("\n", start + 1)
            line = self.suffix[start + 1:] if end < 0 else self.suffix[start + 1:end]
            if line.strip():
                return line.rstrip("\r")  # a CRLF document's line, without its CR
            start = end
        return ""


def cut(text: str | Text, offset: int, *, language: str, path: str,
        prefix_chars: int, suffix_chars: int, shown_path: str | None = None) -> CursorContext:
    """Windows of at most the given sizes, made of whole lines with their edges on the grid
    where possible (a line longer than the budget is cut within the line). ``text`` may be a
    document's ``Text``: then only the lines the budgets can reach are ever joined."""
    if isinstance(text, Text):
        base, local, first_line = _reach(text, offset, prefix_chars, suffix_chars)
    else:
        base, local, first_line = 0, text, 0
    view = View(local)
    at = offset - base
    line = first_line + view.line_of(at)
    line_start, line_end = view.start(at), view.end(at)
    filename = file_name(path)
    return CursorContext(
        prefix=local[_prefix_start(view, at, line, line_start, prefix_chars):at],
        suffix=local[at:_suffix_end(view, at, line, line_end, suffix_chars)],
        language=language,
        filename=filename,
        path=shown_path or filename,
    )


def _reach(text: Text, offset: int, before: int, after: int) -> tuple[int, str, int]:
    """The whole lines holding ``offset - before - 1 .. offset + after + 1``: a window whose
    outer lines always overrun the budgets, so cutting inside it equals cutting the text."""
    first = text.line_at(max(offset - before - 1, 0))
    last = text.line_at(min(offset + after + 1, len(text)))
    start = text.line_start(first)
    return start, text.slice(start, text.line_start(last + 1)), first


def _prefix_start(view: View, offset: int, line: int, line_start: int, budget: int) -> int:
    if offset - line_start > budget:  # the cursor line alone is too long: cut inside it
        return max(0, offset - budget)
    room = budget - (offset - line_start)
    start, climbed = line_start, 0
    while start > 0:
        above = view.start(start - 1)
        if line_start - above > room:
            break
        start, climbed = above, climbed + 1
    if start == 0:
        return 0
    first = line - climbed
    down = (-first) % GRID  # move the edge down onto the next grid line
    for _ in range(min(down, climbed)):
        start = view.after(start)
    return start


def _suffix_end(view: View, offset: int, line: int, line_end: int, budget: int) -> int:
    size = len(view)
    if line_end - offset > budget:
        return min(size, offset + budget)
    room = budget - (line_end - offset)
    end, descended = line_end, 0
    while end < size:
        below = view.end(view.after(end))
        if below - line_end > room:
            break
        end, descended = below, descended + 1
    if end >= size:
        return size
    last = line + descended
    up = (last + 1) % GRID  # move the edge up so that the next line is a grid line
    if up > descended:
        return line_end
    return view.end(view.back(end, up)) if up else end
