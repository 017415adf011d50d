"""What every feature service gets from the one document lifecycle (``handlers/lifecycle.py``).

A feature subclasses ``Feature``, overrides the hooks it needs and is added once with
``VcServer.add_feature``; the lifecycle handlers call every feature's hooks in the order they
were added. Stopping running work is not a hook's job: ``Work`` does it by its table, after
``on_change`` has no say in it and before ``on_close`` (see ``handlers/lifecycle.py``).
"""

from __future__ import annotations

from collections.abc import Sequence

from lsprotocol import types

from .config import Settings
from .documents import Document

Changes = Sequence[types.TextDocumentContentChangeEvent]


class Feature:
    """No-op hooks; ``doc`` is the live document, already updated by the change."""

    def on_open(self, doc: Document) -> None:
        """A document was opened."""

    def on_change(self, doc: Document, changes: Changes) -> None:
        """A ``didChange`` was applied to ``doc``; ``changes`` are as the client sent them."""

    def on_close(self, uri: str) -> None:
        """A document was closed: forget what was kept for it."""

    def on_settings(self, settings: Settings) -> None:
        """Settings changed: drop what was computed under the old ones."""

    async def shutdown(self) -> None:
        """The server is shutting down: end sessions without touching documents."""
