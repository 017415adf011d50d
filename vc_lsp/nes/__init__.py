"""Next-edit suggestions: the edit the user is about to make, predicted from their last ones.

``service.NextEditService`` owns it (a ``Feature``: one prediction job per document, the
suggestion rebased over later typing); ``region`` cuts the editable lines, ``prompt`` asks,
``clean`` unwraps the answer with the completion cleanup's filters, ``edits`` diffs it into
minimal edits, ``suggestion`` follows them through changes and ``delivery`` shapes them for
each kind of editor.
"""

from __future__ import annotations

from .edits import Edit
from .service import NextEditService
from .suggestion import Suggestion

__all__ = ["Edit", "NextEditService", "Suggestion"]
