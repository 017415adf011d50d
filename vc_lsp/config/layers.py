"""Where settings come from: defaults, the environment, the user's settings file, the editor's
two layers, merged. The first three are set up outside any editor (``TRUSTED``)."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs

from . import convert
from .convert import SettingError, build, snake
from .settings import CLIENT_SECTION, SECTION, Settings, camel, env_vars
from .trust import Pair, config_dir, pair_of

TRUSTED = ("env", "user", "cli")  # layers no workspace can write


def user_file() -> Path:
    """The user's own settings, read at start-up: where an endpoint is trusted for a key."""
    return config_dir() / "settings.json"


def read_user_file(path: Path | None) -> tuple[dict[str, Any], str | None]:
    """The file's ``vcLsp`` settings, and a problem to report if it cannot be read."""
    if path is None:
        return {}, None
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}, None
    except (OSError, ValueError) as exc:
        return {}, f"{path} is not readable JSON ({exc}); ignoring it"
    return section_of(raw), None


def merge(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    """Deep-merge camelCase dicts; ``None`` in ``override`` means "unset, use what's below"."""
    out = dict(base)
    for key, value in override.items():
        if value is None:
            continue
        if isinstance(value, Mapping):
            below = out.get(key)
            out[key] = merge(below if isinstance(below, Mapping) else {}, value)
        else:
            out[key] = value
    return out


def from_environment(environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The environment layer: the quickest set-up is two exported variables."""
    env = os.environ if environ is None else environ
    layer: dict[str, Any] = {}
    for key, name in env_vars().items():
        value = env.get(name, "").strip()
        if value:
            layer[key] = value
    return layer


def section_of(payload: Any) -> dict[str, Any]:
    """Accept ``{"vcLsp": {...}}`` or the bare section, as clients send either.

    A bare object counts as ours when it has at least one of our keys; then its unknown keys are
    kept too, so a misspelt one is reported with a hint instead of silently ignored.
    """
    if not isinstance(payload, Mapping):
        return {}
    inner = payload.get(SECTION)
    if isinstance(inner, Mapping):
        return dict(inner)
    known = {camel(f.name) for f in attrs.fields(Settings)}
    if any(isinstance(k, str) and camel(snake(k)) in known for k in payload):
        return {k: val for k, val in payload.items() if k not in (SECTION, CLIENT_SECTION)}
    return {}


class SettingsStore:
    """Holds the layers and the merged result; reports each distinct problem only once."""

    LAYERS = ("env", "user", "init", "client")

    def __init__(self, environ: Mapping[str, str] | None = None,
                 user: Path | None = None) -> None:
        user_layer, self.user_problem = read_user_file(user)
        self._layers: dict[str, dict[str, Any]] = {"env": from_environment(environ),
                                                   "user": user_layer}
        self._reported: set[str] = set()
        self.current, _ = build(Settings, merge(self._layers["env"], user_layer))
        self.set_up: Pair = pair_of(self.current)
        self._briefs: dict[str, str] = {}

    def update(self, layer: str, raw: Any) -> list[str]:
        """Replace one layer and rebuild; return the new problems, worded for the user.

        A problem is reported once while it lasts: sending the same settings again stays quiet,
        but a value that was fixed and later broken again is reported again.
        """
        if layer == "env":
            self._layers[layer] = dict(raw) if isinstance(raw, Mapping) else {}
        else:
            self._layers[layer] = section_of(raw)
        merged: dict[str, Any] = {}
        names = [*self.LAYERS, *sorted(set(self._layers) - set(self.LAYERS))]
        for name in names:
            merged = merge(merged, self._layers.get(name, {}))
        self.current, errors = build(Settings, merged)
        trusted: dict[str, Any] = {}
        for name in TRUSTED:
            trusted = merge(trusted, self._layers.get(name, {}))
        self.set_up = pair_of(build(Settings, trusted)[0])
        messages = [self._source(e) for e in errors]
        self._briefs = {m: self._source(e, brief=True) for m, e in zip(messages, errors,
                                                                       strict=True)}
        fresh = [m for m in dict.fromkeys(messages) if m not in self._reported]
        self._reported = set(messages)
        return fresh

    def brief(self, problem: str) -> str:
        """One of ``update``'s problems in one line, for the editor (the full one is logged)."""
        return self._briefs.get(problem, problem)

    def _source(self, error: SettingError, *, brief: bool = False) -> str:
        """Say which environment variable a bad value came from when it was not overridden."""
        text = (error.brief or error.message) if brief else error.message
        var = env_vars().get(error.key)
        if var and error.key in self._layers.get("env", {}) and not any(
                error.key in layer for name, layer in self._layers.items() if name != "env"):
            if not brief:
                return f"{text} (it comes from the environment variable {var})"
            return convert.brief(f"{text} (from ${var})", text)
        return text
