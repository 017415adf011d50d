"""Lines and indentation: where the answer starts, and every line in the file's own indentation.

The first line continues the cursor line; the rest get absolute indentation in the file's style
(tabs or spaces, and the file's unit: a model that answers with 4-space steps in a 2-space file
is re-based). A reply that opens with a line break at the end of a finished line is a next line,
never glued onto the cursor line.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache
from itertools import pairwise

from ...indent import TAB_WIDTH, width
from ...syntax import canonical as syntax_canonical
from ..context import BLOCK_OPENERS, CursorContext
from .draft import Draft, prefix_lines, suffix_lines

_FINISHED_END = ")]}\"'`;"
_RUBY_BLOCK = re.compile(r"(?:\bdo|\{)\s*\|[^|]*\|$")
_CONTINUES = re.compile(r"^\s*\}?\s*(?:else|elif|elsif|elseif|except|finally|catch|rescue|"
                        r"ensure|when|case|default)\b")
_UNITS = (2, 3, 4, 8)


def place(d: Draft) -> None:
    """Decide the shape (rest of the line, block, next lines) and where the text starts."""
    ctx, text = d.ctx, d.text
    finished = _finished(ctx.line_prefix)
    if ctx.multiline:
        d.mode = "block"
        if ctx.line_prefix.strip() and (
                (d.broke and not d.echoed) or (text[:1] in (" ", "\t") and width(text) >= 2)):
            d.text = "\n" + text  # a body line the model indented but did not break
        return
    if d.broke and not d.echoed and finished:
        d.mode = "next"  # lines after a finished line, never glued onto it
        d.text = "\n" + text
        return
    d.mode = "line"
    if ctx.line_prefix.strip() and ctx.line_prefix.endswith((" ", "\t")):
        d.text = text.lstrip(" \t")  # the space is already typed


_STATEMENT = re.compile(r"^(?:def|class|import|from|return|if|for|while|with|try|async|const|let|"
                        r"var|function|export|fn|pub|func|type|package|public|private|static|"
                        r"int|void|struct|local|end|@|#)\b")
# Where a file shows no indentation step yet, the step its language's style guides use.
_TWO_SPACE = frozenset({"javascript", "typescript", "javascriptreact", "typescriptreact", "ruby",
                        "lua", "yaml", "json", "html", "css", "scss", "vue", "dart", "elixir",
                        "nix", "svelte"})
_TERMINATES = re.compile(r"^\s*(?:return|break|continue|raise|pass|throw)\b")


@lru_cache(maxsize=16)
def lines_above(ctx: CursorContext) -> tuple[CursorContext, str] | None:
    """At column 0 in front of a line of code, the answer is whole lines before that line.

    The cursor then stands where a fill-in-the-middle benchmark puts the hole: the answer is
    cleaned as a block on a virtual blank line at the indentation the new line takes, and
    inserted with that indentation and a line break. Returns the virtual context and indent.
    """
    rest = ctx.line_suffix
    if ctx.line_prefix or not rest.strip():
        return None
    if rest[:1] not in (" ", "\t") and not _STATEMENT.match(rest) and not is_closer(rest):
        return None
    prev = next((line for line in reversed(prefix_lines(ctx)[:-1]) if line.strip()), None)
    unit = file_unit(ctx) or (2 if ctx.language.lower() in _TWO_SPACE else TAB_WIDTH)
    below = width(rest)
    if prev is None:
        w = below
    elif opens_block(prev):
        w = width(prev) + unit
    elif _TERMINATES.match(prev):
        w = min(width(prev), below)
    else:
        w = width(prev)
    tabs = uses_tabs(ctx)
    indent = "\t" * (w // TAB_WIDTH) + " " * (w % TAB_WIDTH) if tabs else " " * w
    return CursorContext(ctx.prefix + indent, "\n" + ctx.suffix, ctx.language,
                         ctx.filename), indent


_PAIRS = {"{": "}", "(": ")", "[": "]"}


@lru_cache(maxsize=16)
def between_pair(ctx: CursorContext) -> tuple[CursorContext, str] | None:
    """``function f() {|}``: an editor closed the bracket the cursor stands after. A reply that
    breaks the line is a body; it is cleaned as if the closer were on the next line, and the
    insert ends with a line break and the cursor line's indentation before that closer."""
    before = ctx.line_prefix.rstrip()
    rest = ctx.line_suffix
    if not before or before[-1] not in _PAIRS or not rest.strip():
        return None
    if rest.lstrip()[:1] != _PAIRS[before[-1]] or not set(rest.strip()) <= set(")]};,"):
        return None
    indent = ctx.indent
    vctx = CursorContext(ctx.prefix, "\n" + indent + ctx.suffix.lstrip(" \t"), ctx.language,
                         ctx.filename)
    return vctx, "\n" + indent


