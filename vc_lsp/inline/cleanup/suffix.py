"""Suffix overlap: what the model re-typed of the text after the cursor on the cursor line.

A reply for ``print(|)`` often ends in ``)``, or re-types the rest of the line and goes on past
it. Every place where the reply starts to repeat the rest of the line (or its leading closing
punctuation) is a candidate cut; the one that leaves the insert's brackets and quotes balanced
wins, the longest on a tie: bracket balance decides, not text equality.
"""

from __future__ import annotations

from .draft import Draft

_PAIRS = (("(", ")"), ("[", "]"), ("{", "}"))
_QUOTES = "\"'`"
_SUFFIX_PUNCT = frozenset(")]}\"'`;:,. ")
_SEPARATORS = frozenset(",;:=+-*/%&|<>!?")


def line_end(line: str, d: Draft) -> str:
    """Trailing blanks are noise, except after a separator the suffix follows (``f(a, |b)``)."""
    end = line.rstrip()
    if end != line and d.ctx.line_suffix[:1].strip() and end[-1:] in _SEPARATORS:
        return end + " "
    return end


def overlap(text: str, d: Draft) -> str:
    """``text`` cut where it starts re-typing the rest of the cursor line."""
    rest = d.ctx.line_suffix.rstrip()
    core = rest.lstrip()
    if not core:
        return text
    quotes = [q for q in _QUOTES if q in core]
    heads = [core[:k] for k in range(1, len(core) + 1)
             if k == len(core) or set(core[:k]) <= _SUFFIX_PUNCT]
    cuts = {len(text): 1}  # cut -> 0 when the reply re-typed the whole rest of the line there
    for at in range(len(text)):
        stripped = text[at:].lstrip()
        if stripped and (core.startswith(stripped) or any(stripped.startswith(h) for h in heads)):
            cuts[at] = 0 if stripped.startswith(core) else 1
    best = min(cuts, key=lambda at: (_imbalance(text[:at], quotes), cuts[at], -at))
    return text[:best]


def _imbalance(text: str, quotes: list[str]) -> int:
    brackets = sum(abs(text.count(o) - text.count(c)) for o, c in _PAIRS)
    return brackets + sum(text.count(q) % 2 for q in quotes)
