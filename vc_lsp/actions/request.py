"""An action the user asked for; light, so the handlers import it at start."""

from __future__ import annotations

from dataclasses import dataclass

from lsprotocol import types

from .catalog import Action


@dataclass(frozen=True, slots=True)
class Request:
    action: Action
    uri: str
    range: types.Range | None
    instruction: str | None = None
    diagnostics: tuple[types.Diagnostic, ...] = ()
