"""What every filter works on: the answer so far, the cursor's context and what is known."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from ..context import CursorContext


@dataclass(slots=True)
class Draft:
    """The text on its way from the raw reply to the insert, plus facts filters leave for others.

    ``partial`` drafts come from a reply still streaming: their last line may grow, so filters
    judge only what is final. A filter that sees where the answer ends sets ``ended``: no text
    that arrives later can change ``clean``'s result. ``hold`` says the opposite: the reply may
    still be reasoning or an echo, and nothing may be concluded yet.
    """

    ctx: CursorContext
    text: str
    partial: bool = False
    max_lines: int = 12
    ended: bool = False
    hold: bool = False
    broke: bool = False  # the code started with a line break
    echoed: bool = False  # the model repeated text before the cursor (and that was removed)
    musing: bool = False  # the reply opened by thinking aloud, without reasoning tags
    fenced: str = ""  # the info string of the fence the answer came in ("" if none)
    mode: str = "line"  # "line" (rest of the cursor line), "block" or "next" (lines after it)
    lines: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # filter names that changed the text


@lru_cache(maxsize=16)
def prefix_lines(ctx: CursorContext) -> tuple[str, ...]:
    """The prefix window's lines, the cursor line's start last (cached: a streamed reply is
    judged on every line against the same context)."""
    return tuple(ctx.prefix.split("\n"))


@lru_cache(maxsize=16)
def suffix_lines(ctx: CursorContext) -> tuple[str, ...]:
    """The suffix window's lines, the rest of the cursor line first."""
    return tuple(ctx.suffix.split("\n"))


def complete_lines(lines: list[str], partial: bool) -> list[str]:
    """The lines whose end has arrived (all of them once the reply is over)."""
    return lines[:-1] if partial else lines
