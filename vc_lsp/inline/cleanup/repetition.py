"""Repetition: a model caught in a loop, as opposed to code that legitimately repeats a line.

A block of 2-4 lines that comes three times in a row keeps one copy; a single line only counts
as a loop from its fifth copy (three equal rows of a matrix are code), and a line that ends in
the same few characters over and over is cut where the run starts.
"""

from __future__ import annotations

import re

from .draft import Draft

_RUN = re.compile(r"(.{1,12}?)\1{9,}$")
_LINE_LOOP = 5


def cut(lines: list[str], d: Draft) -> list[str]:
    """The lines up to the first copy of what the model repeated."""
    keys = list(lines)
    if keys and not d.ctx.line_prefix.strip():
        keys[0] = d.ctx.line_prefix + keys[0]  # compare the first line at its real indentation
    for i in range(len(keys)):
        if not keys[i].strip():
            continue
        run = 1
        while i + run < len(keys) and keys[i + run] == keys[i]:
            run += 1
        if run >= _LINE_LOOP:
            return lines[:i + 1]
        for k in range(2, 5):
            block = keys[i:i + k]
            if len(block) < k or sum(1 for line in block if line.strip()) < 2:
                continue
            if keys[i + k:i + 2 * k] == block and keys[i + 2 * k:i + 3 * k] == block:
                return lines[:i + k]
    return lines


def runaway_tail(lines: list[str]) -> list[str]:
    """A line that ends in one short unit (with a letter or digit) repeated ten times or more
    is a model that ran until its token limit: that line and what follows go."""
    for i, line in enumerate(lines):
        match = _RUN.search(line)
        if match and len(match.group(0)) >= 20 and any(c.isalnum() for c in match.group(1)):
            return lines[:i]
    return lines
