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


class _Capability:
    """A client capability, read as a bool attribute of the editor."""

    def __init__(self, field: str) -> None:
        self.field = field

    def __get__(self, editor: Editor, owner: object = None) -> bool:
        return bool(get_capability(editor.server.client_capabilities, self.field))


class Editor:
    can_apply_edits = _Capability("workspace.apply_edit")
    can_show_documents = _Capability("window.show_document.support")
    can_show_progress = _Capability("window.work_done_progress")
    can_disable_actions = _Capability("text_document.code_action.disabled_support")

    def __init__(self, server: LanguageServer) -> None:
        self.server = server

    @property
    def silently_skips_stale(self) -> bool:
        """Neovim answers ``applied: true`` for a versioned edit it skipped as stale; other
        editors refuse such an edit, so their "applied" means applied (the echo may be late)."""
        name = str(getattr(self.server, "client_name", "") or "")
        return name.lower().startswith(("neovim", "nvim"))

    async def apply(self, uri: str, version: int | None, edits: Sequence[types.TextEdit],
                    label: str) -> Applied:
        """Send one versioned ``TextDocumentEdit`` (``version=None``: unversioned)."""
        params = types.ApplyWorkspaceEditParams(
            edit=types.WorkspaceEdit(document_changes=[types.TextDocumentEdit(
                text_document=types.OptionalVersionedTextDocumentIdentifier(uri=uri,
                                                                            version=version),
                edits=list(edits))]),
            label=label)
        future = self.server.protocol.send_request_async(types.WORKSPACE_APPLY_EDIT, params)
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
            result = await asyncio.wait_for(self.server.window_show_document_async(
                types.ShowDocumentParams(uri=uri, take_focus=True)), SHOW_TIMEOUT_S)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.info("window/showDocument failed: %s", exc)
            return False
        return bool(result.success)