def _finished(line_prefix: str) -> bool:
    """A line that is a whole statement: a next line cannot belong on it."""
    end = line_prefix.rstrip()[-1:]
    return bool(end) and (end.isalnum() or end in _FINISHED_END or end == "_") \
        and line_prefix.strip() != ""


@lru_cache(maxsize=32)
def file_unit(ctx: CursorContext) -> int:
    """The file's indentation step in columns (0 when the lines around the cursor show none).
    A blank cursor line's indentation counts: in a short file it is the only step shown."""
    before = prefix_lines(ctx)[-200:]
    widths = [width(line) for line in before[:-1] if line.strip()]
    if before[-1].strip() or ctx.indent == before[-1]:
        widths.append(width(before[-1] if before[-1].strip() else ctx.indent))
    widths += [width(line) for line in suffix_lines(ctx)[1:100] if line.strip()]
    return _unit(widths)


def _unit(widths: list[int]) -> int:
    steps = Counter(b - a for a, b in pairwise(widths) if b - a in _UNITS)
    return steps.most_common(1)[0][0] if steps else 0


@lru_cache(maxsize=32)
def uses_tabs(ctx: CursorContext) -> bool | None:
    """The file's indentation style: the cursor line's, else the nearest indented line's."""
    if ctx.indent:
        return ctx.indent[0] == "\t"
    for line in [*reversed(prefix_lines(ctx)), *suffix_lines(ctx)]:
        if line[:1] in (" ", "\t") and line.strip():
            return line[0] == "\t"
    return None


def reindent(lines: list[str], ctx: CursorContext) -> list[str]:
    """Absolute indentation, in the file's style and unit, for every line after the first.

    The first line starts at the cursor. The model may have indented the rest absolutely (as
    in the file), relative to its own first line (shown by the indentation it gave that line),
    or relative to column 0 (detected by ``_relative``).
    """
    first, rest = lines[0], lines[1:]
    base = width(ctx.indent)
    shift = 0
    if ctx.line_prefix and not ctx.line_prefix.strip():
        lead = width(first)
        first = first.lstrip(" \t")  # the cursor already stands at the indentation
        if lead:
            shift = base - lead
        elif _relative(first, rest, base):
            shift = base
        else:
            shift = base - _own_base(first, rest, ctx, base)
    elif not first.strip() and rest and not ctx.line_prefix.rstrip().endswith(BLOCK_OPENERS):
        if _relative("", rest, base):  # next lines after a finished line
            shift = base
    elif ctx.line_prefix.strip() and _relative(ctx.line_prefix + first, rest, base):
        shift = base
    head = ctx.line_prefix + first
    scale = _scale([width(line) + shift for line in rest if line.strip()], ctx, width(head),
                   opener=opens_block(head))
    tabs = uses_tabs(ctx)
    return [first, *(_indent(line, shift, tabs, width(head), scale) for line in rest)]


def opens_block(line: str) -> bool:
    """A line whose next line is deeper: ``:``, ``{``, ``=>``, ``do``, Ruby's ``do |x|``."""
    s = line.rstrip()
    return s.endswith(BLOCK_OPENERS) or (s.endswith("|") and _RUBY_BLOCK.search(s) is not None)


