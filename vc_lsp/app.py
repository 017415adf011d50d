"""Build the server: the services (``server.py``) plus every handler module (``handlers/``)."""

from __future__ import annotations

from .handlers import actions, inline, lifecycle, nes, status
from .server import VcServer

HANDLERS = (lifecycle, inline, status, actions, nes)


def create_server() -> VcServer:
    server = VcServer()
    for module in HANDLERS:
        module.register(server)
    return server
