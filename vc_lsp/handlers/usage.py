"""``vc/usage`` (today's usage as JSON, all servers together) and ``vc.usage`` (the same in one
line, what the status's command runs when the daily budget is reached)."""

from __future__ import annotations

from typing import Any

from lsprotocol import types

from ..server import VcServer
from ..status.model import USAGE

USAGE_REQUEST = "vc/usage"


def register(server: VcServer) -> None:
    @server.feature(USAGE_REQUEST)
    async def usage(ls: VcServer, _: Any = None) -> dict[str, Any]:
        from ..usage import report  # sqlite3 and the prices: not needed to start

        settings = await ls.request_settings()
        return report.today_json(ls.usage, settings)

    @server.command(USAGE)
    async def usage_command(ls: VcServer, *_: Any) -> None:
        from ..usage import report

        settings = await ls.request_settings()
        ls.window_show_message(types.ShowMessageParams(
            type=types.MessageType.Info, message=report.today_line(ls.usage, settings)))
