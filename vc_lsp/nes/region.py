"""The editable region: the few dozen lines around the cursor that the model may rewrite.

The model sees the region marked inside an excerpt of the file and answers the region as it
should read after the next edit; ``edits.diff`` compares the answer with these exact lines. The
region reaches a third of its lines above the cursor and the rest below (the uses of what was
just changed usually follow it), and keeps its size near the start and the end of the file.
Only the lines it covers are split, never the whole document.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..context.text import View
from ..lines import split_lines, strip_break

CONTEXT_ABOVE = 40  # lines of the file shown above the region (not editable)
CONTEXT_BELOW = 20
CONTEXT_CHARS = 3_000  # at most, on each side


@dataclass(frozen=True, slots=True)
class Region:
    """Lines ``first_line ..`` of a text: ``starts[i]`` is where line ``i`` of the region starts
    (``starts[-1]`` is the region's end, just past its last line break)."""

    text: str  # the whole document, as of the prediction
    first_line: int
    lines: tuple[str, ...]  # without their line breaks
    starts: tuple[int, ...]
    cursor: int
    eol: str  # the break new lines get: the region's own, else the document's
    before: str  # whole lines above the region, shown as context
    after: str  # whole lines below it

    @property
    def start(self) -> int:
        return self.starts[0]

    @property
    def end(self) -> int:
        return self.starts[-1]

    @property
    def body(self) -> str:
        return self.text[self.start:self.end]

    @property
    def final_break(self) -> bool:
        """The region's last line ends with a line break (it is not the file's unended last
        line)."""
        return self.body.endswith(("\n", "\r"))


def cut(text: str, cursor: int, size: int) -> Region:
    """The region of ``size`` lines around ``cursor`` (fewer in a shorter file)."""
    view = View(text)
    cursor = min(max(cursor, 0), len(text))
    above = size // 3
    start = view.back(cursor, above)
    end = _down(view, start, size)
    raw = split_lines(text[start:end])
    if len(raw) < size and start > 0:  # near the end of the file: the missing lines above
        start = view.back(start, size - len(raw))
        raw = split_lines(text[start:end])
    starts = [start]
    for line in raw:
        starts.append(starts[-1] + len(line))
    before_at = view.back(start, CONTEXT_ABOVE) if start else 0
    before = _tail_lines(text[before_at:start], CONTEXT_CHARS)
    after_end = _down(view, end, CONTEXT_BELOW) if end < len(text) else end
    after = _head_lines(text[end:after_end], CONTEXT_CHARS)
    return Region(text=text, first_line=view.line_of(start),
                  lines=tuple(strip_break(line) for line in raw), starts=tuple(starts),
                  cursor=cursor, eol=_eol(raw, text), before=before, after=after)


def _down(view: View, start: int, count: int) -> int:
    """The offset just past ``count`` lines starting at the line start ``start``."""
    at = start
    for _ in range(count):
        if at >= len(view.text):
            break
        at = view.after(at)
    return at


def _eol(raw: list[str], text: str) -> str:
    for line in raw:
        if line.endswith("\r\n"):
            return "\r\n"
        if line.endswith(("\n", "\r")):
            return line[-1]
    if "\r\n" in text:
        return "\r\n"
    return "\r" if "\r" in text and "\n" not in text else "\n"


def _tail_lines(text: str, limit: int) -> str:
    """At most ``limit`` characters from the end of ``text``, starting at a line start."""
    if len(text) <= limit:
        return text
    cut_at = text.find("\n", len(text) - limit)
    return text[cut_at + 1:] if cut_at >= 0 else ""


def _head_lines(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut_at = text.rfind("\n", 0, limit)
    return text[:cut_at + 1] if cut_at >= 0 else ""
