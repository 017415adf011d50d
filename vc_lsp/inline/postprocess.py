"""Turn a chat model's raw answer into exactly the text to insert at the cursor.

Chat models reason out loud, fence code, add prose, repeat what is before the cursor, re-close
brackets that the suffix already closes, indent relative to the wrong column and loop. Each step
below removes one of those habits; ``is_complete`` applies the same rules to a partial answer so
streaming can stop the moment the answer is whole. Everything here is pure and cheap: it runs on
every streamed line.
"""

from __future__ import annotations

import re

from ..fences import FENCE
from ..upstream.think import CLOSE as THINK_CLOSE
from ..upstream.think import strip_think
from .context import BLOCK_OPENERS, CursorContext
from .prompt import CLOSE_TAG, HOLE, OPEN_TAG

TAB_WIDTH = 4
ECHO_LINES = 60  # how far back an echo of the prefix is looked for
_INDENT = re.compile(r"[ \t]*")
_LEADING_BLANK_LINES = re.compile(r"^(?:[ \t]*\n)+")
_WORD_START = re.compile(r"\b\w")
_PROSE_OPENING = re.compile(
    r"(here\b|here's|sure\b|certainly|of course|okay\b|ok\b|alright|below\b|let me|let's|"
    r"i need|i'll|i will|we need|the user|the cursor|the completion|the code|the missing|"
    r"this (completes|fills|adds|returns|will|code|function|line)|to complete|looking at|"
    r"based on|explanation|note:)",
    re.IGNORECASE,
)
_NOT_PROSE = re.compile(r"[{}\[\];=<>]")
_INLINE_CODE = re.compile(r"`[^`]*`")
_SENTENCE_END = (".", ":", "!", "?")
_PROSE_LANGUAGES = frozenset(
    {"markdown", "plaintext", "text", "restructuredtext", "latex", "tex", "org", "asciidoc"}
)
_COMMENT = re.compile(r"#|//|/\*|^\s*\*")
_CLOSER_WORDS = frozenset({"end", "fi", "done", "esac"})
_CONTINUATIONS = frozenset(
    {"else", "elif", "except", "finally", "catch", "elsif", "rescue", "ensure", "when"}
)
_BACKTICK_LANGUAGES = frozenset({
    "javascript", "typescript", "javascriptreact", "typescriptreact", "go", "shellscript",
    "sh", "bash", "zsh", "markdown", "sql", "mysql", "kotlin", "scala", "haskell", "r",
})
_PAIRS = (("(", ")"), ("[", "]"), ("{", "}"))
_QUOTES = "\"'`"
_SUFFIX_PUNCT = frozenset(")]}\"'`;:,. ")
_SEPARATORS = frozenset(",;:=+-*/%&|<>!?")


def clean(raw: str, ctx: CursorContext, *, max_lines: int = 12) -> str:
    """The insert text, or ``""`` when the model had nothing useful to add."""
    lines = _code(raw, ctx).split("\n")
    if ctx.multiline:
        text = "\n".join(_block(_reindent(lines, ctx), ctx, max_lines)).rstrip()
    else:
        text = _trim_suffix_overlap(_line_end(lines[0], ctx), ctx.line_suffix)
    if not text.strip() or _is_next_line(text, ctx):
        return ""
    return text


def is_complete(raw: str, ctx: CursorContext, *, max_lines: int = 12) -> bool:
    """True once more streaming cannot change ``clean``'s answer (modulo the open last line)."""
    if CLOSE_TAG in raw:
        return True
    code = _code(raw, ctx, partial=True)
    if not ctx.multiline:
        return "\n" in code  # leading breaks are already gone: the first code line is done
    if _unfence(_unwrap(raw, partial=True), partial=True)[1]:
        return True
    if not code.strip():
        return False
    *done, last = _reindent(code.split("\n"), ctx)
    if len(done) >= max_lines + (1 if done and not done[0].strip() else 0):
        return True
    probe = [*done, _probe(last)] if _probe_ready(last, done, ctx) else done
    if block_end(probe, ctx) < len(probe):
        return True
    return len(_cut_repetition(done, ctx)) < len(done)


