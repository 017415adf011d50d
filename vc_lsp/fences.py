"""Markdown code fences as chat models write them, for every cleaner that has to remove them."""

from __future__ import annotations

import re

# ``` or ~~~ (three or more), an optional info string (language), nothing after but a title.
FENCE = re.compile(r"^[ \t]*(?P<mark>`{3,}|~{3,})[ \t]*(?P<info>[\w+#.-]*)[^`]*$")


def closes(line: str, mark: str) -> bool:
    """Whether ``line`` closes a block opened with ``mark``: the same character, at least as
    many of it, nothing else (CommonMark), so a 4-backtick fence can hold a 3-backtick one."""
    s = line.strip()
    return len(s) >= len(mark) and set(s) == {mark[0]}


def blocks(lines: list[str]) -> list[tuple[int, int | None]]:
    """Each fenced block as (opening line, closing line or ``None`` while unclosed)."""
    out: list[tuple[int, int | None]] = []
    i = 0
    while i < len(lines):
        match = FENCE.match(lines[i])
        if not match:
            i += 1
            continue
        mark = match.group("mark")
        end = next((k for k in range(i + 1, len(lines)) if closes(lines[k], mark)), None)
        out.append((i, end))
        if end is None:
            break
        i = end + 1
    return out
