"""The user's recent edits, per document, as small coalesced hunks of whole lines.

Every ``didChange`` is reduced to the lines it touched (old lines -> new lines). A change that
touches or borders a hunk grows that hunk, so typing a line, pressing Enter and typing the next
one is one hunk, not thirty; an edit elsewhere starts another. A hunk remembers the text its
lines had before the user touched them, so undoing an edit by hand makes its hunk disappear.

The server's own edits (an accepted suggestion, a streamed code action) are not the user's:
whoever makes one says so beforehand with ``expect`` (the document text it will produce) or
``expect_insertion`` (an insertion at an offset, e.g. the suggestions just shown); a matching
change only moves the hunks below it, and drops the hunks it overlaps rather than passing the
server's text off as the user's.

Everything is local to the change: no document is split into lines, no diff runs over a whole
file. Next-edit prediction reads the same hunks (``hunks``, ``recent``, ``latest``).
"""

from __future__ import annotations

import difflib
import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from ..documents import Text, common_affixes
from .text import Lines, view_of

MAX_HUNKS = 16  # per document; the oldest goes first
MAX_LINES = 80  # a hunk larger than this (a paste, a reformat) is kept but marked large


@dataclass(frozen=True, slots=True)
class Hunk:
    """Lines ``start .. start + len(new)`` of a document now read ``new``; they read ``old``."""

    uri: str
    start: int  # 0-based, in the document as it is now
    old: tuple[str, ...]
    new: tuple[str, ...]
    seq: int  # higher is more recent
    old_start: int = 0  # 0-based, in the document before any of its hunks

    @property
    def end(self) -> int:
        return self.start + len(self.new)

    @property
    def large(self) -> bool:
        return max(len(self.old), len(self.new)) > MAX_LINES

    def diff(self, path: str, *, context: int = 1) -> str:
        """A unified diff of this hunk, headed by ``path``."""
        body = list(difflib.unified_diff(list(self.old), list(self.new), lineterm="",
                                         n=context))[2:]
        if not body:
            return ""
        lines = []
        for line in body:
            if line.startswith("@@"):
                line = _shift_header(line, self.old_start, self.start)
            lines.append(line)
        return "\n".join([f"--- a/{path}", f"+++ b/{path}", *lines])


def _shift_header(header: str, old_start: int, new_start: int) -> str:
    """difflib numbers from the hunk's first line; number from the document's."""
    try:
        _, old, new, _rest = header.split(" ", 3)
        o_start, _, o_len = old[1:].partition(",")
        n_start, _, n_len = new[1:].partition(",")
        o = int(o_start) + old_start if int(o_start) else old_start
        n = int(n_start) + new_start if int(n_start) else new_start
        return (f"@@ -{o}{',' + o_len if o_len else ''} "
                f"+{n}{',' + n_len if n_len else ''} @@")
    except ValueError:
        return header


Source = str | Text  # a document's text: a string, or the editor document's ``Text``


@dataclass
class _Doc:
    text: Source
    hunks: list[Hunk] = field(default_factory=list)
    expected: set[str] = field(default_factory=set)
    insertion: tuple[int, tuple[str, ...]] | None = None


