"""Fill-in-the-middle over a chat API: the hole is marked, the answer comes back inside a tag.

Chat models are not FIM models: asked to "continue the code" they repeat it, explain it or fence
it. Marking the hole and asking for only the missing text inside ``<completion>`` tags (with the
closing tag as a stop sequence) keeps answers short and easy to cut out; ``postprocess`` cleans
up whatever still slips through.
"""

from __future__ import annotations

from .context import CursorContext

HOLE = "<FILL_HERE>"
OPEN_TAG, CLOSE_TAG = "<completion>", "</completion>"

SYSTEM = f"""You are a code completion engine inside an editor. The user's file contains the \
marker {HOLE} where the cursor is. Reply with only the text that belongs at {HOLE}, \
inside {OPEN_TAG}{CLOSE_TAG} tags: no explanation, no markdown fences, no text that is already \
before or after the marker. Match the file's indentation and style. {{shape}} If nothing \
useful fits, reply {OPEN_TAG}{CLOSE_TAG}."""

SINGLE = "Complete only the rest of the current line."
MULTI = "Complete the current statement or block; stop where the code after the marker continues."


def messages(ctx: CursorContext) -> list[dict[str, str]]:
    """Two messages: the stable instruction (cacheable upstream) and the file around the hole."""
    shape = MULTI if ctx.multiline else SINGLE
    lang = f" ({ctx.language})" if ctx.language else ""
    user = (
        f"File: {ctx.filename}{lang}\n"
        f"<file>\n{ctx.prefix}{HOLE}{ctx.suffix}\n</file>\n"
        f"Fill {HOLE}."
    )
    return [
        {"role": "system", "content": SYSTEM.format(shape=shape)},
        {"role": "user", "content": user},
    ]


STOP = [CLOSE_TAG]
