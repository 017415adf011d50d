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
from ..documents import file_name

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


def cut(text: str, offset: int, *, language: str, path: str,
        prefix_chars: int, suffix_chars: int, shown_path: str | None = None) -> CursorContext:
    """Windows of at most the given sizes, made of whole lines with their edges on the grid
    where possible (a line longer than the budget is cut within the line)."""
    view = View(text)
    line_start, line_end = view.start(offset), view.end(offset)
    filename = file_name(path)
    return CursorContext(
        prefix=text[_prefix_start(view, offset, line_start, prefix_chars):offset],
        suffix=text[offset:_suffix_end(view, offset, line_end, suffix_chars)],
        language=language,
        filename=filename,
        path=shown_path or filename,
    )


def _prefix_start(view: View, offset: int, line_start: int, budget: int) -> int:
    text = view.text
    if offset - line_start > budget:  # the cursor line alone is too long: cut inside it
        start = max(0, offset - budget)
        nl = text.find("\n", start, offset)
        return nl + 1 if nl >= 0 else start
    room = budget - (offset - line_start)
    start, climbed = line_start, 0
    while start > 0:
        above = view.start(start - 1)
        if line_start - above > room:
            break
        start, climbed = above, climbed + 1
    if start == 0:
        return 0
    first = view.line_of(offset) - climbed
    down = (-first) % GRID  # move the edge down onto the next grid line
    for _ in range(min(down, climbed)):
        start = view.after(start)
    return start


def _suffix_end(view: View, offset: int, line_end: int, budget: int) -> int:
    text = view.text
    if line_end - offset > budget:
        end = min(len(text), offset + budget)
        nl = text.rfind("\n", offset, end)
        return nl if nl >= 0 else end
    room = budget - (line_end - offset)
    end, descended = line_end, 0
    while end < len(text):
        below = view.end(view.after(end))
        if below - line_end > room:
            break
        end, descended = below, descended + 1
    if end >= len(text):
        return len(text)
    last = view.line_of(offset) + descended
    up = (last + 1) % GRID  # move the edge up so that the next line is a grid line
    if up > descended:
        return line_end
    return view.end(view.back(end, up)) if up else end
