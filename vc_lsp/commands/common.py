"""What the subcommands share: settings from env, file and flags; output that never leaks the key.

Settings are layered exactly as in the server (``SettingsStore``): defaults, the environment
(``VC_LSP_BASE_URL``, ``VC_LSP_MODEL``), then ``--settings FILE`` in the place of the editor's
``initializationOptions``, then ``--set``, ``--base-url`` and ``--model``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from ..config import Settings, SettingsStore, env_vars, from_environment, merge, section_of
from ..config.layers import user_file
from ..redact import redact, remember_env_secret
from ..upstream.errors import (
    AuthError,
    BadRequest,
    ModelNotFound,
    NetworkError,
    NotTheApi,
    ProxyFailure,
    RateLimited,
    UpstreamError,
    UpstreamTimeout,
)

KEY_PAGE = "https://coder.visioncoder.cn/key"
DEFAULT_HOST = "coder.api.visioncoder.cn"


class CliError(Exception):
    """A problem the user can fix, worded for them; ends the command with ``code``."""

    def __init__(self, message: str, code: int = 1) -> None:
        super().__init__(message)
        self.code = code


@dataclass
class Loaded:
    """The merged settings, the problems found in them, and where each top-level key came from."""

    settings: Settings
    problems: list[str] = field(default_factory=list)
    sources: dict[str, str] = field(default_factory=dict)
    file: str | None = None  # --settings FILE

    def source(self, key: str) -> str:
        return self.sources.get(key, "default")


def _dotted(key: str, value: Any) -> dict[str, Any]:
    *parents, last = key.split(".")
    out: dict[str, Any] = {last: value}
    for parent in reversed(parents):
        out = {parent: out}
    return out


def _value(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return text


def load_settings(args: argparse.Namespace, environ: Mapping[str, str] | None = None) -> Loaded:
    env = os.environ if environ is None else environ
    store = SettingsStore(env, user=user_file())
    loaded = Loaded(store.current)
    for key in from_environment(env):
        loaded.sources[key] = env_vars()[key]
    if args.settings:
        path = Path(args.settings)
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise CliError(f"cannot read --settings {path}: {exc.strerror or exc}") from exc
        except ValueError as exc:
            raise CliError(f"--settings {path} is not valid JSON: {exc}") from exc
        section = section_of(raw)
        if not section and raw:
            loaded.problems.append(f"{path} has no vcLsp settings; expected "
                                   '{"vcLsp": {...}} or an object with keys such as "model"')
        loaded.problems += store.update("init", raw)
        loaded.sources.update(dict.fromkeys(section, str(path)))
        loaded.file = str(path)
    flags: dict[str, Any] = {}
    for item in args.set_values:
        key, eq, text = item.partition("=")
        if not eq or not key.strip():
            raise CliError(f"--set expects KEY=VALUE, e.g. inline.maxLines=3; got {item!r}", 2)
        flags = merge(flags, _dotted(key.strip(), _value(text)))
        loaded.sources[key.strip().split(".")[0]] = "--set"
    for key, value, flag in (("baseUrl", args.base_url, "--base-url"),
                             ("model", args.model, "--model")):
        if value is not None:
            flags[key] = value
            loaded.sources[key] = flag
    loaded.problems += store.update("cli", {"vcLsp": flags})
    loaded.settings = store.current
    remember_env_secret(loaded.settings.api_key_env)  # masked in anything we print
    return loaded


def say(text: str = "", *, stream: TextIO | None = None) -> None:
    """Print with the API key and bearer tokens masked, whatever the text came from."""
    out = sys.stdout if stream is None else stream
    print(redact(text), file=out, flush=True)


def warn(text: str) -> None:
    say(text, stream=sys.stderr)


def plain(err: UpstreamError) -> str:
    """The server's whole message for this failure (a terminal has room for all of it),
    without the ``vc-lsp:`` prefix."""
    message = err.full_message()
    return message.removeprefix("vc-lsp: ")


def is_local(base_url: str) -> bool:
    host = base_url.split("://", 1)[-1].split("/", 1)[0].rsplit(":", 1)[0].strip("[]")
    return host in ("localhost", "::1") or host.startswith("127.")


def next_step(err: UpstreamError, s: Settings, models: list[str] | None = None) -> str | None:
    """What to do at the terminal, beyond what the server's message already says."""
    rerun = "then run `vc-lsp doctor` again"
    if isinstance(err, AuthError):
        if not err.key_set:
            where = f" (create one at {KEY_PAGE})" if DEFAULT_HOST in s.base_url else ""
            return f"export {s.api_key_env}=<your key>{where}, {rerun}."
        return (f"the key in {s.api_key_env} is set but refused: copy it again (no quotes or "
                f"spaces), check it belongs to {s.base_url}, {rerun}. If you switched provider, "
                "point apiKeyEnv at that provider's variable.")
    if isinstance(err, ModelNotFound):
        if not err.model:
            return (f"baseUrl is {s.base_url}; it should be the API root that /chat/completions "
                    "and /models hang off, usually ending in /v1. Set it with --base-url or "
                    "VC_LSP_BASE_URL and try again.")
        listed = f" Listed: {', '.join(models[:12])}{' ...' if len(models) > 12 else ''}." \
            if models else " Run `vc-lsp models` to see the ids."
        return f"set model (or --model, VC_LSP_MODEL) to an id the endpoint lists.{listed}"
    if isinstance(err, ProxyFailure):
        return ("check network.proxy (or HTTPS_PROXY / ALL_PROXY) and its credentials; list "
                f"hosts to reach directly in network.noProxy, {rerun}.")
    if isinstance(err, NotTheApi):
        return (f"open {s.base_url}/models in a browser: a sign-in page means the network "
                "wants a login first; otherwise set baseUrl to the API root (usually .../v1).")
    if isinstance(err, NetworkError):
        local = (" Is the local server running and listening on that port?"
                 if is_local(s.base_url) else "")
        return (f"check baseUrl ({s.base_url}; --base-url or VC_LSP_BASE_URL).{local} Behind a "
                "proxy, set network.proxy or export HTTPS_PROXY; with a company CA, "
                "network.caBundle.")
    if isinstance(err, UpstreamTimeout):
        return f"raise {err.setting} (e.g. --set {err.setting}=60000) if the model is just slow."
    if isinstance(err, RateLimited):
        return "wait a moment and try again; check your plan's limits with the provider."
    if isinstance(err, BadRequest):
        return "check extraParams and the model name; --log-level DEBUG shows the request."
    return None
