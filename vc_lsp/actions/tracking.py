"""Follow a span of a document through the changes the editor reports.

The server keeps its own copy of a document it edits, so each ``contentChange`` of a
``didChange`` can be turned into string offsets *before* it was applied (pygls has already
applied them by the time a handler runs). Offsets come from pygls's position codec, like every
other conversion in the server.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import accumulate

from lsprotocol import types
from pygls.workspace import PositionCodec, TextDocument


@dataclass(frozen=True, slots=True)
class Change:
    """``text`` replaced ``[start, end)`` of the document as it was just before this change."""

    start: int
    end: int
    text: str

    @property
    def delta(self) -> int:
        return len(self.text) - (self.end - self.start)


@dataclass(frozen=True, slots=True)
class Span:
    start: int
    end: int

    def shifted(self, by: int) -> Span:
        return Span(self.start + by, self.end + by)


def map_span(span: Span, change: Change) -> Span:
    """Where ``span`` is after someone else's ``change``.

    Text inserted exactly at either edge stays outside the span; a change that overlaps the span
    is taken into it.
    """
    if change.end <= span.start:
        return span.shifted(change.delta)
    if change.start >= span.end:
        return span
    start = min(span.start, change.start)
    end = change.start + len(change.text) if change.end >= span.end else span.end + change.delta
    return Span(start, max(start, end))


def common_change(old: str, new: str) -> Change:
    """The one change (common prefix and suffix kept) that turns ``old`` into ``new``."""
    limit = min(len(old), len(new))
    lo, hi = 0, limit  # longest common prefix by bisection: string compares run in C
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if old[:mid] == new[:mid]:
            lo = mid
        else:
            hi = mid - 1
    head = lo
    lo, hi = 0, limit - head
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if old[len(old) - mid:] == new[len(new) - mid:]:
            lo = mid
        else:
            hi = mid - 1
    tail = lo
    return Change(head, len(old) - tail, new[head:len(new) - tail])


class DocumentCopy:
    """The server's own copy of one document, advanced by each reported change."""

    def __init__(self, uri: str, text: str, codec: PositionCodec) -> None:
        self.uri = uri
        self.text = text
        self.codec = codec

    def replay(self, changes: Sequence[types.TextDocumentContentChangeEvent],
               live: str) -> list[Change]:
        """The changes as offsets, in order; ``live`` is the text pygls ended up with.

        If replaying does not reproduce ``live`` (a client bug, an unknown change shape), the
        whole difference is reported as a single change so the copy never drifts.
        """
        out: list[Change] = []
        text = self.text
        for change in changes:
            if isinstance(change, types.TextDocumentContentChangePartial):
                lines = TextDocument(self.uri, source=text).lines
                starts = list(accumulate(map(len, lines), initial=0))
                start = self._offset(lines, starts, change.range.start)
                end = self._offset(lines, starts, change.range.end)
                if start > end:
                    start, end = end, start
                if change.range.start.line >= len(lines):
                    start = end = len(text)  # pygls appends edits past the last line
                out.append(Change(start, end, change.text))
                text = text[:start] + change.text + text[end:]
            else:
                out.append(common_change(text, change.text))
                text = change.text
        if text != live:
            out = [common_change(self.text, live)]
        self.text = live
        return out


    def _offset(self, lines: Sequence[str], starts: list[int], position: types.Position) -> int:
        """The offset pygls's own ``offset_at_position`` gives, from lines split once."""
        # pygls clamps positions in place: never let it touch the client's objects
        copy = types.Position(line=position.line, character=position.character)
        server = self.codec.position_from_client_units(lines, copy)
        return starts[server.line] + server.character
