"""The chat messages for each action: the file's name and language, the code around the region,
the region itself, and what to do with it (an instruction, a preset, a diagnostic).

The answer format is one fenced block and nothing else, which ``clean.block`` knows how to read
while it streams. Fences are made longer than any backtick run in the code, so code that holds
fences (Markdown, docs) cannot end the block early.
"""

from __future__ import annotations

import re

from ..context import render
from .plan import Plan

_BACKTICKS = re.compile(r"`{3,}")

EDIT_SYSTEM = (
    "You are a careful senior software engineer editing one region of a file. Reply with the "
    "complete new text of the region in a single fenced code block and nothing else: no "
    "explanation before or after it. Keep the file's style and its indentation (tabs stay "
    "tabs). Do not include code from outside the region, and do not add placeholder comments "
    "such as '... rest unchanged'. If the request cannot be done, reply with the region "
    "unchanged."
)
INSERT_SYSTEM = (
    "You are a careful senior software engineer. Reply with the new code only, in a single "
    "fenced code block and nothing else: no explanation before or after it. Follow the file's "
    "style and indentation."
)
EXPLAIN_SYSTEM = (
    "You explain code to a developer who is reading it in their editor. Write Markdown. Start "
    "with one or two sentences on what the code does and why, then cover the parts that are "
    "not obvious: the control flow, the data it works on, edge cases and anything surprising. "
    "Be concise, refer to names in `backticks`, and do not repeat the code back."
)


def fence_for(*texts: str) -> str:
    longest = max((len(m.group()) for t in texts for m in _BACKTICKS.finditer(t)), default=2)
    return "`" * max(3, longest + 1)


def _block(fence: str, language: str, text: str) -> str:
    body = text if text.endswith("\n") or not text else text + "\n"
    return f"{fence}{language}\n{body}{fence}"


def messages(plan: Plan) -> list[dict[str, str]]:
    fence = fence_for(plan.before, plan.code, plan.after)
    lang = plan.language or ""
    parts = [f"File: {plan.file_name}" + (f" (language: {lang})" if lang else "")]
    if plan.context:
        parts.insert(0, "Definitions from other places that this code uses:\n"
                     + render.snippets(plan.context))
    if plan.before.strip():
        parts.append(f"Code before the region:\n{_block(fence, lang, plan.before)}")
    label = plan.lines_label
    parts.append(f"The region ({label}):\n{_block(fence, lang, plan.code)}")
    if plan.after.strip():
        parts.append(f"Code after the region:\n{_block(fence, lang, plan.after)}")
    mode = plan.action.mode
    if mode == "explain":
        parts.append("Explain the region.")
        system = EXPLAIN_SYSTEM
    elif mode == "append":
        parts.append(f"Task: {plan.task}")
        parts.append(f"Reply with the new code in a {fence}{lang} block.")
        system = INSERT_SYSTEM
    else:
        parts.append(f"Task: {plan.task}")
        parts.append(f"Reply with the whole rewritten region in a {fence}{lang} block.")
        system = EDIT_SYSTEM
    return [{"role": "system", "content": system},
            {"role": "user", "content": "\n\n".join(parts)}]
