"""Suffix overlap: what the model re-typed of the text after the cursor on the cursor line.

A reply for ``print(|)`` often ends in ``)``, or re-types the rest of the line and goes on past
it. Every place where the reply starts to repeat the rest of the line (or its leading closing
punctuation) is a candidate cut; the one that leaves the insert's brackets and quotes balanced
wins, the longest on a tie: bracket balance decides, not text equality.
"""

from __future__ import annotations

from .draft import Draft

_OPENERS = {"(": ")", "[": "]", "{": "}"}
_CLOSERS = frozenset(_OPENERS.values())
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
    heads = [core[:k] for k in range(1, len(core) + 1)
             if k == len(core) or set(core[:k]) <= _SUFFIX_PUNCT]
    cuts = {len(text): 1}  # cut -> 0 where the reply re-typed the whole rest of the line
    for at in range(len(text)):
        stripped = text[at:]
        if stripped[:1].isspace():
            continue  # cut right before the re-typed text: the model's spacing stays
        if stripped and (core.startswith(stripped) or any(stripped.startswith(h) for h in heads)):
            cuts[at] = 0 if stripped.startswith(core) else 1
    line = d.ctx.line_prefix

    def rank(at: int) -> tuple[int, int, int, int]:
        # Balance first (angle brackets only as a tie-breaker: `<` is also a comparison); then
        # a re-typed rest of the line, the earliest; else the longest text.
        whole = line + text[:at] + rest
        return (_imbalance(whole), _angles(whole), cuts[at],
                at if cuts[at] == 0 else -at)

    at = min(cuts, key=rank)
    if at < len(text) and rest[:1].isspace():
        return text[:at].rstrip(" \t")  # the rest of the line brings its own leading blanks
    return text[:at]


def reopened_quote(text: str, d: Draft) -> str:
    """``name = "|"`` answered with ``"Alice"``: the model wrote the whole literal, re-typing
    the quote the cursor stands after. That quote goes; ``overlap`` then cuts the closing one."""
    line, rest = d.ctx.line_prefix, d.ctx.line_suffix
    q = line[-1:]
    if not q or q not in _QUOTES or rest[:1] != q or line[-2:] == q * 2 or text[:1] != q:
        return text
    if _open_quote(line) != q:
        return text  # the quote before the cursor closes a string: a new one may start
    return text[1:]


def _code(line: str) -> tuple[str, str]:
    """The characters of ``line`` outside its strings, and the quote of the string still open at
    its end ("" when none is)."""
    out: list[str] = []
    quote, escaped = "", False
    for ch in line:
        if quote:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == quote:
                quote = ""
        elif ch in _QUOTES:
            quote = ch
        else:
            out.append(ch)
    return "".join(out), quote


def _open_quote(line: str) -> str:
    """The quote of the string still open at the end of ``line`` ("" when none is)."""
    return _code(line)[1]


def _angles(line: str) -> int:
    """Unmatched generic angle brackets: ``<`` right after a name (``Vec<``, ``List<``), ``>``
    that is not part of an arrow or a comparison operator."""
    depth = unmatched = 0
    for i, ch in enumerate(line):
        if ch == "<" and i and (line[i - 1].isalnum() or line[i - 1] in "_:") \
                and line[i + 1:i + 2] not in ("<", "="):
            depth += 1
        elif ch == ">" and line[i - 1:i] not in ("-", "=") and line[i + 1:i + 2] != "=":
            if depth:
                depth -= 1
            else:
                unmatched += 1
    return depth + unmatched


def _imbalance(line: str) -> int:
    """Unmatched brackets (either way) plus an unclosed string on one line of code."""
    stack: list[str] = []
    unmatched = 0
    code, quote = _code(line)
    for ch in code:
        if ch in _OPENERS:
            stack.append(_OPENERS[ch])
        elif ch in _CLOSERS:
            if stack and stack[-1] == ch:
                stack.pop()
            else:
                unmatched += 1
    return unmatched + len(stack) + (1 if quote else 0)
