"""Build the server: the services (``server.py``) plus every handler module (``handlers/``)."""

from __future__ import annotations

from .handlers import acceptance, actions, inline, lifecycle, nes, status, usage, why
from .server import VcServer

HANDLERS = (lifecycle, inline, status, actions, nes, why, acceptance, usage)


def create_server() -> VcServer:
    server = VcServer()
    for module in HANDLERS:
        module.register(server)
    return server
