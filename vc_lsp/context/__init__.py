"""The context engine: what the model sees besides the code around the cursor.

One owner (``ContextService``) keeps the open documents, their indexes and the edit history up
to date from the document lifecycle, and hands prompt builders a plain ``PromptContext``:
definitions the cursor needs (from open files and the workspace files the current one imports),
similar code in other open files, and the user's recent edits, ranked and fitted in a budget.
"""

from __future__ import annotations

from .engine import Options, PromptContext, Snippet
from .history import EditHistory, Hunk
from .service import ContextService

__all__ = ["ContextService", "EditHistory", "Hunk", "Options", "PromptContext", "Snippet"]
