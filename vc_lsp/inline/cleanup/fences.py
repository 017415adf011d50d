"""Fences: the answer's code block out of its markdown, nested fences and inline code included."""

from __future__ import annotations

import re

from ...fences import FENCE, blocks
from ..context import CursorContext
from . import prose
from .draft import Draft, complete_lines, prefix_lines

_ONE_LINE_FENCE = re.compile(r"^(?P<mark>`{3,})[\w+#.-]*[ \t]+(?P<code>[^`]+?)[ \t]*(?P=mark)$")
_SPAN = re.compile(r"`([^`\n]+)`")
_OPTION_ITEM = re.compile(r"^(?P<mark>(?:\d{1,2}[.)]|[-*])[ \t]+)`[^`]+`(?:\s.*)?$")
_MARKDOWN_LANGUAGES = frozenset({"markdown", "mdx", "quarto", "rmarkdown"})
_MARKDOWN_INFO = frozenset({"markdown", "md", "mdx"})
# Languages where a backtick is code (template literals, raw strings, shell), not markdown.
_BACKTICK_LANGUAGES = frozenset({
    "javascript", "typescript", "javascriptreact", "typescriptreact", "go", "shellscript",
    "sh", "bash", "zsh", "markdown", "sql", "mysql", "kotlin", "scala", "haskell", "r",
})


def last_block_start(text: str) -> int | None:
    """Offset of the last fenced block's opening line (for answers buried in reasoning)."""
    lines = text.split("\n")
    found = blocks(lines)
    if not found:
        return None
    line = found[-1][0]
    return sum(len(x) + 1 for x in lines[:line])


def unfence(d: Draft) -> None:
    """The answer's fenced block: the first one, or the last after reasoning (drafts come
    first). Code followed by a lone fence is the code (the model closed a fence it never opened);
    a closed block ends the answer."""
    lines = d.text.split("\n")
    found = blocks(complete_lines(lines, d.partial))
    if not found:
        return
    first = found[0][0]
    before = [line for line in lines[:first] if line.strip()]
    if before and not all(prose.is_prose(line) or prose.is_label(line, d.ctx.language)
                          for line in before):
        d.text = "\n".join(lines[:first])  # code, then a fence closing one never opened
        d.ended = d.ended or (d.partial and not d.hold)
        return
    closed = [b for b in found if b[1] is not None]
    start, end = (closed[-1] if d.musing and closed else found[0])
    info = FENCE.match(lines[start])
    d.fenced = info["info"].lower() if info else ""
    if d.fenced and d.fenced not in _MARKDOWN_INFO and fences_are_content(d.ctx):
        return  # a README's ```bash block is what the user is writing (a bare fence wraps)
    body = _dedent(lines[start + 1:end if end is not None else len(lines)], lines[start])
    mark = info["mark"] if info else "```"
    glued = next((k for k, line in enumerate(complete_lines(body, d.partial and end is None))
                  if line.rstrip().endswith(mark) and line.strip() != mark), None)
    if end is None and glued is not None:  # "return x```": the fence closed on the code line
        body = [*body[:glued], body[glued].rstrip()[: -len(mark)]]
        end = start + 1 + glued
    d.text = "\n".join(body)
    if end is not None and d.partial and not d.hold:
        d.ended = True


def fences_are_content(ctx: CursorContext) -> bool:
    """In a markdown document, outside its own code blocks, a fenced block is text to insert."""
    if ctx.language.lower() not in _MARKDOWN_LANGUAGES:
        return False
    found = blocks(list(prefix_lines(ctx)[:-1]))
    return not found or found[-1][1] is not None  # the cursor is not in an open block


def _dedent(body: list[str], opening: str) -> list[str]:
    """A fence indented by n columns (a list item's) whose whole body is indented as much: the
    body without those n columns. A body that is not (``  ```python`` then ``def f():`` at
    column 0) is the model's own indentation and stays."""
    n = len(opening) - len(opening.lstrip(" "))
    if not n or any(line.strip() and len(line) - len(line.lstrip(" ")) < n for line in body):
        return body
    return [line[n:] for line in body]


def inline_code(d: Draft) -> None:
    """A one-line answer in single backticks is markdown inline code, unless backticks are code
    in this file (template literals, raw strings, shell)."""
    s = d.text.strip()
    if "`" not in s:
        return
    if "\n" in s:  # one line of code, then an explanation or further options ("2. `y`")
        lines = d.text.split("\n")
        filled = [line.strip() for line in complete_lines(lines, d.partial) if line.strip()]
        while len(filled) > 1 and filled[0].endswith((":", "：")) and (
                prose.is_prose(filled[0]) or prose.is_label(filled[0], d.ctx.language)):
            filled = filled[1:]  # "Two options:"
        if not filled or not all(prose.is_prose(line) or _OPTION_ITEM.match(line)
                                 for line in filled[1:]):
            return
        if d.partial and lines[-1].strip():
            d.hold = True  # the line still arriving may be code, not the explanation
        s = filled[0]
    item = _OPTION_ITEM.match(s)
    if item:
        s = s[item.end("mark"):]  # "1. `x`": a list of options, this the first
    one = _ONE_LINE_FENCE.match(s)
    if one:
        d.text = one["code"]  # ```python return x```
        return
    spans = _SPAN.findall(s)
    if len(spans) == 1 and not s.startswith("`") and prose.is_prose(_SPAN.sub("it", s)):
        d.text = spans[0]  # "Add `return a + b` here.": the code in the sentence
        return
    if len(s) < 3 or s[0] != "`" or s[-1] != "`" or "`" in s[1:-1]:
        return
    ctx = d.ctx
    if ctx.language.lower() in _BACKTICK_LANGUAGES or "`" in ctx.prefix + ctx.suffix:
        return
    d.text = s[1:-1]
