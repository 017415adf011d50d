"""The editor as the actions see it: what it can do, and the requests that change its buffers.

What it can do comes from its capabilities and from what vc-lsp's own editor set-ups declare in
``initializationOptions.vcLspClient`` (``editors/emacs/vc-lsp.el``, ``editors/vim/vc-lsp.vim``):
``{"explanation": true}`` means the client shows the ``vc/explanation`` notification in a view
of its own (a buffer, a preview window) that fills in as the model writes.

Some clients do more than they advertise, told apart by ``clientInfo.name`` (checked in their
source): Helix has answered ``window/showDocument`` since 23.10 but advertises it only after
25.07 (helix-editor/helix#14892), and there ``takeFocus`` replaces the current view, while
without it the document opens in a vertical split beside the code. A client that refuses a
document anyway only costs the fallback (``explain.py``).

``workspace/applyEdit`` is awaited through ``asyncio.shield``: when the task that sent it is
cancelled (the user stopped an edit), the request stays pending inside pygls and its answer is
received normally instead of hitting a cancelled future and raising an error in the editor.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from lsprotocol import types
from pygls.capabilities import get_capability
from pygls.lsp.server import LanguageServer

from ..config.settings import CLIENT_SECTION

log = logging.getLogger(__name__)
SHOWS_DOCUMENTS_UNADVERTISED = frozenset({"helix"})
SPLITS_WITHOUT_FOCUS = frozenset({"helix"})
APPLY_TIMEOUT_S = 30.0
SHOW_TIMEOUT_S = 30.0
EXPLANATION = "vc/explanation"  # the notification an explanation streams through


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
    advertises_show_document = _Capability("window.show_document.support")
    can_show_progress = _Capability("window.work_done_progress")
    can_disable_actions = _Capability("text_document.code_action.disabled_support")

    def __init__(self, server: LanguageServer) -> None:
        self.server = server
        self.can_show_explanations = False  # the client handles vc/explanation
        self.client_name = ""

    @property
    def can_show_documents(self) -> bool:
        return self.advertises_show_document or self.client_name in SHOWS_DOCUMENTS_UNADVERTISED

    def initialize(self, params: types.InitializeParams) -> None:
        """What the client told about itself beyond its capabilities."""
        self.client_name = params.client_info.name if params.client_info else ""
        options = params.initialization_options
        declared = options.get(CLIENT_SECTION) if isinstance(options, Mapping) else None
        self.can_show_explanations = (isinstance(declared, Mapping)
                                      and declared.get("explanation") is True)
        log.info("client %s: applyEdit %s, showDocument %s, progress %s, vc/explanation %s",
                 self.client_name or "(unnamed)", self.can_apply_edits, self.can_show_documents,
                 self.can_show_progress, self.can_show_explanations)

    def show_explanation(self, params: Mapping[str, Any]) -> None:
        """One ``vc/explanation`` update: the whole text so far (see ``explain.py``)."""
        self.server.protocol.notify(EXPLANATION, dict(params))

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
                types.ShowDocumentParams(uri=uri, take_focus=self.client_name
                                         not in SPLITS_WITHOUT_FOCUS)), SHOW_TIMEOUT_S)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.info("window/showDocument failed: %s", exc)
            return False
        return bool(result.success)