def block_end(lines: list[str], ctx: CursorContext) -> int:
    """Index of the first line past the block being completed (``len(lines)`` if none).

    ``lines`` carry absolute indentation except the first, which continues the cursor line. The
    block ends at a line less indented than where it started (a closing bracket there is kept
    when the document does not close it already; ``else:`` and ``} else {`` continue it), at a
    blank line followed by a line no deeper than the start (unless the completion is the body of
    an opener), or at a line the document already has next.
    """
    cursor_blank = not ctx.line_prefix.strip()
    cursor_width = _width(ctx.line_prefix)
    opened_body = not cursor_blank and bool(lines) and not lines[0].strip()
    floor = None if opened_body else cursor_width
    following = ctx.next_line
    blank_from: int | None = None  # first of the blank lines right before this one
    for i, line in enumerate(lines):
        if not line.strip():
            if blank_from is None and i > 0:
                blank_from = i
            continue
        width = cursor_width if i == 0 else _width(line)
        end = i if blank_from is None else blank_from
        if floor is None:
            floor = width  # the first line of an opener's body sets the body's indentation
        if (i > 0 or cursor_blank) and _same_line(line, width, following):
            return end  # reached code that already follows the cursor
        if i > 0 and width < floor:
            if opened_body and width == cursor_width and _continues(line):
                blank_from = None
                continue  # `else:` / `} else {`: the statement goes on with another body
            return i + 1 if blank_from is None and _keeps_closer(line, width, following) else end
        if blank_from is not None and width <= floor and not opened_body:
            return end
        blank_from = None
    return len(lines)


# -- unwrapping: reasoning, tags, fences, prose ---------------------------------------------------


def _code(raw: str, ctx: CursorContext, *, partial: bool = False) -> str:
    """The model's code, starting at the cursor: wrappers, prose and echoed prefix removed."""
    text, _ = _unfence(_unwrap(raw, partial=partial), partial=partial)
    text = _unquote_inline(text, ctx)
    if not _prose_expected(ctx):
        text = _drop_prose(text, partial=partial)
    broke = _LEADING_BLANK_LINES.match(text) is not None
    text = _LEADING_BLANK_LINES.sub("", text)
    echo = _strip_echo(text, ctx, partial=partial)
    return _place(text if echo is None else echo, ctx, broke=broke and echo is None)


def _unwrap(raw: str, *, partial: bool) -> str:
    """Reasoning and the ``<completion>`` tags removed, line breaks normalised."""
    text = strip_think(raw)
    if THINK_CLOSE in text:
        text = text.rsplit(THINK_CLOSE, 1)[1]  # reasoning whose opening tag was in the template
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if OPEN_TAG in text:
        text = text.split(OPEN_TAG, 1)[1]
    text = text.split(CLOSE_TAG, 1)[0].replace(HOLE, "")
    return _drop_partial_tag(text) if partial else text


def _drop_partial_tag(text: str) -> str:
    """A stream that ends in ``<compl`` is still sending a tag, not code."""
    for tag in (OPEN_TAG, CLOSE_TAG):
        for size in range(len(tag) - 1, 1, -1):
            if text.endswith(tag[:size]):
                return text[:-size]
    return text


def _unfence(text: str, *, partial: bool) -> tuple[str, bool]:
    """The first fenced block's body, and whether its closing fence has arrived.

    Code followed by a lone fence is the code (the model closed a fence it never opened).
    """
    lines = text.split("\n")
    complete = lines[:-1] if partial else lines
    fences = [i for i, line in enumerate(complete) if FENCE.match(line)]
    if not fences:
        return text, False
    first = fences[0]
    before = [line for line in lines[:first] if line.strip()]
    if before and not all(_is_prose(line) for line in before):
        return "\n".join(lines[:first]), True
    end = fences[1] if len(fences) > 1 else len(lines)
    return "\n".join(lines[first + 1:end]), len(fences) > 1


def _unquote_inline(text: str, ctx: CursorContext) -> str:
    """A one-line answer in single backticks is markdown inline code, unless backticks are code
    in this file (template literals, raw strings, shell)."""
    s = text.strip()
    if len(s) < 3 or s[0] != "`" or s[-1] != "`" or "`" in s[1:-1] or "\n" in s:
        return text
    if ctx.language.lower() in _BACKTICK_LANGUAGES or "`" in ctx.prefix + ctx.suffix:
        return text
    return s[1:-1]


