"""``textDocument/codeAction`` and the ``vc.*`` commands: parse, snapshot, hand over.

Commands are answered at once (``null``) and the action runs in the background: Emacs's clients
wait synchronously for an ``executeCommand`` answer, and every client stays responsive while an
edit streams in. Arguments are ``[{"uri", "range", "instruction"?, "diagnostic"?}]``;
``vc.cancel`` and ``vc.revert`` take ``[{"uri"}]`` or nothing (the last edited document).
"""

from __future__ import annotations

import logging
from typing import Any

from lsprotocol import types
from pygls.exceptions import JsonRpcInvalidParams

from ..actions import catalog
from ..actions.catalog import Action
from ..actions.request import Request
from ..documents import snapshot
from ..lsp_json import converter
from ..server import VcServer
from . import nes

log = logging.getLogger(__name__)


class BadArguments(ValueError):
    pass


def register(server: VcServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_CODE_ACTION, types.CodeActionOptions(
        code_action_kinds=list(catalog.ADVERTISED_KINDS), resolve_provider=False))
    async def code_action(ls: VcServer, params: types.CodeActionParams
                          ) -> list[types.CodeAction] | None:
        settings = await ls.request_settings()
        doc = snapshot(ls.workspace, params.text_document.uri)
        if doc is None or ls.context.excluded(doc.uri) is not None:
            return None
        from ..actions import listing  # the line rules pull in the context's parsers

        listed = listing.code_actions(
            doc, params.range, params.context,
            max_lines=settings.actions.max_selection_lines,
            disabled_support=ls.editor.can_disable_actions,
            can_edit=ls.editor.can_apply_edits)
        return listed + await nes.code_actions(ls, doc, params)  # next-edit suggestions

    for action in catalog.STREAMING:
        _register_action(server, action)

    @server.command(catalog.CANCEL)
    def cancel(ls: VcServer, *args: Any) -> None:
        uri = _uri_only(catalog.CANCEL, args)
        if not ls.actions.cancel(uri):
            ls.notifier.say("vc-lsp: nothing is streaming" + (" there." if uri else "."))

    for name in (catalog.REVERT, catalog.UNDO):
        _register_revert(server, name)


def _register_action(server: VcServer, action: Action) -> None:
    @server.command(action.command)
    async def run(ls: VcServer, *args: Any) -> None:
        try:
            request = parse(action, args)
        except BadArguments as exc:
            raise JsonRpcInvalidParams(f"{action.command} {exc}") from exc
        ls.actions.start(request, await ls.request_settings())


def _register_revert(server: VcServer, name: str) -> None:
    @server.command(name)
    async def revert(ls: VcServer, *args: Any) -> None:
        await ls.actions.revert(_uri_only(name, args))


def parse(action: Action, args: tuple[Any, ...]) -> Request:
    """``[{"uri", "range", "instruction"?, "diagnostic"?, "diagnostics"?}]`` into a ``Request``.

    The positional form ``[uri | {"uri"}, range?, instruction?]`` is accepted too: key bindings
    in Sublime (``lsp_execute`` with ``$document_id``, ``$range``) can only pass separate values.
    """
    usage = ('needs [{"uri", "range"' + (', "instruction"' if action.name == "edit" else "")
             + "}]; see the README.")
    if args and (isinstance(args[0], str) or (isinstance(args[0], dict) and len(args) > 1)):
        head = {"uri": args[0]} if isinstance(args[0], str) else dict(args[0])
        args = ({**head, **dict(zip(("range", "instruction"), args[1:], strict=False))},)
    if not args or not isinstance(args[0], dict) or not isinstance(args[0].get("uri"), str):
        raise BadArguments(usage)
    arg = args[0]
    raw_diags = list(arg.get("diagnostics") or [])
    if arg.get("diagnostic"):
        raw_diags.insert(0, arg["diagnostic"])
    try:
        rng = converter().structure(arg["range"], types.Range) if arg.get("range") else None
    except Exception as exc:
        log.info("%s: unreadable range: %s", action.command, exc)
        raise BadArguments(f"got an unreadable range; {usage}") from exc
    diags: list[types.Diagnostic] = []
    for raw in raw_diags:
        try:
            diags.append(converter().structure(raw, types.Diagnostic))
        except Exception as exc:  # one odd diagnostic must not block the fix
            log.info("%s: ignoring an unreadable diagnostic (%s)", action.command, exc)
    instruction = arg.get("instruction")
    if instruction is not None and not isinstance(instruction, str):
        raise BadArguments(usage)
    return Request(action, arg["uri"], rng, instruction, tuple(diags))


def _uri_only(command: str, args: tuple[Any, ...]) -> str | None:
    """The ``uri`` argument; ``None`` for none (the last edited document, or everywhere)."""
    if not args or args[0] is None:
        return None
    arg = args[0]
    if isinstance(arg, str):
        return arg
    if isinstance(arg, dict) and isinstance(arg.get("uri"), str):
        return str(arg["uri"])
    raise JsonRpcInvalidParams(f'{command} takes [{{"uri": ...}}] or no arguments')
