"""What the editor reports about suggestions: ``vc.accepted`` (the command on every item, run
on accept) and Copilot's ``textDocument/didShowCompletion`` and
``textDocument/didPartiallyAcceptCompletion`` notifications."""

from __future__ import annotations

import logging
from typing import Any

from ..server import VcServer
from ..usage.acceptance import COMMAND
from .params import plain

log = logging.getLogger(__name__)
DID_SHOW = "textDocument/didShowCompletion"
DID_PARTIALLY_ACCEPT = "textDocument/didPartiallyAcceptCompletion"


def register(server: VcServer) -> None:
    @server.command(COMMAND)
    def accepted(ls: VcServer, *args: Any) -> None:
        if not ls.acceptance.accepted(plain(list(args))):
            log.info("%s for a suggestion this server does not know", COMMAND)

    @server.feature(DID_SHOW)
    def did_show(ls: VcServer, params: Any = None) -> None:
        ls.acceptance.shown(plain(params))

    @server.feature(DID_PARTIALLY_ACCEPT)
    def did_partially_accept(ls: VcServer, params: Any = None) -> None:
        ls.acceptance.partially(plain(params))