def _drop_prose(text: str, *, partial: bool) -> str:
    """Sentences before the code ("Here is the completion:") are not code; nor is prose alone."""
    lines = text.split("\n")
    complete = lines[:-1] if partial else lines
    start = 0
    while start < len(complete) and (not complete[start].strip() or _is_prose(complete[start])):
        start += 1
    if not any(_is_prose(line) for line in complete[:start]):
        return text
    rest = lines[start:]
    if partial and len(rest) == 1 and _PROSE_OPENING.match(rest[0].strip()):
        return ""  # another sentence is arriving
    return "\n".join(rest)


def _is_prose(line: str) -> bool:
    """A sentence, not code: chat models' preambles, explanations and reasoning."""
    s = line.strip()
    if not s or _NOT_PROSE.search(_INLINE_CODE.sub("", s)):
        return False
    words = s.split()
    if _PROSE_OPENING.match(s):
        return s.endswith(_SENTENCE_END) or len(words) >= 4
    if words[0].endswith(":"):
        return False  # `Title: Some text.` is a key and its value (YAML, dicts)
    plain = sum(word.strip(".,:!?`'\"()").isalpha() for word in words)
    return s[0].isupper() and len(words) >= 4 and s.endswith(_SENTENCE_END) \
        and plain >= 0.75 * len(words)


def _prose_expected(ctx: CursorContext) -> bool:
    """In a comment, string, docstring or prose file a sentence is the completion."""
    if ctx.language.lower() in _PROSE_LANGUAGES:
        return True
    line = ctx.line_prefix
    if _COMMENT.search(line) or any(line.count(q) % 2 for q in _QUOTES):
        return True
    prefix = ctx.prefix
    return bool(prefix.count('"""') % 2 or prefix.count("'''") % 2) \
        or prefix.rfind("/*") > prefix.rfind("*/")


# -- echo: text the model repeated from before the cursor ---------------------------------------


def _strip_echo(text: str, ctx: CursorContext, *, partial: bool) -> str | None:
    """The answer without the lines or the start of the cursor line that it repeated.

    ``None`` when nothing was repeated; ``""`` while a partial answer may still be an echo.
    """
    got = text.split("\n")
    before = ctx.prefix.split("\n")
    typed = before[-1].lstrip()
    opening = got[0].strip()
    for k in range(min(len(before), ECHO_LINES), 1, -1):
        if opening and not before[-k].strip().startswith(opening):
            continue  # cheap reject: an echo starts with the line k back (or a prefix of it)
        earlier = before[-k:-1]
        if sum(len(line.strip()) for line in earlier) + len(typed.strip()) < 4:
            continue
        if len(got) >= k and _same_lines(got, earlier) and got[k - 1].lstrip().startswith(typed):
            first = got[k - 1].lstrip()[len(typed):] if typed else got[k - 1]
            return "\n".join([first, *got[k:]])
        if partial and _may_become_echo(got, [*earlier, typed]):
            return ""
    return _restart(text, ctx.line_prefix)


def _same_lines(got: list[str], want: list[str]) -> bool:
    """The lines ``want`` starts with, ignoring indentation (``got`` may be the longer)."""
    return all(g.strip() == w.strip() for g, w in zip(got, want, strict=False))


def _may_become_echo(got: list[str], want: list[str]) -> bool:
    if len(got) > len(want) or not _same_lines(got[:-1], want):
        return False
    return want[len(got) - 1].lstrip().startswith(got[-1].lstrip())


def _restart(text: str, line_prefix: str) -> str | None:
    """The answer without the part of the cursor line it re-typed ("ret" -> "return x").

    The re-typed part starts at a word (or the line's first character) and runs to the cursor.
    Chat models restart the word being typed far more often than they continue it, so even a
    single letter counts ("q" -> "quantity").
    """
    start = len(line_prefix) - len(line_prefix.lstrip())
    starts = sorted({start, *(m.start() for m in _WORD_START.finditer(line_prefix))})
    answer = text.lstrip(" \t")
    for at in starts:
        typed = line_prefix[at:]
        if typed.strip() and answer.startswith(typed):
            return answer[len(typed):]
    return None


