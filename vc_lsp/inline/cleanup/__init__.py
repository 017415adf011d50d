"""Turn a chat model's raw reply into exactly the text to insert at the cursor.

A pipeline of small named filters, one habit of chat models each: reasoning and wrappers
(``unwrap``), markdown fences (``fences``), prose and placeholders (``prose``), repeated text
(``echo``), where the answer starts and its indentation (``layout``), where a block ends
(``block``, judged by the syntax tree in ``tree``), loops (``repetition``) and what the reply
re-typed of the rest of the cursor line (``suffix``). Each filter that changes the text says so
in a debug log line.

``is_complete`` runs the same filters on a reply that is still streaming: it answers True only
once the filters have seen where the answer ends, never inside reasoning, so stopping the
stream there gives exactly what ``clean`` gives for the whole reply.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from ... import syntax
from ...indent import width
from ..context import CursorContext
from . import block, echo, fences, layout, prose, repetition, suffix, tree, unwrap
from . import trace as tracing
from .block import block_end, same_code
from .draft import Draft

__all__ = ["FILTERS", "block_end", "clean", "is_complete"]

log = logging.getLogger(__name__)

Filter = Callable[[Draft], None]
# The text stage, in order: each takes the draft and may change its text. A filter is named
# in the debug log as module.function ("unwrap.reasoning").
FILTERS: tuple[Filter, ...] = (
    unwrap.channels, unwrap.reasoning, unwrap.tokens, unwrap.tags, prose.label_prefix,
    fences.unfence, unwrap.json_answer, fences.inline_code, prose.preamble, prose.placeholder,
    echo.diff, echo.existing_code, echo.imports, echo.prefix, layout.place,
)


def filter_name(run: Filter) -> str:
    return f"{run.__module__.rsplit('.', 1)[-1]}.{run.__name__}"


# Words a line at a dedent may still grow into that continue the block or close it.
_PENDING = {
    "python": ("else", "elif", "except", "finally"),
    "ruby": ("else", "elsif", "rescue", "ensure", "when", "end", "in"),
    "lua": ("else", "elseif", "end", "until"),
    "shellscript": ("else", "elif", "fi", "done", "esac"),
}
_PENDING_ANY = ("else", "elif", "elsif", "elseif", "except", "finally", "catch", "rescue",
                "ensure", "when", "case", "default", "end", "fi", "done", "esac")


def clean(raw: str, ctx: CursorContext, *, max_lines: int = 12) -> str:
    """The insert text, or ``""`` when the model had nothing useful to add."""
    trace = tracing.begin(raw)  # None unless "why no suggestion?" listens (trace.py)
    text = ""
    try:
        text = _clean(raw, ctx, max_lines)
        return text
    finally:
        tracing.end(trace, text)


def _clean(raw: str, ctx: CursorContext, max_lines: int) -> str:
    above = layout.lines_above(ctx)
    if above is not None:  # whole lines before the cursor line: a block on a virtual line
        vctx, indent = above
        text = clean(raw, vctx, max_lines=max_lines)
        return indent + text + "\n" if text else ""
    paired = layout.between_pair(ctx)
    if paired is not None and _breaks(raw, paired[0]):
        vctx, tail = paired  # `{|}` answered with a body: the closer goes on its own line
        text = clean(raw, vctx, max_lines=max_lines)
        return text + tail if text else ""
    d = Draft(ctx, raw, max_lines=max_lines)
    _text_stage(d)
    if d.mode == "line" and block.grows(layout.reindent(d.text.split("\n"), ctx), ctx):
        text = "\n".join(_block(_line_block(d), d))  # `for|`: the block the line opens
    elif d.mode == "line":
        text = _step(d, "suffix", lambda t: suffix.overlap(suffix.line_end(
            suffix.reopened_quote(t.split("\n", 1)[0], d), d), d))
    else:
        text = "\n".join(_block(d.text, d))  # each line step logs for itself
    if not text.strip() or _is_next_line(text, ctx):
        if text:  # an empty text was recorded by the step that emptied it
            tracing.step("blank" if not text.strip() else "next-line", text, "")
        return ""
    return text


def is_complete(raw: str, ctx: CursorContext, *, max_lines: int = 12) -> bool:
    """True once more streaming cannot change ``clean``'s answer (modulo the open last line)."""
    above = layout.lines_above(ctx)
    if above is not None:
        return is_complete(raw, above[0], max_lines=max_lines)
    paired = layout.between_pair(ctx)
    if paired is not None and _breaks(raw, paired[0], partial=True):
        return is_complete(raw, paired[0], max_lines=max_lines)
    d = Draft(ctx, raw, partial=True, max_lines=max_lines)
    _text_stage(d)
    if d.hold:
        return False
    if d.ended:
        return True
    code = d.text
    if not code.strip():
        return False
    if d.mode == "line":
        if "\n" not in code:
            return False  # leading breaks are already gone: the first code line is not done
        *done, _ = code.split("\n")
        lines = layout.reindent(done, ctx)
        growing = block.grows(lines, ctx)
        if growing is None:
            return False  # the line opens a block: whether its body follows is still unseen
        if not growing:
            return True
        return block.line_block(lines, ctx) is not None or len(lines) > _budget(lines, d)
    *done, last = layout.reindent(code.split("\n"), ctx)
    if len(done) >= _budget(done, d):
        return True
    pending = _PENDING.get(syntax.canonical(ctx.language), _PENDING_ANY)
    probe = [*done, _probe(last)] if _probe_ready(last, done, pending) else done
    end = block_end(probe, ctx, next_lines=d.mode == "next")
    if end < len(probe):
        return _settled(probe[end:], ctx)
    return len(repetition.cut(done, d)) < len(done)


