"""The editor as the actions see it: what it can do, and the requests that change its buffers.

``workspace/applyEdit`` is awaited through ``asyncio.shield``: when the task that sent it is
cancelled (the user stopped an edit), the request stays pending inside pygls and its answer is
received normally instead of hitting a cancelled future and raising an error in the editor.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from lsprotocol import types
from pygls.capabilities import get_capability
from pygls.lsp.server import LanguageServer

log = logging.getLogger(__name__)
APPLY_TIMEOUT_S = 30.0
SHOW_TIMEOUT_S = 30.0


@dataclass(frozen=True, slots=True)
class Applied:
    applied: bool
    reason: str = ""


def _retrieve(future: asyncio.Future[Any]) -> None:
    if not future.cancelled():
        future.exception()  # an answer nobody waits for any more must not be logged as lost


class Editor:
    def __init__(self, server: LanguageServer) -> None:
        self._server = server

    def _can(self, field: str) -> bool:
        return bool(get_capability(self._server.client_capabilities, field))

    @property
    def can_apply_edits(self) -> bool:
        return self._can("workspace.apply_edit")

    @property
    def can_show_documents(self) -> bool:
        return self._can("window.show_document.support")

    @property
    def can_show_progress(self) -> bool:
        return self._can("window.work_done_progress")

    @property
    def can_disable_actions(self) -> bool:
        return self._can("text_document.code_action.disabled_support")

    async def apply(self, uri: str, version: int | None, edits: Sequence[types.TextEdit],
                    label: str) -> Applied:
        """Send one versioned ``TextDocumentEdit`` (``version=None``: unversioned)."""
        params = types.ApplyWorkspaceEditParams(
            edit=types.WorkspaceEdit(document_changes=[types.TextDocumentEdit(
                text_document=types.OptionalVersionedTextDocumentIdentifier(uri=uri,
                                                                            version=version),
                edits=list(edits))]),
            label=label)
        future = self._server.protocol.send_request_async(types.WORKSPACE_APPLY_EDIT, params)
        future.add_done_callback(_retrieve)
        try:
            result = await asyncio.wait_for(asyncio.shield(future), APPLY_TIMEOUT_S)
        except asyncio.TimeoutError:
            return Applied(False, f"the editor did not answer within {APPLY_TIMEOUT_S:g} s")
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # an error answer (eglot refuses stale versions this way)
            log.info("workspace/applyEdit failed: %s", exc)
            return Applied(False, str(exc) or type(exc).__name__)
        return Applied(bool(result.applied), result.failure_reason or "")

    async def show_document(self, uri: str) -> bool:
        try:
            result = await asyncio.wait_for(self._server.window_show_document_async(
                types.ShowDocumentParams(uri=uri, take_focus=True)), SHOW_TIMEOUT_S)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.info("window/showDocument failed: %s", exc)
            return False
        return bool(result.success)
