"""Syntax judgement: which of a few candidate answers leaves the document parsing best.

Closing lines are where text rules guess: ``};`` before the document's own ``}``, a needed ``}``
that looks like the outer block's. Where a tree-sitter grammar exists (``vc_lsp/syntax.py``) the
candidates are put into the document around the cursor and parsed; the one with the fewest
syntax errors wins, the text rules' choice on a tie. Only the enclosing top-level statement is
parsed, so a judgement costs a fraction of a millisecond.
"""

from __future__ import annotations

import logging
from functools import lru_cache
from typing import TYPE_CHECKING

from ... import syntax
from ..context import CursorContext
from .draft import prefix_lines, suffix_lines
from .layout import is_closer

if TYPE_CHECKING:
    from tree_sitter import Node

log = logging.getLogger(__name__)
_WINDOW = 80  # lines around the cursor at most


@lru_cache(maxsize=16)
def region(ctx: CursorContext) -> tuple[str, str]:
    """The text before and after the cursor that belongs to the enclosing top-level statement."""
    before = prefix_lines(ctx)
    start = max(0, len(before) - _WINDOW)
    for i in range(len(before) - 2, start - 1, -1):
        line = before[i]
        if line.strip() and not line[0].isspace() and not is_closer(line):
            start = i
            break
    after = suffix_lines(ctx)
    end = min(len(after), _WINDOW)
    for i in range(1, end):
        line = after[i]
        if line.strip() and not line[0].isspace():
            end = i + 1 if is_closer(line) else i
            break
    return "\n".join(before[start:]), "\n".join(after[:end])


def errors(language: str, text: str) -> int | None:
    """Syntax errors (error and missing nodes) in ``text``; ``None`` without a grammar."""
    tree = syntax.parse(language, text)
    return None if tree is None else _count(tree.root_node)


def _count(node: Node) -> int:
    if not node.has_error:
        return 0
    own = 1 if node.is_error or node.is_missing else 0
    return own + sum(_count(child) for child in node.children)


def best(candidates: list[list[str]], ctx: CursorContext) -> list[str]:
    """The candidate insert (lines) that parses best in place; the first wins a tie."""
    if len(candidates) < 2 or not syntax.supported(ctx.language):
        return candidates[0]
    head, tail = region(ctx)
    scores = []
    for lines in candidates:
        score = errors(ctx.language, head + "\n".join(lines) + tail)
        if score is None:
            return candidates[0]
        scores.append(score)
    pick = min(range(len(candidates)), key=lambda i: (scores[i], i))
    if pick:
        log.debug("cleanup: syntax prefers candidate %d of %d (errors %s)", pick,
                  len(candidates), scores)
    return candidates[pick]


def closer_candidates(kept: list[str], following: str | None) -> list[list[str]]:
    """The text rules' lines, without their last closing lines, and with the closer they cut."""
    out = [kept]
    trimmed = list(kept)
    while len(trimmed) > 1 and is_closer(trimmed[-1]) and len(out) < 4:
        trimmed = trimmed[:-1]
        while len(trimmed) > 1 and not trimmed[-1].strip():
            trimmed = trimmed[:-1]
        out.append(trimmed)
    if following is not None and is_closer(following) and kept:
        out.append([*kept, following])
    return out
