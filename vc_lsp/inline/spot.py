"""Where a completion was asked: a version of the text and the cursor in it.

Cache and join keys compare spots, never the text before and after the cursor as strings: in
a 100k-line file those copies alone would cost milliseconds per keystroke.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..documents import Text


@dataclass(frozen=True, slots=True, eq=False)
class Spot:
    text: Text
    offset: int

    def __len__(self) -> int:
        return len(self.text)

    def same(self, other: Spot) -> bool:
        """The same cursor in the same text."""
        return self.offset == other.offset and self.typed_since(other) == ""

    def typed_since(self, earlier: Spot) -> str | None:
        """What was typed at ``earlier``'s cursor to get here, if nothing else changed."""
        grown = len(self.text) - len(earlier.text)
        if grown < 0 or self.offset - earlier.offset != grown:
            return None
        if grown == 0 and self.text.same(earlier.text):
            return ""
        prefix, suffix = earlier.text.common(self.text, prefix_at_most=earlier.offset)
        if prefix < earlier.offset or suffix < len(earlier.text) - earlier.offset:
            return None
        return self.text.slice(earlier.offset, self.offset)
