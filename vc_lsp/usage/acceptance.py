"""Which suggestions the editor showed and the user took, as the editors report it.

Every suggestion handed to the editor gets an id and carries a command (LSP 3.18's
``InlineCompletionItem.command``, and ``CompletionItem.command`` for the completion fallback)
that the editor runs when the user accepts it: ``vc.accepted`` with ``[{"id": ...}]``. Copilot's
notifications are read too: ``textDocument/didShowCompletion`` (``{item}``) and
``textDocument/didPartiallyAcceptCompletion`` (``{item, acceptedLength}``, in UTF-16 units),
their ``item`` being the one we sent, command included. Each suggestion is a row in the usage
file, tied to the upstream call that produced it (none when it came from the cache), so
``vc-lsp usage`` can say what an accepted suggestion cost.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from lsprotocol import types

if TYPE_CHECKING:
    from .ledger import Ledger

log = logging.getLogger(__name__)
COMMAND = "vc.accepted"
TITLE = "Accepted"
KEEP = 1000  # offered suggestions remembered, to match what the editor reports


@dataclass
class Offered:
    id: str
    uri: str
    feature: str
    text: str
    call_id: str | None
    shown: bool = False
    accepted: bool = False
    accepted_chars: int = 0


class Acceptance:
    def __init__(self, ledger: Ledger) -> None:
        self._ledger = ledger
        self._recent: OrderedDict[str, Offered] = OrderedDict()
        from .store import Acceptance as Counts  # sqlite3: not at start-up (the handler)

        self.counts = Counts()  # this session's figures (vc/stats)

    def offer(self, uri: str, feature: str, texts: Sequence[str], *, model: str,
              call_id: str | None, language: str = "") -> list[types.Command]:
        """An id per suggestion, recorded as offered; the commands to put on the items."""
        now = time.time()
        commands, rows = [], []
        for text in texts:
            sid = uuid.uuid4().hex
            self._recent[sid] = Offered(sid, uri, feature, text, call_id)
            rows.append({"id": sid, "ts": now, "feature": feature, "model": model,
                         "call_id": call_id, "language": language, "chars": len(text)})
            commands.append(types.Command(title=TITLE, command=COMMAND,
                                          arguments=[{"id": sid}]))
        while len(self._recent) > KEEP:
            self._recent.popitem(last=False)
        self.counts.offered += len(rows)
        self._ledger.offered(rows)
        return commands

    # -- what the editor reports ------------------------------------------------------------

    def accepted(self, args: Sequence[Any]) -> bool:
        """The ``vc.accepted`` command ran; False when its id is not one we offered."""
        offered = self._find(args[0] if args else None)
        if offered is None:
            return False
        if not offered.accepted:
            offered.accepted = True
            offered.accepted_chars = len(offered.text)
            self.counts.accepted += 1
            self.counts.accepted_chars += len(offered.text)
            self._ledger.event(offered.id, "accepted", len(offered.text))
        return True

    def shown(self, params: Any) -> None:
        offered = self._find(_item(params))
        if offered is not None and not offered.shown:
            offered.shown = True
            self.counts.shown += 1
            self._ledger.event(offered.id, "shown")

    def partially(self, params: Any) -> None:
        offered = self._find(_item(params))
        units = params.get("acceptedLength") if isinstance(params, Mapping) else None
        if offered is None or not isinstance(units, int) or isinstance(units, bool):
            return
        chars = chars_in(offered.text, units)
        if chars > offered.accepted_chars and not offered.accepted:
            if offered.accepted_chars == 0:
                self.counts.partial += 1
            self.counts.accepted_chars += chars - offered.accepted_chars
            offered.accepted_chars = chars
            self._ledger.event(offered.id, "partial", chars)

    def _find(self, thing: Any) -> Offered | None:
        """The offered suggestion an argument or an item names: by our id, else by its text."""
        sid = _id(thing)
        if sid is not None:
            return self._recent.get(sid)
        text = thing.get("insertText") if isinstance(thing, Mapping) else None
        if isinstance(text, Mapping):
            text = text.get("value")
        if isinstance(text, str):
            for offered in reversed(self._recent.values()):
                if offered.text == text:
                    return offered
        log.debug("an acceptance report for no suggestion of ours: %.200r", thing)
        return None


def _item(params: Any) -> Any:
    return params.get("item") if isinstance(params, Mapping) else None


def _id(thing: Any) -> str | None:
    """Our id in ``{"id"}`` (the command's argument) or in an item's command."""
    if isinstance(thing, Mapping):
        if isinstance(thing.get("id"), str):
            return str(thing["id"])
        command = thing.get("command")
        if isinstance(command, Mapping):
            args = command.get("arguments")
            if isinstance(args, list) and args:
                return _id(args[0])
    return None


def chars_in(text: str, utf16_units: int) -> int:
    """How many characters of ``text`` the first ``utf16_units`` UTF-16 code units hold."""
    used = 0
    for i, char in enumerate(text):
        used += 2 if ord(char) > 0xFFFF else 1
        if used > utf16_units:
            return i
    return len(text)
