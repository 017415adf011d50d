"""Snippets as prompt text, the same way in every prompt that shows them."""

from __future__ import annotations

from collections.abc import Iterable

from .engine import Snippet


def snippet(s: Snippet) -> str:
    where = f' path="{s.path}"' + (f' line="{s.line}"' if s.line else "")
    return f"<{s.kind}{where}>\n{s.text}\n</{s.kind}>"


def snippets(items: Iterable[Snippet]) -> str:
    return "\n".join(snippet(s) for s in items)
