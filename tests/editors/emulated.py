"""The real server, started and initialized the way an editor we cannot install does it.

``client(...)`` starts the command a config file names (looked up on ``PATH`` as the editor
does), sends the editor's own ``initialize`` params, answers ``workspace/configuration`` with
the editor's rule, and hands back a ``tests.editor_client.Editor`` (it applies the server's
edits and opens the documents it shows, like a real editor) with the negotiated position
encoding.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import AsyncIterator, Callable
from typing import Any

from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient
from pytest_lsp.client import DEFAULT_CLIENT_FEATURES, register_lsp_features

from tests.conftest import SECRET
from tests.editor_client import Editor, _converter
from vc_lsp.actions.editor import EXPLANATION

Answer = Callable[[str | None], Any]  # a workspace/configuration item's section -> its value


def which(command: str, path: str) -> str:
    found = shutil.which(command, path=path)
    assert found is not None, f"{command!r} is not on PATH={path}"
    return found


def environment(path: str, base_url: str, extra: dict[str, str] | None = None) -> dict[str, str]:
    """An editor's environment: the user's key exported, no VC_LSP_* of the test run, the
    fake upstream as the endpoint, plus what the config adds."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("VC_LSP_")}
    env.update({"PATH": path, "VISIONCODER_API_KEY": SECRET, "VC_LSP_BASE_URL": base_url,
                **(extra or {})})
    return env


@contextlib.asynccontextmanager
async def client(command: list[str], env: dict[str, str], init: dict[str, Any],
                 answer: Answer, *, settings: Any = None) -> AsyncIterator[Editor]:
    """``settings``: what the editor sends in ``workspace/didChangeConfiguration`` right after
    ``initialized`` (Helix, Sublime and Zed all do), if anything."""
    holder: list[Editor] = []
    shown: list[types.ShowDocumentParams] = []

    def show(params: types.ShowDocumentParams) -> types.ShowDocumentResult:
        shown.append(params)
        return holder[0].show_document(params)

    def factory() -> LanguageClient:
        lsp = LanguageClient(converter_factory=_converter)
        features = dict(DEFAULT_CLIENT_FEATURES)
        features[types.WORKSPACE_APPLY_EDIT] = lambda ls, p: holder[0].apply_edit(p)
        features[types.WINDOW_SHOW_DOCUMENT] = lambda ls, p: show(p)
        features[types.WORKSPACE_CONFIGURATION] = lambda ls, p: [
            answer(item.section) for item in p.items]
        register_lsp_features(lsp, features)
        lsp.feature(EXPLANATION)(lambda ls, p: holder[0].explanation(p))
        return lsp

    config = ClientServerConfig(server_command=command, server_env=env, client_factory=factory)
    lsp: LanguageClient = await config.start()  # type: ignore[assignment]
    params = _converter().structure(init, types.InitializeParams)
    result = await lsp.initialize_session(params)
    encoding = result.capabilities.position_encoding or "utf-16"
    editor = Editor(lsp, encoding=str(getattr(encoding, "value", encoding)))
    editor.init_result = result  # type: ignore[attr-defined]
    editor.show_params = shown  # type: ignore[attr-defined]
    holder.append(editor)
    if settings is not None:
        lsp.workspace_did_change_configuration(
            types.DidChangeConfigurationParams(settings=settings))
    try:
        yield editor
    finally:
        await lsp.shutdown_session()
        await lsp.stop()
        assert all(SECRET not in m.message for m in lsp.messages)
