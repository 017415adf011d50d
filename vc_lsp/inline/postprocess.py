"""Turn a chat model's raw answer into exactly the text to insert at the cursor.

Chat models fence code, add prose, repeat the line they were given, re-close brackets that the
suffix already closes, and loop. Each step below removes one of those habits; ``is_complete``
applies the same rules to a partial answer so streaming can stop the moment the answer is whole.
"""

from __future__ import annotations

import re

from ..upstream.think import strip_think
from .context import CursorContext
from .prompt import CLOSE_TAG, HOLE, OPEN_TAG

_FENCE = re.compile(r"^[ \t]*```[\w+#.-]*[ \t]*$")
_PROSE = re.compile(
    r"^(here|sure|certainly|okay|ok|below|the (completion|code|missing)|this |i('| )|to complete)",
    re.IGNORECASE,
)
_WORD_TAIL = re.compile(r"[A-Za-z_][A-Za-z0-9_]*$")
_INDENT = re.compile(r"[ \t]*")
OPENERS, CLOSERS = "([{", ")]}"


def clean(raw: str, ctx: CursorContext, *, max_lines: int = 12) -> str:
    """The insert text, or ``""`` when the model had nothing useful to add."""
    lines = _code(raw, ctx).split("\n")
    lines = _reindent(lines, ctx)
    if not ctx.multiline:
        lines = lines[:1]
    else:
        cut = block_end(lines, ctx)
        lines = lines[:cut]
        lines = _cut_repetition(lines)[:max_lines]
    text = "\n".join(lines).rstrip()
    if not ctx.multiline:
        text = _trim_suffix_overlap(text, ctx.line_suffix)
    if not text.strip():
        return ""
    if text.strip() == ctx.next_line.strip() and not ctx.line_prefix.strip():
        return ""  # the model re-typed the line that follows
    return text


def is_complete(raw: str, ctx: CursorContext, *, max_lines: int = 12) -> bool:
    """True once more streaming cannot change ``clean``'s answer (modulo the open last line)."""
    if CLOSE_TAG in raw:
        return True
    code = _code(raw, ctx, partial=True)
    if not ctx.multiline:
        return "\n" in code
    lines = code.split("\n")
    if len(lines) > max_lines:
        return True
    complete_lines = lines[:-1] + ([lines[-1]] if lines[-1].strip() else [])
    return block_end(complete_lines, ctx) < len(complete_lines) or _ends_in_fence(raw)


def _ends_in_fence(raw: str) -> bool:
    body = raw.split("```", 1)
    return len(body) == 2 and "\n```" in body[1]


def _code(raw: str, ctx: CursorContext, *, partial: bool = False) -> str:
    """Tags, fences, prose and echo removed; the model's own line breaks kept."""
    text = strip_think(raw).replace("\r\n", "\n")
    if OPEN_TAG in text:
        text = text.split(OPEN_TAG, 1)[1]
    text = text.split(CLOSE_TAG, 1)[0]
    text = text.replace(HOLE, "")
    text = _unfence(text, partial=partial)
    text = _drop_prose(text)
    if not ctx.line_prefix.strip() and text.startswith("\n"):
        text = text.lstrip("\n")  # a blank cursor line needs no extra line break first
    return _strip_echo(text, ctx)


def _unfence(text: str, *, partial: bool) -> str:
    lines = text.split("\n")
    starts = [i for i, line in enumerate(lines) if _FENCE.match(line)]
    if not starts:
        return text
    first = starts[0]
    if first > 0 and any(line.strip() for line in lines[:first]) and len(starts) == 1 \
            and not partial:
        return "\n".join(lines[:first])  # code first, then a stray closing fence
    end = starts[1] if len(starts) > 1 else len(lines)
    return "\n".join(lines[first + 1:end])


def _drop_prose(text: str) -> str:
    lines = text.split("\n")
    while len(lines) > 1 and _PROSE.match(lines[0].strip()) and lines[0].rstrip().endswith(
        (":", ".")
    ):
        lines = lines[1:]
        while len(lines) > 1 and not lines[0].strip():
            lines = lines[1:]
    return "\n".join(lines)


