"""Next-edit suggestions: ``textDocument/copilotInlineEdit`` (Copilot's request, for the clients
built for it), ``textDocument/didShowInlineEdit``, the code actions every other client lists, and
the ``vc.nes.accept`` / ``vc.nes.reject`` commands.

``copilotInlineEdit`` takes ``{textDocument: {uri, version?}, position, context?: {triggerKind}}``
as copilot-lsp.nvim, sidekick.nvim and copilot.el send it; ``triggerKind`` 2 (automatic) lets the
server wait for a pause, anything else asks now.
"""

from __future__ import annotations

import logging
from typing import Any

from lsprotocol import types
from pygls.capabilities import get_capability
from pygls.exceptions import JsonRpcInvalidParams

from ..documents import Document, snapshot
from ..nes import delivery
from ..server import VcServer

log = logging.getLogger(__name__)
COPILOT_INLINE_EDIT = "textDocument/copilotInlineEdit"
DID_SHOW = "textDocument/didShowInlineEdit"
NOTHING: dict[str, Any] = {"edits": []}


def register(server: VcServer) -> None:
    @server.feature(COPILOT_INLINE_EDIT)
    async def copilot_inline_edit(ls: VcServer, params: Any) -> dict[str, Any]:
        settings = await ls.request_settings()
        uri, version, line, character, invoked = _parse(_data(params))
        doc = snapshot(ls.workspace, uri)
        if doc is None or not settings.nes.enabled:
            return NOTHING
        if version is not None and version != doc.version:
            return NOTHING  # asked about a text the server no longer has
        offset = doc.offset_in_range(types.Position(line=line, character=character))
        if offset is None:
            return NOTHING
        suggestion = await ls.nes.suggest(uri, offset, doc.version, settings, invoked=invoked)
        now = snapshot(ls.workspace, uri)
        if suggestion is None or now is None or now.version != suggestion.version:
            return NOTHING
        return delivery.copilot(now, suggestion, offset)

    @server.feature(DID_SHOW)
    def did_show(ls: VcServer, params: Any) -> None:
        item = _field(_data(params), "item")
        arguments = _field(_field(item, "command"), "arguments")
        if isinstance(arguments, list) and arguments and isinstance(arguments[0], str):
            ls.nes.shown(arguments[0])

    @server.command(delivery.ACCEPT)
    def accept(ls: VcServer, *args: Any) -> None:
        ls.nes.accepted(_id(delivery.ACCEPT, args) or "")

    @server.command(delivery.REJECT)
    def reject(ls: VcServer, *args: Any) -> None:
        arg = args[0] if args else None
        if isinstance(arg, dict) and isinstance(arg.get("uri"), str):
            ls.nes.dismiss(uri=arg["uri"])
        elif isinstance(arg, str):
            ls.nes.dismiss(suggestion_id=arg)
        elif arg is not None:
            raise JsonRpcInvalidParams(f'{delivery.REJECT} takes ["<id>"] or [{{"uri": ...}}]')


async def code_actions(ls: VcServer, doc: Document, params: types.CodeActionParams
                       ) -> list[types.CodeAction]:
    """"Apply suggested edit (line N)": for a list the user asked for, a prediction is
    waited for (``nes.waitMs``); a light bulb (or a client that does not say) never waits."""
    settings = await ls.request_settings()
    if not settings.nes.enabled:
        return []
    invoked = params.context.trigger_kind == types.CodeActionTriggerKind.Invoked
    suggestion = await ls.nes.pending(doc.uri, doc.version, settings, invoked=invoked)
    now = snapshot(ls.workspace, doc.uri)
    if suggestion is None or now is None or now.version != suggestion.version:
        return []
    versioned = bool(get_capability(ls.client_capabilities,
                                    "workspace.workspace_edit.document_changes"))
    return delivery.code_actions(now, suggestion, versioned=versioned, only=params.context.only)


def _field(value: Any, name: str) -> Any:
    return value.get(name) if isinstance(value, dict) else None


def _data(value: Any) -> Any:
    """pygls hands a custom method's params over as named tuples: plain dicts and lists."""
    if hasattr(value, "_asdict"):
        return {k: _data(v) for k, v in value._asdict().items()}
    if isinstance(value, list | tuple):
        return [_data(v) for v in value]
    if isinstance(value, dict):
        return {k: _data(v) for k, v in value.items()}
    return value


def _parse(params: Any) -> tuple[str, int | None, int, int, bool]:
    usage = "needs {textDocument: {uri, version}, position: {line, character}}"
    try:
        doc, pos = params["textDocument"], params["position"]
        uri, line, character = doc["uri"], pos["line"], pos["character"]
        version = doc.get("version")
        kind = (params.get("context") or {}).get("triggerKind")
    except (KeyError, TypeError, AttributeError) as exc:
        raise JsonRpcInvalidParams(f"{COPILOT_INLINE_EDIT} {usage}") from exc
    if not isinstance(uri, str) or not all(isinstance(v, int) and not isinstance(v, bool)
                                           and v >= 0 for v in (line, character)) \
            or not (version is None or isinstance(version, int)):
        raise JsonRpcInvalidParams(f"{COPILOT_INLINE_EDIT} {usage}")
    return uri, version, line, character, kind != 2


def _id(command: str, args: tuple[Any, ...]) -> str | None:
    arg = args[0] if args else None
    if isinstance(arg, dict):
        arg = arg.get("id")
    if arg is None or isinstance(arg, str):
        return arg
    raise JsonRpcInvalidParams(f'{command} takes ["<id>"]')
