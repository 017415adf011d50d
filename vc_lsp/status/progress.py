"""``$/progress`` while requests are in flight, for status lines that show LSP progress.

Two ways, neither a popup per keystroke:

- a request that carries a ``workDoneToken`` (the client created it) gets begin and end on
  that token around its own work;
- with ``status.progress`` on and a client that shows progress, one server-created token spans
  each burst of upstream calls: it begins when the first call starts and ends when none is left
  (Neovim's ``vim.lsp.status()`` and lualine show it).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import Iterator
from typing import Any

from lsprotocol import types
from pygls.lsp.server import LanguageServer

from ..work import Work

log = logging.getLogger(__name__)
TITLE = "vc-lsp"
CREATE_TIMEOUT_S = 5.0


@contextlib.contextmanager
def on_token(server: LanguageServer, token: Any, message: str) -> Iterator[None]:
    """Begin and end the client's ``token`` around the block (nothing without a token)."""
    if token is None:
        yield
        return
    progress = server.work_done_progress
    progress.begin(token, types.WorkDoneProgressBegin(title=TITLE, message=message))
    try:
        yield
    finally:
        progress.end(token, types.WorkDoneProgressEnd())


class BurstProgress:
    """One server-created progress per burst of upstream calls."""

    def __init__(self, server: LanguageServer, work: Work) -> None:
        self._server = server
        self._work = work
        self.enabled = False
        self._busy = False
        self._opening = False
        self._token: str | None = None

    def changed(self, busy: bool, message: str) -> None:
        """The reporter's busy flag changed."""
        self._busy = busy
        if not self.enabled:
            return
        if busy and self._token is None and not self._opening:
            self._opening = True
            self._work.run_task(self._open(message), "progress")
        elif not busy:
            self._close()

    async def _open(self, message: str) -> None:
        token = str(uuid.uuid4())
        try:
            await asyncio.wait_for(self._server.work_done_progress.create_async(token),
                                   CREATE_TIMEOUT_S)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # a client that advertises progress but refuses a token
            log.info("window/workDoneProgress/create failed: %s", exc)
            return
        finally:
            self._opening = False
        self._server.work_done_progress.begin(
            token, types.WorkDoneProgressBegin(title=TITLE, message=message))
        self._token = token
        if not self._busy:  # the burst ended while the client was creating the token
            self._close()

    def _close(self) -> None:
        token, self._token = self._token, None
        if token is not None:
            self._server.work_done_progress.end(token, types.WorkDoneProgressEnd())
