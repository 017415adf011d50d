"""A chat model's answer into the region's new lines, with the inline cleanup's own filters.

The answer should be the whole region rewritten. Models wrap it the way they wrap completions
(reasoning and ``<think>`` tags, turn-ending tokens and markers, other tools' answer tags, a
fenced block, a sentence before it and an explanation after), so those filters are the inline
cleanup's, run on a ``Draft`` whose context is the text around the region. Two things are
particular to a region: the markers the prompt put around it come back, and a prose filter must
never take a line that the region itself holds (a docstring's sentence, a markdown line).
Indentation is re-based when the model shifted the whole region (it dropped the base indent).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from ..inline.cleanup import fences, prose, unwrap
from ..inline.cleanup.draft import Draft
from ..inline.context import CursorContext
from ..lines import split_lines, strip_break
from .prompt import CURSOR, REGION_END, REGION_START
from .region import Region

_STRUCTURE: tuple[Callable[[Draft], None], ...] = (unwrap.reasoning, unwrap.tokens, unwrap.tags)


def _draft(raw: str, region: Region, language: str, *, partial: bool) -> Draft:
    ctx = CursorContext(prefix=region.before, suffix=region.after, language=language,
                        filename="")
    return Draft(ctx, raw, partial=partial, max_lines=max(len(region.lines), 1) * 2)


def _markers(d: Draft) -> None:
    """The region's markers: the answer is what lies between them; marker lines go."""
    text = d.text
    if REGION_START in text:
        text = text.split(REGION_START, 1)[1].removeprefix("\n")
    if REGION_END in text:
        text = text.split(REGION_END, 1)[0]
        d.ended = d.ended or d.partial
    d.text = text.replace(CURSOR, "")


def complete(raw: str, region: Region, language: str) -> bool:
    """True once the rest of a streaming answer cannot change the region (its block closed)."""
    d = _draft(raw, region, language, partial=True)
    for run in _STRUCTURE:
        run(d)
    _markers(d)
    if d.hold:
        return False
    fences.unfence(d)
    return d.ended and not d.hold


def answer(raw: str, region: Region, language: str) -> list[str] | None:
    """The region's lines as the model wrote them, or ``None`` for no usable answer."""
    d = _draft(raw, region, language, partial=False)
    for run in _STRUCTURE:
        run(d)
    _markers(d)
    fences.unfence(d)
    _markers(d)  # inside the fence too
    known = {line.strip() for line in region.lines if line.strip()}
    before = d.text
    prose.preamble(d)
    if _took_region_line(before, d.text, known):
        d.text = before
    lines = [strip_break(line) for line in split_lines(d.text)]
    kept = prose.tail(lines, d)
    if any(line.strip() in known for line in lines[len(kept):]):
        kept = lines
    if not any(line.strip() for line in kept):
        return None
    return _rebased_indent(kept, region.lines)


def _took_region_line(before: str, after: str, known: set[str]) -> bool:
    """Whether the lines a filter removed from the start include one of the region's own."""
    removed = before[:len(before) - len(after)]
    return any(line.strip() in known for line in removed.split("\n"))


def _indent(line: str) -> str:
    return line[:len(line) - len(line.lstrip(" \t"))]


def _base(lines: Sequence[str]) -> str | None:
    filled = [line for line in lines if line.strip()]
    return min((_indent(line) for line in filled), key=len) if filled else None


def _rebased_indent(lines: list[str], region: Sequence[str]) -> list[str]:
    """The answer shifted to the region's base indentation, if that makes more lines match."""
    ours, theirs = _base(region), _base(lines)
    if ours is None or theirs is None or ours == theirs:
        return lines
    shifted = [ours + line[len(theirs):] if line.strip() and line.startswith(theirs)
               else line for line in lines]
    known = set(region)
    if sum(line in known for line in shifted) > sum(line in known for line in lines):
        return shifted
    return lines
