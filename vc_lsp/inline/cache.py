"""Typing along a suggestion is free: answer from the last suggestion instead of the model."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .spot import Spot


@dataclass(frozen=True, slots=True)
class _Entry:
    spot: Spot
    items: tuple[str, ...]


class SuggestionCache:
    """One entry per document: where the cursor was when the items were made."""

    def __init__(self) -> None:
        self._entries: dict[str, _Entry] = {}

    def put(self, uri: str, spot: Spot, items: list[str]) -> None:
        if items:
            self._entries[uri] = _Entry(spot, tuple(items))

    def lookup(self, uri: str, spot: Spot) -> list[str] | None:
        """The untyped rest of each item that the newly typed text agrees with, if any."""
        entry = self._entries.get(uri)
        typed = None if entry is None else spot.typed_since(entry.spot)
        if entry is None or typed is None:
            return None
        return untyped(entry.items, typed) or None

    def clear(self) -> None:
        self._entries.clear()

    def drop(self, uri: str) -> None:
        self._entries.pop(uri, None)


def untyped(items: Sequence[str], typed: str) -> list[str]:
    """What is left of each item once ``typed`` has been typed; items it disagrees with go."""
    return [item[len(typed):] for item in items if item.startswith(typed) and item != typed]
