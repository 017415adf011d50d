"""``vc/why`` (a request: the reports as JSON) and ``vc.why`` (a command: the report to read).

``vc/why`` takes ``{"uri"?, "feature"?}`` (or nothing: the document asked about last) and
answers ``{"uri", "feature", "last", "lastEmpty"}``, each a report (``status/why.py``'s
``render``) or null. ``vc.why`` takes ``[{"uri"}]``, ``["uri"]`` or nothing and opens the
report as a Markdown document where the editor can show one, else says it in one line.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pygls.exceptions import JsonRpcInvalidParams

from ..server import VcServer
from ..status.model import WHY
from .params import plain

WHY_REQUEST = "vc/why"


def register(server: VcServer) -> None:
    @server.feature(WHY_REQUEST)
    def why(ls: VcServer, params: Any = None) -> dict[str, Any]:
        uri, feature = None, "inline"
        params = plain(params)
        if isinstance(params, Mapping):
            uri = params.get("uri") if isinstance(params.get("uri"), str) else None
            if isinstance(params.get("feature"), str):
                feature = params["feature"]
        elif params is not None:
            raise JsonRpcInvalidParams('vc/why takes {"uri"?, "feature"?} or nothing')
        return ls.status.book.why(uri, feature)

    @server.command(WHY)
    async def why_command(ls: VcServer, *args: Any) -> None:
        await ls.status.show_why(_uri(args))


def _uri(args: tuple[Any, ...]) -> str | None:
    if not args or args[0] is None:
        return None
    arg = args[0]
    if isinstance(arg, str):
        return arg
    if isinstance(arg, Mapping) and isinstance(arg.get("uri"), str):
        return str(arg["uri"])
    raise JsonRpcInvalidParams(f'{WHY} takes [{{"uri": ...}}] or no arguments')
