"""Fill-in-the-middle over a chat API: the hole is marked, the answer comes back inside a tag.

Chat models are not FIM models: asked to "continue the code" they repeat it, explain it or fence
it. Marking the hole and asking for only the missing text inside ``<completion>`` tags (with the
closing tag as a stop sequence) keeps answers short and easy to cut out; ``postprocess`` cleans
up whatever still slips through.

The layout serves upstream prompt caches, which reuse the longest prefix a request shares with
an earlier one: the constant instruction first, then the context snippets (unchanged while
their set is), then the file window (its edges on a grid of lines) with the cursor line
replaced by a marker, and last what changes with every keystroke: definitions for the names on
the cursor line, the cursor line itself with the hole, and whether to complete a line or a
block. Typing along a line changes only that tail.
"""

from __future__ import annotations

from ..context import PromptContext
from ..context import render as rendering
from ..privacy import Redaction
from .context import CursorContext

HOLE = "<FILL_HERE>"
OPEN_TAG, CLOSE_TAG = "<completion>", "</completion>"
CURSOR_LINE = "<CURSOR_LINE>"

SYSTEM = f"""You are a code completion engine inside an editor. The user's message shows the \
file being edited inside <file> tags, with the line the cursor is on replaced by the marker \
{CURSOR_LINE}; that line is repeated at the end of the message, with the marker {HOLE} where \
the cursor is. Code from other files may come first, inside <context> tags: definitions the \
code uses, similar code and the user's recent edits, to use but never to repeat. Reply with \
only the text that belongs at {HOLE}, inside {OPEN_TAG}{CLOSE_TAG} tags: no explanation, no \
markdown fences, no text that is already before or after the marker. Match the file's \
indentation and style. If nothing useful fits, reply {OPEN_TAG}{CLOSE_TAG}."""

SINGLE = "Complete only the rest of the current line."
MULTI = "Complete the current statement or block; stop where the code after the marker continues."


def messages(ctx: CursorContext, context: PromptContext | None = None,
             redaction: Redaction | None = None) -> list[dict[str, str]]:
    """The constant instruction, then one user message laid out stable part first.

    With ``redaction``, secrets in the user message are replaced by its placeholders (the
    large stable part is scanned once and remembered; the tail on every call).
    """
    head, tail = user_parts(ctx, context)
    if redaction is not None:
        head, tail = _redacted(head, tail, ctx, redaction)
    return [
        {"role": "system", "content": SYSTEM},
        {"role": "user", "content": head + tail},
    ]


def user_parts(ctx: CursorContext, context: PromptContext | None = None) -> tuple[str, str]:
    """The user message as its stable head and its per-keystroke tail."""
    line_prefix, line_suffix = ctx.line_prefix, ctx.line_suffix
    before = ctx.prefix[:len(ctx.prefix) - len(line_prefix)]
    after = ctx.suffix[len(line_suffix):]
    path = (context.path if context is not None else "") or ctx.path or ctx.filename
    lang = f' language="{ctx.language}"' if ctx.language else ""
    parts = []
    if context is not None and context.snippets:
        parts.append(f"<context>\n{rendering.snippets(context.snippets)}\n</context>\n")
    body = f"{before}{CURSOR_LINE}{after}"
    end = "" if body.endswith(("\n", "\r")) else "\n"
    parts.append(f'<file path="{path}"{lang}>\n{body}{end}</file>\n')
    head = "".join(parts)
    near = ""
    if context is not None and context.near:
        near = f"<context>\n{rendering.snippets(context.near)}\n</context>\n"
    shape = MULTI if ctx.multiline else SINGLE
    tail = f"{near}Cursor line:\n{line_prefix}{HOLE}{line_suffix}\n{shape} Fill {HOLE}."
    return head, tail


def _redacted(head: str, tail: str, ctx: CursorContext, redaction: Redaction
              ) -> tuple[str, str]:
    """Secrets out of both parts; the marker stays, and a cursor line inside a secret (a key
    block cut by the marker) is masked as a whole."""
    from ..privacy.secrets import spans

    above, marker, below = head.partition(CURSOR_LINE)
    inside = bool(marker) and bool(above) and bool(below) and \
        any(end == len(above) for _, end in spans(above)[-1:]) and \
        any(start == 0 for start, _ in spans(below)[:1])
    head = redaction.text(above) + marker + redaction.text(below)
    if inside:
        line = ctx.line_prefix + HOLE + ctx.line_suffix
        masked = (redaction.mask(ctx.line_prefix) if ctx.line_prefix else "") + HOLE + \
            (redaction.mask(ctx.line_suffix) if ctx.line_suffix else "")
        tail = tail.replace(line, masked, 1)
    return head, redaction.text(tail)


STOP = [CLOSE_TAG]
