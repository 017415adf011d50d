"""Typing along a suggestion is free: answer from the last suggestion instead of the model."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class _Entry:
    before: str
    after: str
    items: tuple[str, ...]


class SuggestionCache:
    """One entry per document: the text around the cursor when the items were made."""

    def __init__(self) -> None:
        self._entries: dict[str, _Entry] = {}

    def put(self, uri: str, before: str, after: str, items: list[str]) -> None:
        if items:
            self._entries[uri] = _Entry(before, after, tuple(items))

    def lookup(self, uri: str, before: str, after: str) -> list[str] | None:
        """The untyped rest of each item that the newly typed text agrees with, if any."""
        entry = self._entries.get(uri)
        if entry is None or after != entry.after or not before.startswith(entry.before):
            return None
        typed = before[len(entry.before):]
        rest = [item[len(typed):] for item in entry.items
                if item.startswith(typed) and len(item) > len(typed)]
        return rest or None

    def clear(self) -> None:
        self._entries.clear()

    def drop(self, uri: str) -> None:
        self._entries.pop(uri, None)
