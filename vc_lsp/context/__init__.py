"""The context engine: what the model sees besides the code around the cursor.

One owner (``ContextService``) keeps the open documents, their indexes and the edit history up
to date from the document lifecycle, and hands prompt builders a plain ``PromptContext``:
definitions the cursor needs (from open files and the workspace files the current one imports),
similar code in other open files, and the user's recent edits, ranked and fitted in a budget.

Names are loaded on first use: the next-edit handler needs ``history`` at start-up, and the
engine (parsers, symbol indexes) only the services built after the initialize answer.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .engine import Options, PromptContext, Snippet
    from .history import EditHistory, Hunk
    from .service import ContextService

__all__ = ["ContextService", "EditHistory", "Hunk", "Options", "PromptContext", "Snippet"]
_HOME = {"Options": ".engine", "PromptContext": ".engine", "Snippet": ".engine",
         "EditHistory": ".history", "Hunk": ".history", "ContextService": ".service"}

if not TYPE_CHECKING:  # mypy sees the names above, and flags any other
    def __getattr__(name: str) -> Any:
        if name not in _HOME:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        return getattr(importlib.import_module(_HOME[name], __name__), name)
