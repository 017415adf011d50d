"""The language server object: owns the shared services; the handlers live in ``handlers/``.

Nothing here imports a handler module, so handlers import ``VcServer`` at run time and pygls
can read their annotations; ``app.create_server`` wires the two together. Nor does it import a
feature service: what the initialize answer needs (settings, the notifier, the work registry,
the editor's capabilities) is built here, the services later by ``services.py``
(``start_features``), the first time anything reads one of them or on ``initialized``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import TYPE_CHECKING, Any, TypeVar

from lsprotocol import types
from pygls.lsp.server import LanguageServer

from . import __version__
from .actions.editor import Editor
from .config import Settings, SettingsStore
from .config.layers import user_file
from .config.trust import EndpointTrust, is_loopback
from .feature import Feature
from .lsp_json import converter
from .messages import fit
from .notify import Notifier
from .protocol import VcProtocol
from .redact import redact, remember_env_secret
from .work import Work

if TYPE_CHECKING:
    from .actions.service import ActionService
    from .context import ContextService
    from .inline.service import InlineCompleter
    from .nes import NextEditService
    from .status.service import StatusService
    from .upstream.client import UpstreamClient
    from .usage.acceptance import Acceptance
    from .usage.ledger import Ledger

log = logging.getLogger(__name__)
SETTINGS_WAIT_S = 2.0
F = TypeVar("F", bound=Feature)
_SERVICES = frozenset({"upstream", "context", "inline", "actions", "nes", "usage",
                       "acceptance", "status"})


class VcServer(LanguageServer):
    """One instance per editor session; handlers reach services through it, never globals."""

    # Built by ``start_features`` (``services.build``), on first access if need be.
    upstream: UpstreamClient
    context: ContextService
    inline: InlineCompleter
    actions: ActionService
    nes: NextEditService
    usage: Ledger
    acceptance: Acceptance
    status: StatusService

    def __init__(self) -> None:
        super().__init__("vc-lsp", __version__, protocol_cls=VcProtocol,
                         converter_factory=converter)
        self.settings_store = SettingsStore(user=user_file())
        if self.settings_store.user_problem:
            log.warning("%s", self.settings_store.user_problem)
        self.settings_ready = asyncio.Event()
        self.settings_ready.set()
        self.client_name = ""  # clientInfo.name from initialize: some editors need adapting to
        self.notifier = Notifier(self._show)
        self.work = Work()
        self.editor = Editor(self)  # what the client can do, read from initialize
        self._features: list[Feature] = []
        self._started = False

    @property
    def started(self) -> bool:
        """Whether the feature services exist (``start_features`` has run)."""
        return self._started

    def start_features(self) -> None:
        """Import and build the feature services, once; cheap after the first call."""
        if self._started:
            return
        self._started = True
        from . import services

        current = self.settings_store.current
        built = services.build(self, current, self.work, self.notifier, self.editor,
                               roots=self.roots, key_allowed=self.key_allowed)
        self.upstream, self.context, self.inline = built.upstream, built.context, built.inline
        self.actions, self.nes, self.status = built.actions, built.nes, built.status
        self.usage, self.acceptance = built.usage, built.acceptance
        self._features.extend(built.features)
        for feature in self._features:
            feature.on_settings(current)  # what ``apply_settings`` did before they existed

    if not TYPE_CHECKING:  # for mypy the services are plain attributes (declared above)
        def __getattr__(self, name: str) -> Any:
            """A service read before ``initialized`` (a client that does not wait): build them."""
            if name in _SERVICES and not self.__dict__.get("_started", True):
                self.start_features()
                return getattr(self, name)
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    @property
    def features(self) -> list[Feature]:
        """Every feature's lifecycle hooks, in order; builds them if they are not yet."""
        self.start_features()
        return self._features

    def add_feature(self, feature: F) -> F:
        """Register a feature's lifecycle hooks; the one step a new feature needs here."""
        self._features.append(feature)
        return feature

    def key_allowed(self, s: Settings) -> bool:
        return EndpointTrust(self.settings_store.set_up).allows(s)

    def roots(self) -> list[str]:
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
        if not self._started:
            return  # the services are built later, with the settings current then
        self.upstream.configure(current)
        for feature in self._features:
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