def _place(text: str, ctx: CursorContext, *, broke: bool) -> str:
    """Where the answer starts: on a new line after an opener, otherwise right at the cursor."""
    if ctx.multiline and ctx.line_prefix.strip():
        if broke or (text[:1] in (" ", "\t") and _width(text) >= 2):
            return "\n" + text  # a body line the model indented but did not break
        return text
    if broke and not ctx.multiline and _glues(ctx.line_prefix, text):
        return ""  # a next line for a finished one: nothing belongs on the cursor line
    if ctx.line_prefix.strip() and ctx.line_prefix.endswith((" ", "\t")):
        return text.lstrip(" \t")  # the space is already typed
    return text


def _glues(line_prefix: str, text: str) -> bool:
    """Whether appending ``text`` would fuse two tokens (``x = 1`` + ``print(x)``)."""
    end, start = line_prefix[-1:], text[:1]
    return (end.isalnum() or end in "_)]}\"'`;") and (start.isalnum() or start == "_")


# -- indentation ----------------------------------------------------------------------------------


def _width(line: str) -> int:
    match = _INDENT.match(line)
    return len(match.group(0).expandtabs(TAB_WIDTH)) if match else 0


def _reindent(lines: list[str], ctx: CursorContext) -> list[str]:
    """Absolute indentation, in the file's style, for every line after the first.

    The first line starts at the cursor. The model may have indented the rest absolutely (as
    in the file), relative to its own first line (shown by the indentation it gave that line),
    or relative to column 0 (detected by ``_relative``).
    """
    first, rest = lines[0], lines[1:]
    base = _width(ctx.indent)
    shift = 0
    if ctx.line_prefix and not ctx.line_prefix.strip():
        lead = _width(first)
        first = first.lstrip(" \t")  # the cursor already stands at the indentation
        if lead:
            shift = base - lead
        elif _relative(first, rest, base):
            shift = base
    elif ctx.line_prefix.strip() and _relative(ctx.line_prefix + first, rest, base):
        shift = base
    tabs = _uses_tabs(ctx)
    return [first, *(_indent(line, shift, tabs) for line in rest)]


def _relative(head: str, rest: list[str], base: int) -> bool:
    """Whether lines after ``head`` were indented from column 0 rather than from the file's.

    Absolute indentation puts the next line deeper than ``base`` after an opener and at ``base``
    otherwise; relative indentation puts it at most at ``base`` after an opener, else at 0.
    """
    if base == 0 or not rest or not rest[0].strip():
        return False  # a blank line before a dedent marks the end of the block instead
    width, closer = _width(rest[0]), _is_closer(rest[0])
    if head.rstrip().endswith(BLOCK_OPENERS):
        return width < base if closer else width <= base
    return width == 0 and not closer


def _uses_tabs(ctx: CursorContext) -> bool | None:
    """The file's indentation style: the cursor line's, else the nearest indented line's."""
    if ctx.indent:
        return ctx.indent[0] == "\t"
    for line in [*reversed(ctx.prefix.split("\n")), *ctx.suffix.split("\n")]:
        if line[:1] in (" ", "\t") and line.strip():
            return line[0] == "\t"
    return None