def _own_base(first: str, rest: list[str], ctx: CursorContext, base: int) -> int:
    """The column the model put the cursor's level at, when it indented absolutely but in its
    own unit (2-space steps in a tab or 4-space file): as many of its steps as the file's, shown
    by a sibling or by the closer of the first line's block there. Or, after a first line that
    ends a statement, the next line's column: a sibling cannot be deeper than the statement.
    ``base`` when the reply shows no such thing."""
    filled = [width(line) for line in rest if line.strip()]
    if filled and filled[0] > base and ends_statement(first, ctx.language):
        return filled[0]
    have = file_unit(ctx) or (TAB_WIDTH if uses_tabs(ctx) else 0)
    got = _unit(filled)
    if not have or not got or got == have or base % have:
        return base
    level = base // have * got
    # Lines at the model's level or deeper; closers of blocks around the cursor's are below it.
    inside = [width(line) for line in rest if line.strip()
              and not (is_closer(line) and width(line) < level)]
    low = min(inside, default=base)
    return low if low == level else base


_CONTINUED = tuple("\\,+-*/%=&|<>^~.([{")


def ends_statement(line: str, language: str) -> bool:
    """A line after which the next one is a sibling, never deeper: it ends with ``;`` (or, in
    Python, nothing leaves it open: no opener, operator or unclosed bracket)."""
    s = line.rstrip()
    if not s or opens_block(s):
        return False
    if s.endswith(";"):
        return not s.lstrip().startswith("for")
    if syntax_canonical(language) != "python" or s.endswith(_CONTINUED):
        return False
    depth = 0
    for ch in s:
        depth += (ch in "([{") - (ch in ")]}")
    return depth == 0 and not s.lstrip().startswith(("@", "#"))


def _relative(head: str, rest: list[str], base: int) -> bool:
    """Whether lines after ``head`` were indented from column 0 rather than from the file's.

    Absolute indentation puts the next line deeper than ``base`` after an opener and at ``base``
    otherwise; relative indentation puts it at most at ``base`` after an opener, else at 0.
    """
    first = next((line for line in rest if line.strip()), None)
    if base == 0 or first is None or (rest and not rest[0].strip() and head.strip()):
        return False  # a blank line before a dedent marks the end of the block instead
    w, closer = width(first), is_closer(first)
    if opens_block(head) and (w < base if closer else w <= base):
        return True
    if not opens_block(head) and w == 0 and not closer and not _CONTINUES.match(first):
        return True
    if w == base:
        return False  # a sibling of the first line at the file's indentation: absolute
    for line in rest:  # a statement back at column 0 before any blank line
        if not line.strip():
            return False
        lw = width(line)
        if lw == base and is_closer(line):
            return False  # the block closed where the cursor's line stands: absolute
        if lw == 0 and not is_closer(line) and not _CONTINUES.match(line):
            return True
    return False


def _scale(widths: list[int], ctx: CursorContext, base: int, *,
           opener: bool) -> tuple[int, int] | None:
    """(reply unit, file unit) when the reply steps by a different unit than the file."""
    have = file_unit(ctx) or (TAB_WIDTH if uses_tabs(ctx) else 0)
    if not have or not widths:
        return None
    rel = [w - base for w in widths]
    steps = [*([rel[0]] if opener and rel[0] > 0 else []),
             *(b - a for a, b in pairwise(rel))]
    counted = Counter(s for s in steps if s in _UNITS)
    if not counted:
        return None
    got = counted.most_common(1)[0][0]
    aligned = sum(r % got == 0 for r in rel)
    if got == have or aligned < 0.8 * len(rel):
        return None
    return got, have


def _indent(line: str, shift: int, tabs: bool | None, base: int,
            scale: tuple[int, int] | None) -> str:
    if not line.strip():
        return ""
    if shift == 0 and tabs is None and scale is None:
        return line
    w = max(0, width(line) + shift)
    if scale is not None:
        got, have = scale
        rel = w - base
        w = max(0, base + (rel // got) * have + rel % got)
    lead = "\t" * (w // TAB_WIDTH) + " " * (w % TAB_WIDTH) if tabs else " " * w
    return lead + line.lstrip(" \t")


def is_closer(line: str) -> bool:
    s = line.strip()
    return s[:1] in (")", "]", "}") or s.rstrip(";") in ("end", "fi", "done", "esac", "end)")


def trailing(lines: list[str]) -> list[str]:
    """Trailing blanks go: at the end of each line and after the last."""
    out = [line.rstrip() for line in lines]
    while out and not out[-1].strip():
        out.pop()
    return out
