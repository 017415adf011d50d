"""What the model sees around the cursor, cut from an immutable snapshot of the document."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..documents import file_name

BLOCK_OPENERS = (":", "{", "(", "[", "=>", "->", " do", " then")
_INDENT = re.compile(r"[ \t]*")


@dataclass(frozen=True, slots=True)
class CursorContext:
    """Prefix and suffix windows plus the facts post-processing needs about the cursor line."""

    prefix: str
    suffix: str
    language: str
    filename: str

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
        prefix_chars: int, suffix_chars: int) -> CursorContext:
    """Windows of at most the given sizes, widened or narrowed to whole lines where possible."""
    start = max(0, offset - prefix_chars)
    if start > 0:
        nl = text.find("\n", start, offset)
        start = nl + 1 if nl >= 0 else start
    end = min(len(text), offset + suffix_chars)
    if end < len(text):
        nl = text.rfind("\n", offset, end)
        end = nl if nl >= 0 else end
    return CursorContext(
        prefix=text[start:offset],
        suffix=text[offset:end],
        language=language,
        filename=file_name(path),
    )