def _indent(line: str, shift: int, tabs: bool | None) -> str:
    if not line.strip() or (shift == 0 and tabs is None):
        return line
    width = max(0, _width(line) + shift)
    lead = "\t" * (width // TAB_WIDTH) + " " * (width % TAB_WIDTH) if tabs else " " * width
    return lead + line.lstrip(" \t")


def _continues(line: str) -> bool:
    """A line that closes one body and opens the next of the same statement."""
    s = line.strip()
    word = s.lstrip("}) ").split(" ", 1)[0].rstrip(":{(")
    return s.endswith(BLOCK_OPENERS) and (s[:1] in ("}", ")") or word in _CONTINUATIONS)


def _is_closer(line: str) -> bool:
    s = line.strip()
    return s[:1] in (")", "]", "}") or s.rstrip(";") in _CLOSER_WORDS


# -- the block: where the completion stops ---------------------------------------------------------


def _block(lines: list[str], ctx: CursorContext, max_lines: int) -> list[str]:
    """Only the block being completed: up to its end, without prose, loops or excess lines."""
    budget = max_lines + (1 if lines and not lines[0].strip() else 0)
    lines = lines[: block_end(lines, ctx)]
    lines = _cut_prose_tail(lines, ctx)[: budget + 12]  # enough to see a loop start in budget
    lines = _cut_repetition(lines, ctx)[:budget]
    while lines and not lines[-1].strip():
        lines.pop()
    return lines


def _same_line(line: str, width: int, next_line: str) -> bool:
    """The document's next line; short lines (``}``) must match its indentation too."""
    s = line.strip()
    if not s or s != next_line.strip():
        return False
    return len(s) >= 10 or width == _width(next_line)


def _keeps_closer(line: str, width: int, following: str) -> bool:
    """A dedented closing bracket is part of the completion unless the document closes it."""
    if not _is_closer(line):
        return False
    return not following.strip() or (_width(following) <= width
                                      and following.strip() != line.strip())


def _cut_prose_tail(lines: list[str], ctx: CursorContext) -> list[str]:
    """An explanation after the code (at column 0, outside any docstring) ends the completion."""
    if _prose_expected(ctx):
        return lines
    quotes = 0
    for i, line in enumerate(lines):
        if i > 0 and quotes % 2 == 0 and line[:1] not in (" ", "\t") and _is_prose(line):
            return lines[:i]
        quotes += line.count('"""') + line.count("'''")
    return lines


def _cut_repetition(lines: list[str], ctx: CursorContext) -> list[str]:
    """Stop a loop: a line or block of up to 4 lines that repeats 3 times keeps one copy."""
    keys = list(lines)
    if keys and not ctx.line_prefix.strip():
        keys[0] = ctx.line_prefix + keys[0]  # compare the first line at its real indentation
    for i in range(len(keys)):
        for k in range(1, 5):
            block = keys[i:i + k]
            if len(block) < k or not any(line.strip() for line in block):
                continue
            if keys[i + k:i + 2 * k] == block and keys[i + 2 * k:i + 3 * k] == block:
                return lines[:i + k]
    return lines


def _probe_ready(last: str, done: list[str], ctx: CursorContext) -> bool:
    """The open line's indentation is final once it shows a character: enough for a dedent.

    Not at the opener's own indentation, where ``e`` may grow into ``else:``.
    """
    if not done or not last.strip():
        return False
    return not ctx.line_prefix.strip() or _width(last) != _width(ctx.line_prefix)


def _probe(line: str) -> str:
    """A partial line reduced to what is already final: its indentation and first character."""
    width = len(line) - len(line.lstrip(" \t"))
    return line[:width + 1]


# -- the cursor line's suffix ---------------------------------------------------------------------


def _line_end(line: str, ctx: CursorContext) -> str:
    """Trailing blanks are noise, except after a separator the suffix follows (``f(a, |b)``)."""
    end = line.rstrip()
    if end != line and ctx.line_suffix[:1].strip() and end[-1:] in _SEPARATORS:
        return end + " "
    return end


def _trim_suffix_overlap(text: str, line_suffix: str) -> str:
    """Drop what the model re-typed of the text after the cursor, keeping brackets balanced.

    Candidates are the whole rest of the line and any leading run of closing punctuation of
    it; the cut that leaves the insert best balanced wins, the longest on a tie.
    """
    rest = line_suffix.rstrip()
    core = rest.lstrip()
    if not core:
        return text
    cuts = {0}
    for tail in (rest, core):
        if text.endswith(tail):
            cuts.add(len(tail))
    for k in range(1, len(core)):
        head = core[:k]
        if set(head) <= _SUFFIX_PUNCT and text.endswith(head):
            cuts.add(k)
    quotes = [q for q in _QUOTES if q in core]
    best = min(cuts, key=lambda k: (_imbalance(text[:len(text) - k], quotes), -k))
    return text[:len(text) - best]


def _imbalance(text: str, quotes: list[str]) -> int:
    brackets = sum(abs(text.count(o) - text.count(c)) for o, c in _PAIRS)
    return brackets + sum(text.count(q) % 2 for q in quotes)


def _is_next_line(text: str, ctx: CursorContext) -> bool:
    """The model re-typed the line that follows the cursor instead of adding anything."""
    following = ctx.next_line.strip()
    if not following or text.strip() != following:
        return False
    return not ctx.line_prefix.strip() or text.startswith("\n") or len(following) >= 3
