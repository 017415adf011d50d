"""Turn a chat model's answer into the exact text of a region (or of an explanation).

Separate from the inline cleaner on purpose: a whole-block answer has different habits to undo.
Models fence the code (sometimes after a sentence of prose), forget or double the block's
indentation, use spaces in a file indented with tabs, and reason inside ``<think>``. Everything
here is pure and cheap enough to run on every streamed line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from math import gcd

from ..fences import FENCE
from ..indent import width
from ..upstream.think import visible
from . import instruction

_PROSE_START = re.compile(
    r"^(?:here|here's|sure|certainly|of course|okay|ok|alright|below|above|this|these|the|i|"
    r"i'm|i've|i'll|we|let's|let me|note|notes|explanation|changes|summary|output|result|"
    r"updated|refactored|rewritten|fixed|simplified|improved)\b", re.IGNORECASE)
_CODE_HINT = re.compile(r"[{};=]|^\s*(?:def|class|return|import|from|#|//|--|/\*)\b")
_MARKDOWN = frozenset({"markdown", "md"})


@dataclass(frozen=True, slots=True)
class Shape:
    """How the region's text is laid out, so the answer can be laid out the same way."""

    indent: str = ""  # the original code's base indentation, verbatim
    tabs: bool = False  # the file indents with tabs
    unit: int = 4  # spaces per indentation level when it does not
    eol: str = "\n"
    final_newline: bool = True  # the region ends with a line break
    prefix: str = ""  # put before the code (a blank line before an inserted test)
    suffix: str = ""  # put after it
    language: str = ""
    tab_size: int = 4


def _normalise(raw: str) -> str:
    """Reasoning out and line breaks normalised: the same function the inline cleanup uses."""
    return visible(raw)


def _is_prose(line: str) -> bool:
    s = line.strip()
    if not s or not _PROSE_START.match(s) or _CODE_HINT.search(s):
        return False
    return s.endswith((":", ".", "!")) or len(s.split()) >= 5


def _closing(lines: list[str], opening: int, language: str) -> int | None:
    mark = FENCE.match(lines[opening])
    assert mark is not None
    fence = mark.group("mark")
    closers = [k for k in range(opening + 1, len(lines))
               if lines[k].strip().startswith(fence[0] * len(fence))
               and set(lines[k].strip()) == {fence[0]}]
    if not closers:
        return None
    # Markdown answers contain fences of their own: the outer block ends at the last one.
    return closers[-1] if language == "markdown" else closers[0]


def _code_lines(text: str, language: str, *, final: bool) -> list[str]:
    """The lines of code in an answer; a partial answer yields only what is certain so far."""
    lines = text.split("\n")
    if not final:
        lines = lines[:-1]  # the last line is still being written
    first = next((k for k, line in enumerate(lines) if FENCE.match(line)), None)
    if first is not None and all(not line.strip() or _is_prose(line) for line in lines[:first]):
        close = _closing(lines, first, language)
        return lines[first + 1:close]
    if first is not None:
        return lines[:first]  # code, then a fence closing a block that was never opened
    start = 0
    while start < len(lines) and (not lines[start].strip() or _is_prose(lines[start])):
        start += 1
    body = lines[start:]
    if final:
        end = len(body)  # an explanation after the code, past a blank line
        while end > 0 and (not body[end - 1].strip() or _is_prose(body[end - 1])):
            end -= 1
        if end < len(body) and any(_is_prose(line) for line in body[end:]):
            body = body[:end]
    return body


def _step(widths: list[int], fallback: int) -> int:
    step = 0
    for w in widths:
        step = gcd(step, w)
    return step if step >= 2 else fallback


def _reindent(lines: list[str], shape: Shape) -> list[str]:
    """Shift the answer so its least indented line sits at the original's base indentation,
    and re-express each level in the file's style (tabs stay tabs, 2 spaces stay 2)."""
    filled = [line for line in lines if line.strip()]
    if not filled:
        return []
    low = min(width(line, shape.tab_size) for line in filled)
    rel = [width(line, shape.tab_size) - low for line in filled]
    answer_tabs = any(line[:1] == "\t" for line in filled)
    step = shape.tab_size if answer_tabs else _step(rel, 4 if shape.tabs else shape.unit)
    level = "\t" if shape.tabs else " " * shape.unit
    out = []
    for line in lines:
        if not line.strip():
            out.append("")
            continue
        depth = width(line, shape.tab_size) - low
        out.append(shape.indent + level * (depth // step) + " " * (depth % step)
                   + line.lstrip(" \t"))
    return out


def _trim(lines: list[str], language: str) -> list[str]:
    lines = [line for line in lines if not instruction.is_instruction(line, language)]
    while lines and not lines[0].strip():
        lines.pop(0)
    while lines and not lines[-1].strip():
        lines.pop()
    return lines


def closed(raw: str, language: str) -> bool:
    """Whether the answer's fenced code block is complete (its closing fence has arrived)."""
    if language == "markdown":
        return False  # fences inside the code: only the end of the answer is certain
    lines = _normalise(raw).split("\n")[:-1]
    first = next((k for k, line in enumerate(lines) if FENCE.match(line)), None)
    if first is None or not all(not line.strip() or _is_prose(line) for line in lines[:first]):
        return False
    return _closing(lines, first, language) is not None


def block(raw: str, shape: Shape) -> str:
    """The final text of the region: exactly this replaces the original lines."""
    lines = _trim(_code_lines(_normalise(raw), shape.language, final=True), shape.language)
    if not lines:
        return ""
    body = shape.eol.join(_reindent(lines, shape))
    return shape.prefix + body + (shape.eol if shape.final_newline else "") + shape.suffix


def partial(raw: str, shape: Shape) -> list[str]:
    """The complete lines of code written so far, laid out like ``block`` lays them out."""
    lines = _code_lines(_normalise(raw), shape.language, final=False)
    while lines and not lines[0].strip():
        lines.pop(0)
    lines = [line for line in lines if not instruction.is_instruction(line, shape.language)]
    return _reindent(lines, shape)


def streamed(raw: str, shape: Shape) -> str:
    """``partial`` as region text: each complete line with its terminator."""
    lines = partial(raw, shape)
    if not lines:
        return ""
    return shape.prefix + "".join(line + shape.eol for line in lines)


def explanation(raw: str, *, final: bool) -> str:
    """Markdown to show: reasoning removed, an answer wrapped whole in a markdown fence
    unwrapped. A partial answer yields complete lines only."""
    text = _normalise(raw)
    lines = text.split("\n")
    if not final:
        lines = lines[:-1]
    while lines and not lines[0].strip():
        lines.pop(0)
    if lines:
        fence = FENCE.match(lines[0])
        if fence and fence.group("info").lower() in _MARKDOWN:
            lines = lines[1:]
            while final and lines and not lines[-1].strip():
                lines.pop()
            if final and lines and lines[-1].strip() == fence.group("mark"):
                lines.pop()
    while lines and not lines[-1].strip():
        lines.pop()
    return "".join(line.rstrip() + "\n" for line in lines)
