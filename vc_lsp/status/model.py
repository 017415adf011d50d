"""The status the editor is told, shaped like Copilot's ``didChangeStatus``.

Copilot's language server sends ``didChangeStatus`` with ``kind`` (``Normal``, ``Warning``,
``Error``, ``Inactive``), a ``message`` and ``busy``; statusline plugins written for it read
those fields. vc-lsp adds ``state`` (what is going on, in one word), a ``command`` where one
helps (``vc.why``, ``vc.usage``: editors can run it when the status is clicked) and ``uri`` when
the status is about one document (off for an excluded file).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any

METHOD = "didChangeStatus"
WHY = "vc.why"
USAGE = "vc.usage"


class Kind(str, enum.Enum):
    NORMAL = "Normal"
    WARNING = "Warning"
    ERROR = "Error"
    INACTIVE = "Inactive"


class State(str, enum.Enum):
    IDLE = "idle"
    WORKING = "working"
    PAUSED = "paused"  # after a 429 (or a 503 with Retry-After), until the pause ends
    BUDGET = "budget"  # the daily budget is reached: completions only when asked for
    DISABLED = "disabled"  # off for this file (excluded) or turned off (inline.enabled)
    ERROR = "error"  # the key, the model, the network...: the message says what to do


@dataclass(frozen=True, slots=True)
class Command:
    title: str
    command: str

    def params(self) -> dict[str, Any]:
        return {"title": self.title, "command": self.command, "arguments": []}


WHY_COMMAND = Command("Why no suggestion?", WHY)
USAGE_COMMAND = Command("Usage today", USAGE)


@dataclass(frozen=True, slots=True)
class Status:
    kind: Kind
    state: State
    message: str
    busy: bool = False
    command: Command | None = None
    uri: str | None = None

    def params(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": self.kind.value, "message": self.message,
                               "busy": self.busy, "state": self.state.value}
        if self.command is not None:
            out["command"] = self.command.params()
        if self.uri is not None:
            out["uri"] = self.uri
        return out
