"""Next-edit suggestions: the edit the user is about to make, predicted from their last ones.

``service.NextEditService`` owns it (a ``Feature``: one prediction job per document, the
suggestion rebased over later typing); ``region`` cuts the editable lines, ``prompt`` asks,
``clean`` unwraps the answer with the completion cleanup's filters, ``edits`` diffs it into
minimal edits, ``suggestion`` follows them through changes and ``delivery`` shapes them for
each kind of editor.

Names are loaded on first use: the handler imports ``delivery`` at start-up, and the service
(prompts, cleanup, the diff) is built only after the initialize answer (``services.py``).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .edits import Edit
    from .service import NextEditService
    from .suggestion import Suggestion

__all__ = ["Edit", "NextEditService", "Suggestion"]
_HOME = {"Edit": ".edits", "NextEditService": ".service", "Suggestion": ".suggestion"}

if not TYPE_CHECKING:  # mypy sees the names above, and flags any other
    def __getattr__(name: str) -> Any:
        if name not in _HOME:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        return getattr(importlib.import_module(_HOME[name], __name__), name)
