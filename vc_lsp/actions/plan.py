"""From an action request to the exact work: which lines change, what the model sees.

Pure: a document snapshot and the request's arguments in, a ``Plan`` (or a ``Problem`` to tell
the user) out. The same rules serve the code action list and the command that runs it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lsprotocol import types

from ..context import Snippet
from ..documents import Document, file_name
from ..indent import lead, width
from . import instruction, regions
from .catalog import Action, short
from .clean import Shape
from .tracking import Span

_LONE_CR = re.compile(r"\r(?!\n)")
_TAB_LINE = re.compile(r"^\t+\S", re.MULTILINE)
_SPACE_LINE = re.compile(r"^( +)\S", re.MULTILINE)


@dataclass(frozen=True, slots=True)
class Diagnostic:
    message: str
    line: int  # 1-based
    span: Span
    source: str | None = None
    code: str | None = None


@dataclass(frozen=True, slots=True)
class Plan:
    action: Action
    uri: str
    file_name: str
    language: str
    span: Span  # the text replaced (empty for an insertion) or explained
    original: str
    code: str  # the code the model works on (an instruction comment removed)
    before: str
    after: str
    first_line: int  # 1-based lines of ``code``, for titles and messages
    last_line: int
    task: str
    shape: Shape
    diagnostics: tuple[Diagnostic, ...] = ()
    context: tuple[Snippet, ...] = ()  # definitions the code uses, from other places

    @property
    def lines_label(self) -> str:
        return regions.lines_label(self.first_line, self.last_line)

    @property
    def title(self) -> str:
        """What the user picked, for progress and messages: "Simplify this code"."""
        if self.action.name == "edit":
            return f"Edit ({short(self.task, 40)})"
        if self.action.name == "fix":
            return f"Fix ({short(self.diagnostics[0].message, 40)})" if self.diagnostics \
                else "Fix"
        return self.action.title_for(self.language)


@dataclass(frozen=True, slots=True)
class Problem:
    message: str


def offsets(doc: Document, rng: types.Range | None) -> tuple[int, int]:
    """A client range as string offsets, clamped into the document."""
    if rng is None:
        return 0, 0
    start = doc.offset_at_position(rng.start)
    end = doc.offset_at_position(rng.end)
    return min(start, end), max(start, end)


def diagnostic_of(doc: Document, diag: types.Diagnostic) -> Diagnostic:
    start, end = offsets(doc, diag.range)
    code = None if diag.code is None else str(diag.code)
    return Diagnostic(diag.message, doc.client_position_at_offset(start).line + 1, Span(start, end),
                      diag.source, code)


def lines_text(doc: Document) -> str:
    """The document with every lone CR (a classic Mac line break) read as a LF: the same
    offsets, so regions found in it are regions of the document, for rules that split at LF."""
    text = doc.source
    return _LONE_CR.sub("\n", text) if "\r" in text else text


def selection_span(doc: Document, action: Action, start: int, end: int) -> Span:
    """The lines "this code" means for ``action``: the selection's whole lines, or with no
    selection the enclosing block (the cursor line for a fix)."""
    text = lines_text(doc)
    if not regions.is_empty(text, start, end):
        return regions.whole_lines(text, start, end)
    if action.mode == "fix":
        return regions.whole_lines(text, start, start)
    return regions.enclosing_block(text, start)


def edit_span(doc: Document, start: int, end: int, language: str
              ) -> tuple[Span, instruction.Instruction | None]:
    """Lines to edit and the ``vc:`` comment that says how, if there is one.

    With no selection on a ``vc:`` comment line, the comment and the block below it; otherwise
    the selection (or enclosing block) plus a comment just above it.
    """
    text = lines_text(doc)
    if regions.is_empty(text, start, end):
        line = regions.whole_lines(text, start, start)
        found = instruction.find(text, line, language)
        if found is not None and found.whole_line:
            below = _next_filled(text, line.end)
            if below is not None:
                block = regions.block_at(text, below)
                return Span(line.start, block.end), found
            return line, found
    span = regions.enclosing_block(text, start) if regions.is_empty(text, start, end) \
        else regions.whole_lines(text, start, end)
    found = instruction.find(text, span, language)
    if found is not None and found.line.start < span.start:
        span = Span(found.line.start, span.end)
    return span, found


def _next_filled(text: str, offset: int) -> int | None:
    at = offset
    while at < len(text):
        end = regions.line_end(text, at)
        if text[at:end].strip():
            return at
        at = end
    return None


def make(doc: Document, action: Action, rng: types.Range | None, *,
         instruction_text: str | None = None,
         diagnostics: tuple[types.Diagnostic, ...] = (),
         max_lines: int = 400, context_lines: int = 40) -> Plan | Problem:
    text = lines_text(doc)
    language = (doc.language_id or "").lower()
    start, end = offsets(doc, rng)
    found: instruction.Instruction | None = None
    diags = tuple(diagnostic_of(doc, d) for d in diagnostics) if action.mode == "fix" else ()
    if action.name == "edit" and not (instruction_text or "").strip():
        span, found = edit_span(doc, start, end, language)
        if found is None:
            return Problem(
                "vc-lsp: Edit needs an instruction, e.g. a '# vc: ...' comment above it.")
    elif diags:
        span = regions.whole_lines(text, min(d.span.start for d in diags),
                                   max(d.span.end for d in diags))
        if not regions.is_empty(text, start, end):
            chosen = regions.whole_lines(text, start, end)
            if chosen.start <= span.end and span.start <= chosen.end:
                span = Span(min(span.start, chosen.start), max(span.end, chosen.end))
    else:
        span = selection_span(doc, action, start, end)
    code = text[span.start:span.end]
    if found is not None:
        code = instruction.remove(code, found, span.start)
    if not code.strip():
        what = "explain" if action.mode == "explain" else "change"
        return Problem(f"vc-lsp: there is no code to {what} here; select some code first.")
    count = regions.count_lines(text, span)
    if count > max_lines:
        return Problem(f"vc-lsp: {count} lines selected; at most {max_lines} "
                       f"(actions.maxSelectionLines).")
    first = doc.client_position_at_offset(span.start).line + 1
    last = doc.client_position_at_offset(max(span.start, span.end - 1)).line + 1
    task = _task(action, instruction_text, found, diags)
    shape = _shape(text, text[span.start:span.end], language,
                   _eol(doc.source[span.start:span.end] or doc.source[:10_000]))
    target, original = span, doc.source[span.start:span.end]
    if action.mode == "append":
        target, original = Span(span.end, span.end), ""
        shape = _append_shape(text, span, shape)
    return Plan(action=action, uri=doc.uri, file_name=file_name(doc.uri),
                language=language, span=target, original=original,
                code=code, before=_lines_before(text, span.start, context_lines),
                after=_lines_after(text, span.end, context_lines), first_line=first,
                last_line=last, task=task, shape=shape, diagnostics=diags)


def _task(action: Action, given: str | None, found: instruction.Instruction | None,
          diags: tuple[Diagnostic, ...]) -> str:
    if action.name == "edit":
        return (given or "").strip() or (found.text if found else "")
    if action.mode == "fix":
        if diags:
            problems = "\n".join(f"- line {d.line}{_origin(d)}: {d.message}" for d in diags)
            head = "Fix this problem" if len(diags) == 1 else "Fix these problems"
            return f"{head}, reported in the region:\n{problems}\nChange only what is needed."
        return ("Find the bug in this code and fix it. Change only what is needed; if the code "
                "has no bug, return it unchanged.")
    return action.task


def _origin(diag: Diagnostic) -> str:
    parts = [p for p in (diag.source, diag.code) if p]
    return f" ({' '.join(parts)})" if parts else ""


def _eol(sample: str) -> str:
    """The line break the document uses, so the answer is written with it."""
    return "\r\n" if "\r\n" in sample else "\r" if _LONE_CR.search(sample) else "\n"


def _shape(text: str, code: str, language: str, eol: str) -> Shape:
    """``text`` and ``code`` with LF line breaks (``lines_text``); ``eol`` the document's."""
    filled = [line for line in code.split("\n") if line.strip()]
    indent = ""
    if filled:
        indent = lead(min(filled, key=width))
    sample = text[:200_000]
    tab_lines = len(_TAB_LINE.findall(sample))
    spaces = [len(m) for m in _SPACE_LINE.findall(sample)]
    tabs = indent.startswith("\t") or (not indent and tab_lines > len(spaces))
    twos = sum(1 for width in spaces if width % 4 == 2)
    unit = 2 if spaces and twos * 5 >= len(spaces) else 4  # 2-space files show widths 2, 6...
    return Shape(indent=indent, tabs=tabs, unit=unit, eol=eol,
                 final_newline=code.endswith("\n"), language=language)


def _append_shape(text: str, span: Span, shape: Shape) -> Shape:
    """An inserted block: separated from the code above by a blank line (two at the top level
    of a Python file), and from the code below when that follows right away."""
    eol = shape.eol
    blank = eol * (2 if shape.language == "python" and not shape.indent else 1)
    at_eof = span.end == len(text)
    ends_line = text[:span.end].endswith("\n")
    prefix = ("" if ends_line else eol) + blank
    following = text[span.end:regions.line_end(text, span.end)]
    suffix = eol if (not at_eof and following.strip()) else ""
    return Shape(indent=shape.indent, tabs=shape.tabs, unit=shape.unit, eol=eol,
                 final_newline=not at_eof or ends_line, prefix=prefix, suffix=suffix,
                 language=shape.language, tab_size=shape.tab_size)


def _lines_before(text: str, offset: int, count: int) -> str:
    start = offset
    for _ in range(count):
        if start == 0:
            break
        start = text.rfind("\n", 0, start - 1) + 1
    return text[start:offset]


def _lines_after(text: str, offset: int, count: int) -> str:
    end = offset
    for _ in range(count):
        if end >= len(text):
            break
        end = regions.line_end(text, end)
    return text[offset:end]
