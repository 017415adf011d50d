"""The language server object: owns the shared services; the handlers live in ``handlers/``.

Nothing here imports a handler module, so handlers import ``VcServer`` at run time and pygls
can read their annotations; ``app.create_server`` wires the two together.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any, TypeVar

from lsprotocol import types
from pygls.lsp.server import LanguageServer

from . import __version__
from .actions.service import ActionService
from .config import Settings, SettingsStore
from .config.layers import user_file
from .config.trust import EndpointTrust, is_loopback
from .context import ContextService
from .feature import Feature
from .inline.service import InlineCompleter
from .messages import fit
from .nes import NextEditService
from .notify import Notifier
from .protocol import VcProtocol
from .redact import redact, remember_env_secret
from .status.service import StatusService
from .upstream.client import UpstreamClient
from .usage.acceptance import Acceptance
from .usage.ledger import Ledger
from .work import Work

log = logging.getLogger(__name__)
SETTINGS_WAIT_S = 2.0
F = TypeVar("F", bound=Feature)


class VcServer(LanguageServer):
    """One instance per editor session; handlers reach services through it, never globals."""

    def __init__(self) -> None:
        super().__init__("vc-lsp", __version__, protocol_cls=VcProtocol)
        self.settings_store = SettingsStore(user=user_file())
        if self.settings_store.user_problem:
            log.warning("%s", self.settings_store.user_problem)
        self.settings_ready = asyncio.Event()
        self.settings_ready.set()
        self.client_name = ""  # clientInfo.name from initialize: some editors need adapting to
        self.notifier = Notifier(self._show)
        self.work = Work()
        self.upstream = UpstreamClient(self.settings_store.current, key_allowed=self._key_allowed)
        self.features: list[Feature] = []
        # Order matters once: the actions see a change before the context's edit history
        # does, so they can mark their own edit's echo as not the user's.
        self.context = ContextService(self.settings_store.current, self._roots, work=self.work)
        self.inline = self.add_feature(InlineCompleter(self.upstream, self.work, self.notifier,
                                                       context=self.context))
        self.actions = self.add_feature(ActionService(self, self.upstream, self.work,
                                                      self.notifier, context=self.context))
        self.add_feature(self.context)
        # After the context: a prediction starts from the edit history's view of the change.
        self.nes = self.add_feature(NextEditService(
            self.upstream, self.work, self.notifier, self.context, self.settings_store.current,
            stats=self.inline.stats))
        self.inline.next_edit = self.nes.inline_items
        # What the user is told (status, why an answer was empty) and what it cost (the usage
        # ledger): both watch every upstream call. The ledger goes last, so that its shutdown
        # writes what the others recorded while they ended.
        self.usage = Ledger(self.work)
        self.acceptance = Acceptance(self.usage)
        self.status = self.add_feature(StatusService(self, self.work, self.usage,
                                                     self.acceptance, context=self.context,
                                                     completions=self.inline))
        self.add_feature(self.usage)
        self.upstream.observe(self.status)
        self.upstream.observe(self.usage)

    def add_feature(self, feature: F) -> F:
        """Register a feature's lifecycle hooks; the one step a new feature needs here."""
        self.features.append(feature)
        return feature

    def _key_allowed(self, s: Settings) -> bool:
        return EndpointTrust(self.settings_store.set_up).allows(s)

    def _roots(self) -> list[str]:
        """The workspace folders (for paths shown to the model and for imports)."""
        from pygls.uris import to_fs_path

        try:
            workspace = self.workspace
        except RuntimeError:  # not initialized yet
            return []
        roots = [to_fs_path(f.uri) for f in workspace.folders.values()]
        if workspace.root_path:
            roots.append(workspace.root_path)
        return [r for r in roots if r]

    def _show(self, message: str, kind: types.MessageType) -> None:
        self.window_show_message(types.ShowMessageParams(type=kind, message=message))

    def apply_settings(self, layer: str, raw: Any) -> None:
        """Rebuild settings from a new layer, tell the user about new problems, retune."""
        for problem in self.settings_store.update(layer, raw):  # each new problem, once
            log.warning("setting: %s", redact(problem))  # the whole of it; the editor gets a line
            self.notifier.say(f"vc-lsp: {self.settings_store.brief(problem)}",
                              types.MessageType.Warning)
        current = self.settings_store.current
        remember_env_secret(current.api_key_env)  # scrub a newly named key from logs
        if current.base_url.startswith("http://") and not is_loopback(current.base_url):
            host = current.base_url.split("://", 1)[1].split("/", 1)[0]
            self.notifier.warn_once(f"http:{host}", fit(
                "vc-lsp: plain http to {host}: code and key travel unencrypted", host=host))
        self.upstream.configure(current)
        for feature in self.features:
            feature.on_settings(current)

    async def request_settings(self) -> Settings:
        """The settings snapshot a request works with, taken when it arrives; waits briefly
        for a configuration pull in flight so the request sees what the client means."""
        if not self.settings_ready.is_set():
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self.settings_ready.wait(), SETTINGS_WAIT_S)
        return self.settings_store.current

    def report_server_error(self, error: Exception, source: Any) -> None:
        """Internal errors go to the log; the user hears only about things they can act on."""
        log.error("internal error (%s): %s", getattr(source, "__name__", source),
                  redact(repr(error)))