def _settled(past: list[str], ctx: CursorContext) -> bool:
    """A dedent at a column off the file's grid may be a reply in its own indentation unit,
    which the lines still to come will show: no conclusion from it yet."""
    line = next((x for x in past if x.strip()), "")
    unit = layout.file_unit(ctx) or (4 if layout.uses_tabs(ctx) else 0)
    return not unit or width(line) % unit == 0


def _breaks(raw: str, vctx: CursorContext, *, partial: bool = False) -> bool:
    """Whether the reply's code starts on a new line (the text stage tells). Between ``(`` and
    ``)`` or ``[`` and ``]`` it takes two lines to be a list laid out one item per line: one
    line after a break is the model's layout (``<completion>\nlen(x)\n</completion>``)."""
    d = Draft(vctx, raw, partial=partial)
    _text_stage(d, probe=True)
    if not (d.broke or d.text.startswith("\n")):
        return False
    if vctx.line_prefix.rstrip()[-1:] == "{":
        return True
    filled = [line for line in d.text.split("\n") if line.strip()]
    return len(filled) >= 2 or (partial and not d.ended)


def _text_stage(d: Draft, *, probe: bool = False) -> None:
    for run in FILTERS:
        before = d.text
        run(d)
        if d.text != before:
            name = filter_name(run)
            d.notes.append(name)
            if not d.partial and not probe:
                tracing.step(name, before, d.text)
            if log.isEnabledFor(logging.DEBUG) and not d.partial:
                log.debug("cleanup: %s changed the text (%d -> %d chars)", name, len(before),
                          len(d.text))


def _step(d: Draft, name: str, run: Callable[[str], str]) -> str:
    before = d.text
    d.text = run(before)
    if d.text != before:
        d.notes.append(name)
        tracing.step(name, before, d.text)
        if log.isEnabledFor(logging.DEBUG):
            log.debug("cleanup: %s changed the text (%d -> %d chars)", name, len(before),
                      len(d.text))
    return d.text


def _line_block(d: Draft) -> str:
    """The answer up to the end of the block its first line opens."""
    raw = d.text.split("\n")
    end = block.line_block(layout.reindent(raw, d.ctx), d.ctx)
    if end is not None and end < len(raw):
        tracing.step("line-block", d.text, "\n".join(raw[:end]))
        d.notes.append("line-block")
        return "\n".join(raw[:end])
    return d.text


def _budget(lines: list[str], d: Draft) -> int:
    return d.max_lines + (1 if lines and not lines[0].strip() else 0)


def _block(text: str, d: Draft) -> list[str]:
    """Only the block being completed: up to its end, without prose, loops or excess lines."""
    ctx = d.ctx
    raw = text.split("\n")
    lines = _lines_step(d, "indent", raw, layout.reindent(raw, ctx))
    budget = _budget(lines, d)
    end = block_end(lines, ctx, next_lines=d.mode == "next")
    kept = _lines_step(d, "block-end", lines, lines[:end])
    # enough lines to see a loop start within the budget
    kept = _lines_step(d, "prose-tail", kept, prose.tail(kept, d)[: budget + 12])
    kept = _lines_step(d, "repetition", kept, repetition.runaway_tail(repetition.cut(kept, d)))
    kept = _lines_step(d, "line-limit", kept, block.limit(kept, budget))
    kept = _lines_step(d, "trailing", kept, layout.trailing(kept))
    cut_line = lines[end] if end < len(lines) and len(kept) >= end - 1 else None
    if kept and (layout.is_closer(kept[-1]) or (cut_line and layout.is_closer(cut_line))):
        kept = _lines_step(d, "syntax", kept,
                           tree.best(tree.closer_candidates(kept, cut_line), ctx))
    return kept


def _lines_step(d: Draft, name: str, before: list[str], after: list[str]) -> list[str]:
    if after != before:
        d.notes.append(name)
        if tracing.listening():
            tracing.step(name, "\n".join(before), "\n".join(after))
        if log.isEnabledFor(logging.DEBUG):
            log.debug("cleanup: %s changed the text (%d -> %d lines)", name, len(before),
                      len(after))
    return after


def _probe_ready(last: str, done: list[str], pending: tuple[str, ...]) -> bool:
    """The open line's indentation is final once it shows a character, and that is enough to
    judge a dedent unless the line may still become ``else:``, ``} catch {`` or ``end``."""
    s = last.strip()
    if not done or not s or s[0] in "})]":
        return False
    word = s.split(None, 1)[0].rstrip(":;{(")
    if word == s.rstrip(":;{("):  # the first word may still be growing
        return not any(k.startswith(word) for k in pending)
    return word not in pending


def _probe(line: str) -> str:
    """A partial line reduced to what is already final: its indentation and first character."""
    lead = len(line) - len(line.lstrip(" \t"))
    return line[:lead + 1]


def _is_next_line(text: str, ctx: CursorContext) -> bool:
    """The model re-typed the line that follows the cursor instead of adding anything."""
    following = ctx.next_line.strip()
    if not following or not same_code(text.strip(), following):
        return False
    if text.startswith("\n"):
        return width(text.lstrip("\n")) == width(ctx.next_line) or len(following) >= 3
    return not ctx.line_prefix.strip() or len(following) >= 3
