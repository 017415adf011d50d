"""Block end: where a multi-line answer stops.

Text rules on absolute indentation decide first (a dedent below the block, the document's next
line reached, a blank line before a new top-level statement); for languages with a grammar the
closing lines are then judged by the syntax tree (``tree.py``): the answer that leaves the
document parsing best wins.
"""

from __future__ import annotations

import re

from ... import syntax
from ...indent import width
from ..context import CursorContext
from .draft import prefix_lines, suffix_lines
from .layout import is_closer, opens_block

_CONTINUATIONS = frozenset(
    {"else", "elif", "except", "finally", "catch", "elsif", "rescue", "ensure", "when", "case",
     "default", "elseif"}
)
# A line that starts a new definition (function, method, class), in any of the usual syntaxes.
_DEFINITION = re.compile(
    r"^\s*(?:@\w|(?:(?:export|default|pub(?:\([\w:]+\))?|public|private|protected|internal|"
    r"static|final|abstract|override|virtual|async|sealed|open|suspend|inline)\s+)*"
    r"(?:def|class|function|fn|func|fun|interface|struct|impl|trait|enum|module|object)\b"
    r"|(?:(?:public|private|protected|internal|static|final|abstract|override|virtual|"
    r"synchronized)\s+)+[\w<>\[\],.?]+\s+\w+\s*\()")
# Languages whose blocks never open with a brace on the next line.
_NO_BRACES = frozenset({"python", "ruby", "lua", "shellscript", "yaml", "elixir", "haskell",
                        "julia", "nim", "fsharp", "sql", "markdown"})
_COMPOUND = re.compile(r"^\s*(?:\}\s*)?(?:if|elif|else|for|while|try|except|catch|do|switch|"
                       r"unless|case|when|with|begin|match|select|loop|until)\b")


def block_end(lines: list[str], ctx: CursorContext, *, next_lines: bool = False) -> int:
    """Index of the first line past the block being completed (``len(lines)`` if none).

    ``lines`` carry absolute indentation except the first, which continues the cursor line. The
    block ends at a line less indented than where it started (a closing bracket there is kept
    when the document does not close it at that indentation; ``else:`` and ``} else {`` at the
    indentation of their ``if`` continue it), at a blank line followed by a new top-level
    statement, or at the line the document already has next.
    """
    cursor_blank = not ctx.line_prefix.strip()
    cursor_width = width(ctx.line_prefix)
    opened = not cursor_blank and not next_lines and bool(lines) and not lines[0].strip()
    floor = None if opened or not ctx.line_prefix else cursor_width
    following = ctx.next_line
    headers = {cursor_width} if opened else set()
    blank_from: int | None = None  # first of the blank lines right before this one
    closed = False  # the answer closed a block around the cursor
    for i, line in enumerate(lines):
        if not line.strip():
            if blank_from is None and i > 0:
                blank_from = i
            continue
        # At column 0 the first line's own indentation is where the model put the answer.
        w = cursor_width if i == 0 and ctx.line_prefix else width(line)
        end = i if blank_from is None else blank_from
        if floor is None:
            floor = w  # the first line of an opener's body sets the body's indentation
            closed = is_closer(line)  # or, at column 0, the closer of the block it stands in
        if (i > 0 or cursor_blank) and _same_line(line, w, following):
            return end  # reached code that already follows the cursor
        if i > 0 and w < floor:
            if _continues(line) and (w in headers or _header_at(ctx, w)):
                blank_from = None
                continue  # `else:` / `} else {`: the statement goes on with another body
            if is_closer(line) and blank_from is None and _keeps_closer(line, w, ctx):
                if w == 0:
                    return i + 1  # a top-level definition is complete
                floor = w  # the enclosing block goes on after the one the answer closed
                closed = True
                continue
            return end
        if blank_from is not None and w <= floor and not opened and (
                floor == 0 or (closed and _DEFINITION.match(line))):
            return end  # a blank line, then a new top-level statement (or definition, once
            # the answer has closed the block it stood in)
        if opens_block(line):
            headers.add(w)
        blank_from = None
    return len(lines)


def grows(lines: list[str], ctx: CursorContext) -> bool | None:
    """Whether a rest-of-the-line answer opens a block it goes on to fill (``for|`` answered
    `` (x of xs) {`` and a body, or a header whose ``{`` comes on the next line): then the
    answer is that block, not its first line. ``None`` while no line after the first has shown
    what it is. ``lines`` carry absolute indentation."""
    if ctx.mid_line or not lines:
        return False
    head = ctx.line_prefix + lines[0]
    opener = opens_block(head)
    header = not opener and head.rstrip().endswith(")") \
        and syntax.canonical(ctx.language) not in _NO_BRACES
    if not (opener or header):
        return False
    nxt = next((line for line in lines[1:] if line.strip()), None)
    if nxt is None:
        return None
    base = width(ctx.line_prefix)
    return width(nxt) > base if opener else _lone_brace(nxt, base)


def line_block(lines: list[str], ctx: CursorContext) -> int | None:
    """Index past the block the first line opened: its closer at the cursor line's indentation
    included, a line back at that indentation excluded; ``None`` while it is still open."""
    base = width(ctx.line_prefix)
    start = next((i for i in range(1, len(lines)) if lines[i].strip()), len(lines))
    if start < len(lines) and _lone_brace(lines[start], base):
        start += 1  # a header's `{` on a line of its own (Allman style)
    for i in range(start, len(lines)):
        line = lines[i]
        if not line.strip():
            continue
        w = width(line)
        if w > base or (w == base and _continues(line)):
            continue
        return i + 1 if w == base and is_closer(line) else i
    return None


def _lone_brace(line: str, base: int) -> bool:
    return line.strip() == "{" and width(line) == base


def _same_line(line: str, w: int, next_line: str) -> bool:
    """The document's next line, at the same indentation."""
    s = line.strip()
    return bool(s) and same_code(s, next_line) and w == width(next_line)


def same_code(a: str, b: str) -> bool:
    """The same line of code up to spacing and a trailing ``;`` or ``,`` (``return total`` is
    the document's ``return total;`` re-typed, not a new statement)."""
    return _key(a) == _key(b)


def _key(line: str) -> str:
    return " ".join(line.split()).rstrip(";,").rstrip()


def _continues(line: str) -> bool:
    """A line that closes one body and opens the next of the same statement."""
    word = re.split(r"[\s:{(]", line.strip().lstrip("}) "), maxsplit=1)[0]
    return word in _CONTINUATIONS


def _header_at(ctx: CursorContext, w: int) -> bool:
    """Whether the innermost prefix line at indentation ``w`` opens a compound statement."""
    for line in reversed(prefix_lines(ctx)[:-1][-80:]):
        if not line.strip():
            continue
        lw = width(line)
        if lw < w:
            return False
        if lw == w:
            return bool(_COMPOUND.match(line)) or opens_block(line)
    return False


def _keeps_closer(line: str, w: int, ctx: CursorContext) -> bool:
    """A dedented closing line is the answer's unless the document closes that block itself:
    its first line at this indentation or less is a closer at exactly this indentation."""
    for doc_line in suffix_lines(ctx)[1:]:
        if not doc_line.strip():
            continue
        dw = width(doc_line)
        if dw < w:
            return True  # an outer block's closer: this one is still needed
        if dw == w:
            return not is_closer(doc_line)
    return True


def limit(lines: list[str], budget: int) -> list[str]:
    """At most ``budget`` lines; a cut never ends on an opener whose body it removed."""
    if len(lines) <= budget:
        return lines
    out = lines[:budget]
    while len(out) > 1 and opens_block(out[-1]):
        out.pop()
    return out
