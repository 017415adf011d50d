"""The model's region against the document's: minimal edits, and which of them to drop.

A changed line becomes an edit of only the characters that differ (``count`` -> ``total``, an
argument added); lines added or removed become an insertion or deletion of whole lines. Blank
lines at the edges of the answer are not compared (models add or drop them at will), and an
edit that only puts back what the user just changed (an undo) is not a prediction.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from ..context.history import Hunk
from ..context.text import View
from ..documents import common_affixes
from .region import Region

APART = 8  # unchanged characters between two changes on a line that make them two edits
SPLIT_LIMIT = 400  # longer changed stretches stay one edit


@dataclass(frozen=True, slots=True)
class Edit:
    """Replace ``text[start:end]`` of the document with ``new``."""

    start: int
    end: int
    new: str

    @property
    def insertion(self) -> bool:
        return self.start == self.end and bool(self.new)

    def shifted(self, delta: int) -> Edit:
        return Edit(self.start + delta, self.end + delta, self.new) if delta else self


def apply(text: str, edits: Iterable[Edit]) -> str:
    """``text`` with every edit applied (they must not overlap)."""
    out = text
    for e in sorted(edits, key=lambda e: (e.start, e.end), reverse=True):
        out = out[:e.start] + e.new + out[e.end:]
    return out


def trimmed(start: int, old: str, new: str) -> Edit | None:
    """``old`` (at ``start``) -> ``new`` as the smallest edit, or ``None`` if they are equal."""
    if old == new:
        return None
    prefix, suffix = common_affixes(old, new)
    return Edit(start + prefix, start + len(old) - suffix, new[prefix:len(new) - suffix])


def line_edits(start: int, old: str, new: str) -> list[Edit]:
    """One changed line as edits: one, or several where the changes are apart (a parameter
    added and, further on, its initializer), split only at unchanged runs of ``APART``
    characters or more so that a changed word stays one edit."""
    edit = trimmed(start, old, new)
    if edit is None:
        return []
    a, b = old[edit.start - start:edit.end - start], edit.new
    if len(a) + len(b) > SPLIT_LIMIT or (not a and not b):
        return [edit]
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    groups: list[list[int]] = []  # [a1, a2, b1, b2] of each changed stretch
    last_equal = APART
    for tag, a1, a2, b1, b2 in matcher.get_opcodes():
        if tag == "equal":
            last_equal = a2 - a1
            continue
        if groups and last_equal < APART:
            groups[-1][1], groups[-1][3] = a2, b2
        else:
            groups.append([a1, a2, b1, b2])
    base = edit.start
    return [Edit(base + a1, base + a2, b[b1:b2]) for a1, a2, b1, b2 in groups]


def diff(region: Region, answer: Sequence[str]) -> list[Edit]:
    """The edits that turn the region's lines into ``answer`` (lines without breaks)."""
    old = list(region.lines)
    lead = _blank_run(old)
    trail = _blank_run(reversed(old[lead:]))
    new = list(answer)
    new = new[_blank_run(new):]
    new = new[:len(new) - _blank_run(reversed(new))]
    core = old[lead:len(old) - trail]
    text, starts, eol = region.text, region.starts, region.eol
    out: list[Edit] = []
    matcher = difflib.SequenceMatcher(None, core, new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        i1, i2 = i1 + lead, i2 + lead
        if tag == "replace" and i2 - i1 == j2 - j1:  # line for line: each line's own change
            for k in range(i2 - i1):
                out += line_edits(starts[i1 + k], old[i1 + k], new[j1 + k])
            continue
        block_start, block_end = starts[i1], starts[i2]
        added = new[j1:j2]
        if i1 == len(old) and not region.final_break and added:
            # after the file's last line, which has no break: the break comes first
            out.append(Edit(block_end, block_end, "".join(eol + line for line in added)))
            continue
        old_block = text[block_start:block_end]
        unended = i2 == len(old) and not region.final_break
        new_block = "".join(line + eol for line in added)
        if unended and new_block:
            new_block = new_block[:-len(eol)]
        elif unended and i1 > 0:  # deleting the unended last lines: the break before them too
            block_start = starts[i1] - _break_before(text, starts[i1])
            old_block = text[block_start:block_end]
        edit = trimmed(block_start, old_block, new_block)
        if edit is not None:
            out.append(edit)
    return out


def _blank_run(lines: Iterable[str]) -> int:
    count = 0
    for line in lines:
        if line.strip():
            break
        count += 1
    return count


def _break_before(text: str, offset: int) -> int:
    if text.endswith("\r\n", 0, offset):
        return 2
    return 1 if offset > 0 and text[offset - 1] in "\r\n" else 0


def _lines_span(view: View, start: int, end: int) -> tuple[int, int]:
    """Whole lines around ``start..end``: from the first one's start past the last one's
    break."""
    return view.start(start), view.after(end) if end < len(view.text) else end


def undoes(edit: Edit, text: str, hunks: Sequence[Hunk], eol: str,
           line_start: Callable[[int], int]) -> bool:
    """Whether ``edit`` only puts back what one of the user's recent hunks changed;
    ``line_start(n)`` is where line ``n`` of ``text`` starts."""
    view = View(text)
    for h in hunks:
        span_start, span_end = line_start(h.start), line_start(h.end)
        if edit.start > span_end or edit.end < span_start:
            continue
        lo, hi = _lines_span(view, min(edit.start, span_start), max(edit.end, span_end))
        hi = max(hi, span_end)
        after = text[lo:edit.start] + edit.new + text[edit.end:hi]
        old = "".join(line + eol for line in h.old)
        if span_end >= len(text) and not text.endswith(("\n", "\r")) and old:
            old = old[:-len(eol)]  # the hunk holds the file's unended last line
        undone = text[lo:span_start] + old + text[span_end:hi]
        if after == undone:
            return True
    return False


def fingerprint(text: str, edit: Edit) -> tuple[str, str]:
    """The whole lines an edit touches, before and after it: what a rejection remembers."""
    view = View(text)
    start = view.start(edit.start)
    end = view.end(edit.end)
    return text[start:end], text[start:edit.start] + edit.new + text[edit.end:end]
