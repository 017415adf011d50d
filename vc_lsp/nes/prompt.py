"""The next-edit prompt: the user's recent edits as unified diffs, then the file with its
editable region marked, and the request to rewrite that region as it reads after the next edit.

Laid out stable part first for upstream prompt caches: the constant instruction, then the edits
in other files (they change least often), then this file's edits, then the file excerpt. The
answer is the whole region in one fenced block, which ``clean`` unwraps with the completion
cleanup's filters; the markers are Zeta's, which models trained on edit prediction know.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..privacy import Redaction
from .region import Region

REGION_START = "<|editable_region_start|>"
REGION_END = "<|editable_region_end|>"
CURSOR = "<|user_cursor_is_here|>"
EDITS_CHARS = 4_000  # most characters of diffs; the oldest go first

SYSTEM = f"""You predict the next edit a programmer makes in their editor. You see their \
recent edits as unified diffs (oldest first) and the file they are editing, in which the \
lines between {REGION_START} and {REGION_END} are the editable region and {CURSOR} marks the \
cursor. Work out what the recent edits are doing and make the edit that follows from them in \
the region: the other uses of a renamed name, a new field added to the constructor and the \
other methods, the callers of a changed signature, the same fix repeated on similar code, the \
same conversion applied to the next loop. Reply with the editable region rewritten as it reads \
after that edit, in one fenced code block, without the markers and without anything outside \
the region. Keep every line you do not change exactly as it is, indentation included. If no \
edit follows from the recent ones, reply with the region unchanged."""


@dataclass(frozen=True, slots=True)
class Diff:
    """One recent edit, already rendered as a unified diff of its file."""

    path: str
    text: str
    here: bool  # an edit of the file the prediction is for


def messages(region: Region, path: str, language: str, diffs: Sequence[Diff],
             redaction: Redaction | None = None) -> list[dict[str, str]]:
    """The constant instruction, then one user message (secrets replaced when asked)."""
    parts: list[str] = []
    kept = _fit(diffs)
    if kept:
        parts.append("<edits>\n" + "\n".join(d.text for d in kept) + "\n</edits>\n")
    lang = f' language="{language}"' if language else ""
    body = region.body
    at = region.cursor - region.start
    marked = body[:at] + CURSOR + body[at:]
    if marked and not marked.endswith(("\n", "\r")):
        marked += "\n"
    parts.append(f'<file path="{path}"{lang}>\n{region.before}{REGION_START}\n{marked}'
                 f"{REGION_END}\n{region.after}")
    if not parts[-1].endswith(("\n", "\r")):
        parts[-1] += "\n"
    parts[-1] += "</file>\n"
    parts.append("Rewrite the editable region as it reads after the next edit.")
    user = "".join(parts)
    if redaction is not None:
        user = redaction.text(user)
    return [{"role": "system", "content": SYSTEM}, {"role": "user", "content": user}]


def _fit(diffs: Sequence[Diff]) -> list[Diff]:
    """Other files' edits first, then this file's, each group oldest first; within the budget
    the most recent are kept."""
    kept: list[Diff] = []
    used = 0
    for d in reversed(diffs):  # newest first while choosing
        if used + len(d.text) > EDITS_CHARS:
            continue
        kept.append(d)
        used += len(d.text)
    kept.reverse()
    return [d for d in kept if not d.here] + [d for d in kept if d.here]
