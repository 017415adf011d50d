"""Initialize, configuration, document sync and shutdown."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from lsprotocol import types

from ..upstream.errors import ModelNotFound, UpstreamError
from . import inline

if TYPE_CHECKING:
    from ..server import VcServer

log = logging.getLogger(__name__)


def register(server: VcServer) -> None:
    @server.feature(types.INITIALIZE)
    def initialize(ls: VcServer, params: types.InitializeParams) -> None:
        ls.apply_settings("init", params.initialization_options or {})
        inline.register_fallback(ls, params.capabilities)

    @server.feature(types.INITIALIZED)
    async def initialized(ls: VcServer, _: types.InitializedParams) -> None:
        if supports_pull(ls):
            ls.settings_ready.clear()
            await pull_configuration(ls)
        ls.run_task(check_setup(ls), "setup check")

    @server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
    def did_change_configuration(ls: VcServer, params: types.DidChangeConfigurationParams) -> None:
        ls.notifier.forget()
        if supports_pull(ls):
            ls.settings_ready.clear()  # requests wait for the pull instead of using old settings
            ls.run_task(pull_configuration(ls), "configuration pull")
        else:
            ls.apply_settings("client", params.settings)

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: VcServer, params: types.DidOpenTextDocumentParams) -> None:
        item = params.text_document
        ls.context.on_open(item.uri, item.text, item.language_id, item.version)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: VcServer, params: types.DidChangeTextDocumentParams) -> None:
        uri = params.text_document.uri
        ls.registry.cancel(uri, "inline", reason="document changed")
        # An edit streaming here tells its own echo from the user's typing; typing stops it.
        own = ls.actions.on_change(uri, params.content_changes)
        live = ls.workspace.text_documents.get(uri)
        if live is not None:
            if own:  # the edit history keeps the user's edits only
                ls.context.history.expect(uri, live.source)
            ls.context.on_change(uri, live.source, live.version, params.content_changes)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: VcServer, params: types.DidCloseTextDocumentParams) -> None:
        ls.registry.cancel(params.text_document.uri, reason="document closed")
        ls.inline.cache.drop(params.text_document.uri)
        ls.actions.on_close(params.text_document.uri)
        ls.context.on_close(params.text_document.uri)

    @server.feature(types.SHUTDOWN)
    async def shutdown(ls: VcServer, _: None) -> None:
        ls.actions.shutdown()
        ls.context.shutdown()
        ls.registry.cancel_all()
        await ls.upstream.aclose()
        ls.registry.cancel_all()
        await ls.upstream.aclose()


def supports_pull(ls: VcServer) -> bool:
    caps = ls.client_capabilities.workspace
    return bool(caps and caps.configuration)


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
    s = ls.settings
    try:
        models = await ls.upstream.models()
    except UpstreamError as err:
        if err.cause in ("auth", "network"):
            ls.notifier.upstream(err)
        else:
            log.info("model list unavailable: %s", err.detail)
        return
    missing = set(s.model_roles()) - set(models)
    if models and missing:
        for name in sorted(missing):
            ls.notifier.upstream(ModelNotFound("not in /models", base_url=s.base_url, model=name))
