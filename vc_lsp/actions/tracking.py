"""Follow a span of a document through the changes the editor reports.

The server keeps its own copy of a document it edits, so each ``contentChange`` of a
``didChange`` can be turned into string offsets *before* it was applied (pygls has already
applied them by the time a handler runs). Offsets come from the document model
(``documents.py``), like every other conversion in the server.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from lsprotocol import types
from pygls.workspace import PositionCodec

from ..documents import Document, common_affixes


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
    head, tail = common_affixes(old, new)
    return Change(head, len(old) - tail, new[head:len(new) - tail])


class DocumentCopy:
    """The server's own copy of one document, advanced by each reported change.

    Replaying a change on the copy gives its offsets in the text as it was just before it,
    at the cost of the lines it touches (``documents.Text``), however long the document.
    """

    def __init__(self, doc: Document) -> None:
        self.doc = doc.snapshot()

    @property
    def uri(self) -> str:
        return self.doc.uri

    @property
    def codec(self) -> PositionCodec:
        return self.doc.position_codec

    @property
    def text(self) -> str:
        return self.doc.source

    def replay(self, changes: Sequence[types.TextDocumentContentChangeEvent],
               live: Document) -> list[Change]:
        """The changes as offsets, in order; ``live`` is the document pygls ended up with.

        If replaying does not reproduce ``live`` (a client bug, an unknown change shape), the
        whole difference is reported as a single change so the copy never drifts.
        """
        before = self.doc
        work = before.snapshot()
        out: list[Change] = []
        for change in changes:
            if isinstance(change, types.TextDocumentContentChangePartial):
                start = work.offset_at_position(change.range.start)
                end = work.offset_at_position(change.range.end)
                start, end = min(start, end), max(start, end)
                out.append(Change(start, end, change.text))
                work.text.replace(start, end, change.text)
            else:
                out.append(common_change(work.source, change.text))
                work.apply_change(change)
        if len(work.text) != len(live.text) or (len(live.text) < 65_536
                                                and work.source != live.source):
            out = [common_change(before.source, live.source)]
        self.doc = live.snapshot()
        return out
