"""``$/progress`` for one action, when the client shows progress; cancelling it stops the action.

The token is created by the server (``window/workDoneProgress/create``, a fresh uuid4 each
time), because the action outlives the ``executeCommand`` request that started it. pygls turns a
``window/workDoneProgress/cancel`` into a cancelled future for the token; its done-callback runs
at once on the event loop and calls ``on_cancel``.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

from lsprotocol import types
from pygls.lsp.server import LanguageServer

log = logging.getLogger(__name__)
CREATE_TIMEOUT_S = 5.0


class Progress:
    def __init__(self, server: LanguageServer, enabled: bool) -> None:
        self._server = server
        self._enabled = enabled
        self._token: str | None = None
        self._ended = False

    async def begin(self, title: str, on_cancel: Callable[[], None],
                    message: str | None = None) -> None:
        if not self._enabled:
            return
        token = str(uuid.uuid4())
        progress = self._server.work_done_progress
        try:
            await asyncio.wait_for(progress.create_async(token), CREATE_TIMEOUT_S)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # a client that advertises progress but refuses a token
            log.info("window/workDoneProgress/create failed: %s", exc)
            return
        self._token = token

        def cancelled(future: Future[Any]) -> None:
            if future.cancelled() and not self._ended:
                on_cancel()

        future = progress.tokens.get(token)
        if future is not None:
            future.add_done_callback(cancelled)
        progress.begin(token, types.WorkDoneProgressBegin(title=title, cancellable=True,
                                                          message=message))

    def report(self, message: str) -> None:
        if self._token is not None and not self._ended:
            self._server.work_done_progress.report(
                self._token, types.WorkDoneProgressReport(message=message, cancellable=True))

    def end(self, message: str) -> None:
        if self._token is not None and not self._ended:
            self._server.work_done_progress.end(self._token,
                                                types.WorkDoneProgressEnd(message=message))
        self._ended = True