class EditHistory:
    """Recent user edits per open document, for prompts and for next-edit prediction."""

    def __init__(self, *, per_document: int = MAX_HUNKS) -> None:
        self._docs: dict[str, _Doc] = {}
        self._per_document = per_document
        self._seq = itertools.count(1)
        self.generation = 0  # bumps whenever any hunk changes (a cache key for readers)

    # -- what the lifecycle tells it -----------------------------------------------------------

    def open(self, uri: str, text: Source) -> None:
        self._docs[uri] = _Doc(text)

    def close(self, uri: str) -> None:
        if self._docs.pop(uri, None) is not None:
            self.generation += 1

    def forget(self, uri: str) -> None:
        """Stop keeping edits for ``uri`` (it became excluded) but keep following it."""
        doc = self._docs.get(uri)
        if doc is not None and doc.hunks:
            doc.hunks.clear()
            self.generation += 1

    # -- what the server says about its own edits ----------------------------------------------

    def expect(self, uri: str, text: str) -> None:
        """The change that brings ``uri`` to exactly ``text`` is the server's own."""
        doc = self._docs.get(uri)
        if doc is not None:
            doc.expected.add(text)

    def expect_insertion(self, uri: str, offset: int, texts: Sequence[str]) -> None:
        """A change inserting one of ``texts`` (or its first two characters or more) at
        ``offset`` is the server's own: the suggestions just shown there."""
        doc = self._docs.get(uri)
        if doc is not None:
            doc.insertion = (offset, tuple(t for t in texts if t)) if texts else None

    # -- a change --------------------------------------------------------------------------------

    def record(self, uri: str, text: Source, *, own: bool = False) -> None:
        """The document's text after a change (called after every didChange). With the
        editor document's ``Text`` on both sides, this costs the lines that changed."""
        doc = self._docs.get(uri)
        if doc is None:
            return
        old = doc.text
        prefix, suffix = _affixes(old, text)
        if prefix == len(old) == len(text):
            return
        own = own or self._expected(doc, old, text, prefix, suffix)
        doc.text = text
        doc.expected.clear()
        doc.insertion = None
        while prefix and (_inside_crlf(old, prefix) or _inside_crlf(text, prefix)):
            prefix -= 1  # a change never starts between the two halves of a CRLF ...
        while suffix and (_inside_crlf(old, len(old) - suffix)
                          or _inside_crlf(text, len(text) - suffix)):
            suffix -= 1  # ... nor ends there
        vo, vn = view_of(old), view_of(text)
        a = vo.line_of(prefix)
        b = vo.line_of(len(old) - suffix) + 1  # old lines a .. b-1 were touched
        nb = vn.line_of(len(text) - suffix) + 1  # new lines a .. nb-1 replace them
        delta = (nb - a) - (b - a)
        touching = [h for h in doc.hunks if h.start <= b and h.end >= a]
        rest = [h for h in doc.hunks if h not in touching]
        shifted = [h if h.start < a else _moved(h, delta) for h in rest]
        if own:
            doc.hunks = _numbered(shifted)
            self.generation += 1 if touching or delta else 0
            return
        start = min([a, *(h.start for h in touching)])
        end = max([b, *(h.end for h in touching)])
        anchor_old = vo.start(prefix)
        anchor_new = vn.start(prefix)
        pieces: list[str] = []
        cursor = start
        for h in sorted(touching, key=lambda h: h.start):
            pieces += _lines(vo, anchor_old, a, cursor, h.start)
            pieces += h.old
            cursor = h.end
        pieces += _lines(vo, anchor_old, a, cursor, end)
        new_lines = _lines(vn, anchor_new, a, start, end + delta)
        hunk = Hunk(uri, start, tuple(pieces), tuple(new_lines), next(self._seq))
        kept = shifted if hunk.old == hunk.new else [*shifted, hunk]
        kept.sort(key=lambda h: h.start)
        if len(kept) > self._per_document:
            oldest = min(kept, key=lambda h: h.seq)
            kept.remove(oldest)
        doc.hunks = _numbered(kept)
        self.generation += 1

    def _expected(self, doc: _Doc, old: Source, text: Source, prefix: int, suffix: int
                  ) -> bool:
        if doc.expected and _whole(text) in doc.expected:
            return True
        if doc.insertion is None or len(text) <= len(old):
            return False
        offset, texts = doc.insertion
        # an insertion at ``offset``: everything before it and after it is unchanged
        if offset > len(old) or prefix < offset or suffix < len(old) - offset:
            return False
        inserted = view_of(text).slice(offset, offset + len(text) - len(old))
        return any(t == inserted or (len(inserted) >= 2 and t.startswith(inserted))
                   for t in texts)

    # -- what readers get ------------------------------------------------------------------------

    def hunks(self, uri: str) -> list[Hunk]:
        """The document's hunks, top to bottom."""
        doc = self._docs.get(uri)
        return list(doc.hunks) if doc is not None else []

    def latest(self, uri: str) -> Hunk | None:
        """The hunk edited last in ``uri`` (the one being typed, while the user types)."""
        doc = self._docs.get(uri)
        if doc is None or not doc.hunks:
            return None
        return max(doc.hunks, key=lambda h: h.seq)

    def recent(self, limit: int, accept: Callable[[str], bool] | None = None) -> list[Hunk]:
        """The ``limit`` most recent hunks (of the documents ``accept`` takes), oldest first."""
        pool = [h for uri, doc in self._docs.items() if doc.hunks
                and (accept is None or accept(uri)) for h in doc.hunks]
        pool.sort(key=lambda h: h.seq)
        return pool[-limit:] if limit > 0 else []


def _affixes(old: Source, new: Source) -> tuple[int, int]:
    """Common prefix and suffix lengths; block by block for two versions of a ``Text``."""
    if isinstance(old, Text) and isinstance(new, Text):
        return old.common(new)
    return common_affixes(_whole(old), _whole(new))


def _whole(text: Source) -> str:
    return text if isinstance(text, str) else text.source


def _inside_crlf(text: Source, offset: int) -> bool:
    return 0 < offset < len(text) and view_of(text).slice(offset - 1, offset + 1) == "\r\n"


def _moved(h: Hunk, delta: int) -> Hunk:
    return Hunk(h.uri, h.start + delta, h.old, h.new, h.seq, h.old_start) if delta else h


def _numbered(hunks: list[Hunk]) -> list[Hunk]:
    """Each hunk's line number in the document as it was before the hunks above it."""
    out: list[Hunk] = []
    shift = 0
    for h in hunks:
        out.append(Hunk(h.uri, h.start, h.old, h.new, h.seq, h.start - shift))
        shift += len(h.new) - len(h.old)
    return out


def _lines(view: Lines, anchor: int, anchor_line: int, first: int, last: int) -> list[str]:
    """Lines ``first .. last-1`` of ``view``'s text, without breaks, found from a known line
    start (``anchor`` is where line ``anchor_line`` starts)."""
    if last <= first:
        return []
    if first <= anchor_line:
        start = view.back(anchor, anchor_line - first)
    else:
        start = view.after(view.forward(anchor, first - anchor_line - 1))
    out: list[str] = []
    at = start
    for _ in range(last - first):
        end = view.end(at)
        out.append(view.slice(at, end))
        if end >= len(view):
            break
        at = view.after(end)
    while len(out) < last - first:
        out.append("")  # the empty last line after a final break
    return out
