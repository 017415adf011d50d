"""The language server object: owns the shared services every feature uses."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Coroutine
from typing import Any

from lsprotocol import types
from pygls.lsp.server import LanguageServer

from . import __version__
from .actions.service import ActionService
from .config import Settings, SettingsStore
from .inflight import InflightRegistry
from .inline.service import InlineCompleter
from .notify import Notifier
from .protocol import VcProtocol
from .redact import redact, remember_env_secret
from .upstream.client import UpstreamClient

log = logging.getLogger(__name__)
SETTINGS_WAIT_S = 2.0


class VcServer(LanguageServer):
    """One instance per editor session; features reach services through it, never globals."""

    def __init__(self) -> None:
        super().__init__("vc-lsp", __version__, protocol_cls=VcProtocol)
        self.settings_store = SettingsStore()
        self.upstream = UpstreamClient(self.settings_store.current)
        self.registry = InflightRegistry()
        self.notifier = Notifier(self._show)
        self.inline = InlineCompleter(self.upstream, self.registry, self.notifier,
                                      lambda: self.settings_store.current)
        self._tasks: set[asyncio.Task[Any]] = set()
        self.actions = ActionService(self, self.upstream, self.registry, self.notifier,
                                     self.current_settings, self.run_task)
        self.settings_ready = asyncio.Event()
        self.settings_ready.set()

    @property
    def settings(self) -> Settings:
        return self.settings_store.current

    def _show(self, message: str, kind: types.MessageType) -> None:
        self.window_show_message(types.ShowMessageParams(type=kind, message=message))

    def apply_settings(self, layer: str, raw: Any) -> None:
        """Rebuild settings from a new layer, tell the user about new problems, retune clients."""
        for problem in self.settings_store.update(layer, raw):
            self.notifier.tell(f"setting:{problem}", f"vc-lsp: {problem}")
        remember_env_secret(self.settings.api_key_env)  # scrub a newly named key from logs
        self.upstream.configure(self.settings_store.current)
        self.inline.cache.clear()  # suggestions made under other settings are not reused

    async def current_settings(self) -> Settings:
        """Settings as the client means them: waits briefly for a configuration pull in flight."""
        if not self.settings_ready.is_set():
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self.settings_ready.wait(), SETTINGS_WAIT_S)
        return self.settings_store.current

    def run_task(self, coro: Coroutine[Any, Any, Any], name: str) -> asyncio.Task[Any]:
        """A background task that is kept alive and whose failure is logged, not lost."""
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)

        def done(t: asyncio.Task[Any]) -> None:
            self._tasks.discard(t)
            if not t.cancelled() and t.exception() is not None:
                log.error("%s failed: %s", name, redact(repr(t.exception())))

        task.add_done_callback(done)
        return task

    def report_server_error(self, error: Exception, source: Any) -> None:
        """Internal errors go to the log; the user hears only about things they can act on."""
        log.error("internal error (%s): %s", getattr(source, "__name__", source),
                  redact(repr(error)))


def create_server() -> VcServer:
    from .features import actions, inline, lifecycle, status

    server = VcServer()
    lifecycle.register(server)
    inline.register(server)
    status.register(server)
    actions.register(server)
    return server