def _strip_echo(text: str, ctx: CursorContext) -> str:
    """Remove text the model repeated from before the cursor (whole lines or the current line)."""
    prefix_lines = ctx.prefix.split("\n")
    for k in range(min(8, len(prefix_lines)), 0, -1):
        tail = "\n".join(prefix_lines[-k:])
        if not tail.strip() or (k == 1 and len(tail.strip()) < 2):
            continue
        if text.startswith(tail):
            return text[len(tail):]
        if text.lstrip(" \t").startswith(tail.lstrip(" \t")) and tail.lstrip(" \t"):
            return text.lstrip(" \t")[len(tail.lstrip(" \t")):]
    word = _WORD_TAIL.search(ctx.line_prefix)
    if word and len(word.group()) >= 2 and text.startswith(word.group()) \
            and re.match(r"\w", text[len(word.group()):len(word.group()) + 1] or " ") is None \
            and len(text) > len(word.group()):
        return text[len(word.group()):]  # the model restarted the word being typed
    if ctx.line_prefix.endswith((" ", "\t")) and text.startswith(" "):
        return text.lstrip(" ")
    return text


def _width(line: str) -> int:
    match = _INDENT.match(line)
    return len(match.group(0).expandtabs(4)) if match else 0


def _reindent(lines: list[str], ctx: CursorContext) -> list[str]:
    """Absolute indentation for every line, as the buffer expects."""
    if not lines:
        return lines
    first = lines[0]
    if ctx.line_prefix and not ctx.line_prefix.strip():
        first = first[len(ctx.line_prefix):] if first.startswith(ctx.line_prefix) \
            else first.lstrip(" \t")  # the cursor already stands at the indentation
    rest = lines[1:]
    base = ctx.indent
    body = [line for line in rest if line.strip()]
    if base and body and all(not line.startswith(base) for line in body) and lines[0].strip():
        rest = [base + line if line.strip() else line for line in rest]  # relative: shift it
    if "\t" in base and " " not in base:
        rest = [_tabify(line) for line in rest]
    return [first, *rest]


def _tabify(line: str) -> str:
    spaces = len(line) - len(line.lstrip(" "))
    return "\t" * (spaces // 4) + " " * (spaces % 4) + line[spaces:] if spaces >= 4 else line


def block_end(lines: list[str], ctx: CursorContext) -> int:
    """Index of the first line past the block being completed (``len(lines)`` if none)."""
    first_indent: int | None = None
    if lines and lines[0].strip():
        first_indent = _width(ctx.line_prefix)  # the completion continues the cursor line
    next_line = ctx.next_line.strip()
    for i, line in enumerate(lines):
        if not line.strip():
            after = next((ln for ln in lines[i + 1:] if ln.strip()), None)
            if first_indent is not None and after is not None and _width(after) <= first_indent \
                    and i > 0:
                return i
            continue
        if i > 0 or not ctx.line_prefix.strip():
            if next_line and line.strip() == next_line:
                return i  # reached code that already follows the cursor
        width = _width(line) if i > 0 else (first_indent or 0)
        if first_indent is None:
            first_indent = width
        elif i > 0 and width < first_indent:
            return i
    return len(lines)


def _cut_repetition(lines: list[str]) -> list[str]:
    """Stop a loop: a line or block of up to 4 lines that repeats 3 times keeps one copy."""
    for i in range(len(lines)):
        for k in range(1, 5):
            block = lines[i:i + k]
            if len(block) < k or not any(line.strip() for line in block):
                continue
            if lines[i + k:i + 2 * k] == block and lines[i + 2 * k:i + 3 * k] == block:
                return lines[:i + k]
    return lines


def _trim_suffix_overlap(text: str, line_suffix: str) -> str:
    """Drop what the model re-wrote of the text right after the cursor."""
    rest = line_suffix.strip()
    if not rest:
        return text
    if len(rest) >= 2 and text.rstrip().endswith(rest):
        return text.rstrip()[: -len(rest)].rstrip() if text.rstrip() != rest else ""
    # closers the suffix already provides, removed only while the insert would over-close
    out = text
    for ch in rest:
        if ch not in CLOSERS + "\"'`;" or not out.endswith(ch):
            break
        if ch in CLOSERS and _balance(out, ch) >= 0:
            break
        if ch in "\"'`" and out.count(ch) % 2 == 0:
            break
        out = out[:-1]
    return out


def _balance(text: str, closer: str) -> int:
    opener = OPENERS[CLOSERS.index(closer)]
    return text.count(opener) - text.count(closer)
