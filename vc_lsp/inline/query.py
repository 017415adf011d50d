"""What an inline or fallback completion asks for; light, so the handlers import it at start."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..documents import Text


@dataclass(frozen=True, slots=True)
class CompletionQuery:
    """An immutable snapshot of what was asked: text and cursor as of one document version."""

    uri: str
    text: Text
    offset: int
    language: str
    invoked: bool
    is_current: Callable[[], bool]
    version: int | None = None
