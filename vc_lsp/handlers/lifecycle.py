"""Initialize, configuration, the document lifecycle every feature gets, and shutdown.

The feature services are built when ``initialized`` arrives (``VcServer.start_features``),
after the initialize answer, or earlier by the first handler that reads one of them.

Order matters at two points: on ``didChange`` the work registry stops what typing stops before
the features see the change (a completion for the old text must not answer); on ``didClose``
the features end their sessions first (an edit in a closed document is closed, not restored),
then the registry stops whatever is left for the document.
"""

from __future__ import annotations

import logging

from lsprotocol import types
from pygls.capabilities import get_capability

from ..documents import VcWorkspace, live
from ..server import VcServer
from ..upstream.errors import ModelNotFound, UpstreamError
from . import inline

log = logging.getLogger(__name__)


def register(server: VcServer) -> None:
    @server.feature(types.INITIALIZE)
    def initialize(ls: VcServer, params: types.InitializeParams) -> None:
        # pygls has just made the workspace; ours is the same but holds documents.Document,
        # whose changes cost O(edit) and whose lines break only where LSP's do.
        ls.protocol._workspace = VcWorkspace.like(ls.workspace, params.workspace_folders or [])
        ls.client_name = params.client_info.name if params.client_info else ""
        ls.apply_settings("init", params.initialization_options or {})
        ls.editor.initialize(params)
        inline.register_fallback(ls, params.capabilities)

    @server.feature(types.INITIALIZED)
    async def initialized(ls: VcServer, _: types.InitializedParams) -> None:
        ls.start_features()  # the answer is out: import and build what requests need
        if supports_pull(ls):
            ls.settings_ready.clear()
            await pull_configuration(ls)
        ls.status.started()  # the first didChangeStatus: the client may receive it now
        ls.work.run_task(check_setup(ls), "setup check")

    @server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
    def did_change_configuration(ls: VcServer, params: types.DidChangeConfigurationParams) -> None:
        ls.notifier.forget()
        if supports_pull(ls):
            ls.settings_ready.clear()  # requests wait for the pull instead of using old settings
            ls.work.run_task(pull_configuration(ls), "configuration pull")
        else:
            ls.apply_settings("client", params.settings)

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: VcServer, params: types.DidOpenTextDocumentParams) -> None:
        doc = live(ls.workspace, params.text_document.uri)
        if doc is not None:
            for feature in ls.features:
                feature.on_open(doc)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: VcServer, params: types.DidChangeTextDocumentParams) -> None:
        uri = params.text_document.uri
        doc = live(ls.workspace, uri)
        ls.work.on_change(uri, doc.text if doc is not None else None)
        if doc is not None:
            for feature in ls.features:
                feature.on_change(doc, params.content_changes)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: VcServer, params: types.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        for feature in ls.features:
            feature.on_close(uri)
        ls.work.on_close(uri)

    @server.feature(types.SHUTDOWN)
    async def shutdown(ls: VcServer, _: None) -> None:
        if not ls.started:  # shut down before anything used them: nothing to end
            await ls.work.shutdown()
            return
        for feature in ls.features:
            await feature.shutdown()
        await ls.work.shutdown()
        await ls.usage.close()  # after the work: the calls its stop cancelled are counted
        await ls.upstream.aclose()


def supports_pull(ls: VcServer) -> bool:
    return bool(get_capability(ls.client_capabilities, "workspace.configuration"))


async def pull_configuration(ls: VcServer) -> None:
    """``workspace/configuration`` for our section; ``settings_ready`` is set when it is in."""
    try:
        result = await ls.workspace_configuration_async(
            types.ConfigurationParams(items=[types.ConfigurationItem(section="vcLsp")]))
        if result and isinstance(result[0], dict):
            ls.apply_settings("client", {"vcLsp": result[0]})
    except Exception as exc:  # a client that advertises but fails must not stop the server
        log.warning("workspace/configuration failed: %s", exc)
    finally:
        ls.settings_ready.set()


async def check_setup(ls: VcServer) -> None:
    """Warm the connection and catch a wrong key or model before the first keystroke."""
    s = ls.settings_store.current
    try:
        models = await ls.upstream.models(s)
    except UpstreamError as err:
        if err.cause in ("auth", "network"):
            ls.notifier.upstream(err)
            ls.status.reporter.failed(err)
        else:
            log.info("model list unavailable: %s", err.detail)
        return
    missing = set(s.model_roles()) - set(models)
    if models and missing:
        for name in sorted(missing):
            missing_model = ModelNotFound("not in /models", base_url=s.base_url, model=name)
            ls.notifier.upstream(missing_model)
            ls.status.reporter.failed(missing_model)
