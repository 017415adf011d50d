"""Minimal line diffs turned into edits: lines that did not change are never touched.

``hunks`` is what reconciles the document with the model's answer; ``preview`` is what the
document shows while the answer streams (the lines written so far, then the original lines the
answer has not reached yet); ``carry`` moves a user's keystroke from a streamed line onto the same
line of the text being put back, so restoring never discards what the user typed.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from itertools import accumulate


@dataclass(frozen=True, slots=True)
class Hunk:
    """Replace ``old[start:end]`` with ``text`` (offsets into the old text)."""

    start: int
    end: int
    text: str


def lines(text: str) -> list[str]:
    """Lines with their terminators; only ``\\n`` ends a line (``\\r\\n`` keeps its ``\\r``)."""
    parts = text.split("\n")
    out = [part + "\n" for part in parts[:-1]]
    if parts[-1]:
        out.append(parts[-1])
    return out


def _offsets(items: list[str]) -> list[int]:
    return [0, *accumulate(len(item) for item in items)]


def hunks(old: str, new: str) -> list[Hunk]:
    """The smallest set of line hunks turning ``old`` into ``new``, each trimmed to the
    characters that actually differ. Sorted, non-overlapping."""
    if old == new:
        return []
    a, b = lines(old), lines(new)
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    at_a, at_b = _offsets(a), _offsets(b)
    out: list[Hunk] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        out.append(_trim(old, at_a[i1], at_a[i2], new[at_b[j1]:at_b[j2]]))
    return [h for h in out if h.start != h.end or h.text]


def _trim(old: str, start: int, end: int, text: str) -> Hunk:
    """Drop the characters the replaced and the replacing text share at either end."""
    part = old[start:end]
    limit = min(len(part), len(text))
    head = 0
    while head < limit and part[head] == text[head]:
        head += 1
    tail = 0
    while tail < limit - head and part[len(part) - 1 - tail] == text[len(text) - 1 - tail]:
        tail += 1
    return Hunk(start + head, end - tail, text[head:len(text) - tail])


def apply(old: str, edits: list[Hunk]) -> str:
    """``old`` with ``edits`` (non-overlapping, any order) applied."""
    out = old
    for h in sorted(edits, key=lambda h: (h.start, h.end), reverse=True):
        out = out[:h.start] + h.text + out[h.end:]
    return out


def intermediate(old: str, edits: list[Hunk]) -> list[str]:
    """Texts a client may report while it applies ``edits`` one by one (top-down or
    bottom-up), excluding the start and the end state."""
    ordered = sorted(edits, key=lambda h: (h.start, h.end))
    states: list[str] = []
    for j in range(1, len(ordered)):
        states.append(apply(old, ordered[:j]))
        states.append(apply(old, ordered[j:]))
    return states


def _junk(line: str) -> bool:
    return len(line.strip()) < 3  # blank lines, lone brackets: no anchor for alignment


def _alike(a: str, b: str) -> bool:
    """A rewritten version of the same line (``def f(x):`` -> ``def f(x: int) -> int:``)."""
    x, y = a.strip(), b.strip()
    if not x or not y:
        return x == y
    return difflib.SequenceMatcher(None, x, y).ratio() >= 0.5


def preview(original: str, streamed: str) -> str:
    """What the region shows mid-stream: the streamed lines, then the original lines the answer
    has not reached yet.

    An original line is reached when the answer reproduced it (or a later one), or when an
    answer line after the last reproduced one looks like a rewrite of it; lines the answer
    inserts leave the original lines in place.
    """
    old, new = lines(original), lines(streamed)
    matcher = difflib.SequenceMatcher(_junk, old, new, autojunk=False)
    reached = done = 0
    for block in matcher.get_matching_blocks():
        if block.size and not all(_junk(line) for line in old[block.a:block.a + block.size]):
            reached, done = block.a + block.size, block.b + block.size
    for line in new[done:]:
        if reached < len(old) and _alike(line, old[reached]):
            reached += 1
    return streamed + "".join(old[reached:])


def carry(base: str, goal: str, start: int, end: int, text: str) -> str | None:
    """``goal`` with the change ``base[start:end] -> text`` applied to the same lines of
    ``goal``; ``None`` when the change touches lines that ``goal`` does not share."""
    if start == end and not text:
        return goal
    a, b = lines(base), lines(goal)
    at_a, at_b = _offsets(a), _offsets(b)
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for block in matcher.get_matching_blocks():
        if not block.size:
            continue
        lo, hi = at_a[block.a], at_a[block.a + block.size]
        if lo <= start and end <= hi and not (start == hi and _ends_line(base, hi)):
            shift = at_b[block.b] - lo
            return goal[:start + shift] + text + goal[end + shift:]
    return None


def _ends_line(text: str, offset: int) -> bool:
    return offset > 0 and text[offset - 1] == "\n"
