"""A suggestion, followed through the user's typing instead of asked for again.

A suggestion is a few edits against one version of a document. Each later change is compared
with them:

- a change that touches no edit (and not the lines the prediction was based on) only moves the
  edits below it: the suggestion is *kept*, rebased onto the new text;
- a change inside or next to an edit that brings that spot closer to what the edit would make
  (typing its first characters, deleting what it deletes, applying it whole) is the user *taking*
  it: what is left of that edit stays, an edit applied whole is gone, and once every edit is gone
  the suggestion is *finished*;
- a change that takes an edit's spot elsewhere (typing something else over it) *rejects* that
  edit, and the suggestion goes;
- a change on the lines the prediction was made for (the user still working on the edit that
  prompted it; a line added above or below them is not that) makes the suggestion *stale*: it
  goes without being rejected.

Taking an edit means typing its first (or last) characters and deleting some of what it
replaces, in any order: ``cw`` and then the new word, a backspace, the whole edit at once.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, replace
from typing import Literal

from ..documents import common_affixes
from .edits import Edit

Verdict = Literal["kept", "finished", "rejected", "stale"]
SLIDE_LIMIT = 200  # characters an ambiguous change may be moved to meet an edit


@dataclass(frozen=True, slots=True)
class Change:
    """``old[start:end]`` became ``new`` (one contiguous change between two texts)."""

    start: int
    end: int
    new: str

    @property
    def delta(self) -> int:
        return len(self.new) - (self.end - self.start)

    @classmethod
    def between(cls, old: str, text: str, spans: Collection[tuple[int, int]] = ()) -> Change:
        """The change from ``old`` to ``text``. An insertion or a deletion inside a run of
        equal characters could be at several places (typing ``a`` before ``a``); it is put
        inside one of ``spans`` (the edits' spans) when one of those places is."""
        prefix, suffix = common_affixes(old, text)
        c = cls(prefix, len(old) - suffix, text[prefix:len(text) - suffix])
        if not spans or (c.start != c.end and c.new) or c._inside(spans):
            return c
        start, end, new = c.start, c.end, c.new
        for _ in range(SLIDE_LIMIT):
            if start == 0:
                break
            if new and old[start - 1] == new[-1]:  # an insertion, one character earlier
                new = old[start - 1] + new[:-1]
                end -= 1
            elif not new and old[start - 1] == old[end - 1]:  # a deletion, likewise
                end -= 1
            else:
                break
            start -= 1
            moved = cls(start, end, new)
            if moved._inside(spans):
                return moved
        return c

    def _inside(self, spans: Collection[tuple[int, int]]) -> bool:
        return any(a <= self.start and self.end <= b for a, b in spans)


@dataclass(frozen=True, slots=True)
class Suggestion:
    """Edits (sorted, apart) against ``text``, the document at ``version``."""

    id: str
    uri: str
    version: int | None
    text: str
    edits: tuple[Edit, ...]
    basis: tuple[int, int] | None = None  # the lines of the user's last hunk, as offsets
    taken: int = 0  # edits the user took so far


@dataclass(frozen=True, slots=True)
class Outcome:
    verdict: Verdict
    suggestion: Suggestion | None = None  # "kept": the rebased suggestion
    rejected: Edit | None = None  # "rejected": the edit typed over (in the old text)


def rebase(s: Suggestion, text: str, version: int | None) -> Outcome:
    """``s`` after its document became ``text`` (at ``version``)."""
    old = s.text
    if text == old:
        return Outcome("kept", replace(s, version=version))
    c = Change.between(old, text, [(e.start, e.end) for e in s.edits])
    touched = [i for i, e in enumerate(s.edits) if c.start <= e.end and c.end >= e.start]
    if len(touched) > 1:
        return Outcome("stale")  # one change across several edits: a paste, an undo
    edits: list[Edit] = []
    taken = s.taken
    for i, e in enumerate(s.edits):
        if i in touched:
            result = _along(e, c, old, text)
            if result is False:
                return Outcome("rejected", rejected=e)
            if result is None:
                taken += 1
            else:
                edits.append(result)
        elif e.start > c.end:
            edits.append(e.shifted(c.delta))
        else:
            edits.append(e)
    basis = s.basis
    if basis is not None:
        inside = (c.start < basis[1] and c.end > basis[0]) or basis[0] < c.start < basis[1]
        if inside and not touched:
            return Outcome("stale")
        if c.end <= basis[0]:  # before the lines (or a line added right above them)
            basis = (basis[0] + c.delta, basis[1] + c.delta)
        elif c.start < basis[1]:
            basis = (basis[0], max(basis[0], basis[1] + c.delta))
    if not edits:
        return Outcome("finished")
    return Outcome("kept", Suggestion(s.id, s.uri, version, text, tuple(edits), basis, taken))


def _along(e: Edit, c: Change, old: str, text: str) -> Edit | Literal[False] | None:
    """What is left of ``e`` after the change ``c`` that touches it: the rest of the edit,
    ``None`` once it is applied whole, ``False`` when the change went elsewhere.

    The edit turns its span's text ``O`` into ``N``. After the change the span reads
    ``N[:k] + X + N[len(N) - m:]``: the user typed the edit's start (or end) and deleted some
    of what it replaces, and ``X`` is what is left of ``O``; anything else is another edit.
    """
    if c.start < e.start or c.end > e.end:
        return False  # the change reaches past the edit: the text it was for is gone
    span = text[e.start:e.end + c.delta]
    new = e.new
    k, m = common_affixes(span, new)
    rest = span[k:len(span) - m]
    if not _subsequence(rest, old[e.start:e.end]) or span == old[e.start:e.end]:
        return False
    if not rest and k + m >= len(new):
        return None
    return Edit(e.start + k, e.start + k + len(rest), new[k:len(new) - m])


def _subsequence(part: str, whole: str) -> bool:
    """``part``'s characters appear in ``whole`` in order (what is left after deleting some)."""
    it = iter(whole)
    return all(ch in it for ch in part)
