"""Small text helpers the context sources share, written to stay local around an offset.

A 2,000-line document is 60-90 KB; splitting it into lines on every keystroke would cost more
than everything else the context engine does. ``View`` walks outwards from an offset with
``str.find``/``str.rfind`` (C speed) and counts line breaks with ``str.count``, so a request
touches only the lines it looks at. Line breaks are LSP's: ``\\n``, ``\\r\\n`` and ``\\r``.
"""

from __future__ import annotations

from ..documents import Text
from ..lines import strip_break


class View:
    """Line arithmetic on one text; ``\\r`` is looked for once, not on every step."""

    __slots__ = ("cr", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self.cr = "\r" in text

    def line_of(self, offset: int) -> int:
        """0-based line number of ``offset``."""
        text = self.text
        count = text.count("\n", 0, offset)
        if self.cr:
            count += text.count("\r", 0, offset) - text.count("\r\n", 0, offset)
        return count

    def start(self, offset: int) -> int:
        """Offset where the line holding ``offset`` starts."""
        text = self.text
        nl = text.rfind("\n", 0, offset)
        if self.cr:
            cr = text.rfind("\r", 0, offset)
            if cr > nl:
                if text.startswith("\n", cr + 1):  # ``offset`` is inside this CRLF
                    return self.start(cr)
                return cr + 1
        return nl + 1

    def end(self, offset: int) -> int:
        """Offset of the break that ends the line holding ``offset`` (or the text's end)."""
        text = self.text
        nl = text.find("\n", offset)
        if self.cr:
            cr = text.find("\r", offset)
            if cr >= 0 and (nl < 0 or cr < nl):
                return cr
        return nl if nl >= 0 else len(text)

    def after(self, offset: int) -> int:
        """Offset where the next line starts (the text's end on the last line)."""
        end = self.end(offset)
        if end >= len(self.text):
            return end
        return end + 2 if self.text.startswith("\r\n", end) else end + 1

    def back(self, offset: int, count: int) -> int:
        """Start of the line ``count`` lines above the one holding ``offset`` (clamped)."""
        start = self.start(offset)
        for _ in range(count):
            if start == 0:
                break
            start = self.start(start - 1)
        return start

    def forward(self, offset: int, count: int) -> int:
        """End (before its break) of the line ``count`` lines below the one at ``offset``."""
        end = self.end(offset)
        for _ in range(count):
            if end >= len(self.text):
                break
            end = self.end(self.after(end))
        return end

    def slice(self, start: int, end: int) -> str:
        return self.text[start:end]

    def __len__(self) -> int:
        return len(self.text)


class TextView:
    """``View``'s line arithmetic on a ``documents.Text``: by its line index, so an offset's
    line costs a bisect, not a count from the top, and nothing joins the whole text."""

    __slots__ = ("text",)

    def __init__(self, text: Text) -> None:
        self.text = text

    def line_of(self, offset: int) -> int:
        return self.text.line_at(offset)

    def start(self, offset: int) -> int:
        return self.text.line_start(self.text.line_at(offset))

    def end(self, offset: int) -> int:
        line = self.text.line_at(offset)
        return self.text.line_start(line) + len(strip_break(self.text.line(line)))

    def after(self, offset: int) -> int:
        line = self.text.line_at(offset)
        if line + 1 >= self.text.line_count and not self.text.line(line).endswith(("\n", "\r")):
            return len(self.text)
        return self.text.line_start(line + 1)

    def back(self, offset: int, count: int) -> int:
        return self.text.line_start(max(self.text.line_at(offset) - count, 0))

    def forward(self, offset: int, count: int) -> int:
        line = min(self.text.line_at(offset) + count, max(self.text.line_count - 1, 0))
        return self.end(self.text.line_start(line))

    def slice(self, start: int, end: int) -> str:
        return self.text.slice(start, end)

    def __len__(self) -> int:
        return len(self.text)


Lines = View | TextView


def view_of(source: str | Text) -> Lines:
    """The line arithmetic for ``source``, whichever form it comes in."""
    return View(source) if isinstance(source, str) else TextView(source)
