"""Settings: one owner for every knob, read from env, initializationOptions and the client.

Sources are merged in order (later wins): defaults, environment, ``initializationOptions``,
``workspace/didChangeConfiguration`` / ``workspace/configuration``. Each field is validated on its
own, so one bad value falls back to its default instead of discarding the whole configuration.
"""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Mapping
from typing import Any, Literal, TypeVar

import attrs
import cattrs
from attrs import validators as v

DEFAULT_BASE_URL = "https://coder.api.visioncoder.cn/v1"
DEFAULT_API_KEY_ENV = "VISIONCODER_API_KEY"
DEFAULT_MODEL = "gpt-5.4"
SECTION = "vcLsp"


@attrs.frozen(kw_only=True)
class Timeouts:
    """Upstream time limits; each failure mode gets its own so a slow model is not a dead one."""

    connect_ms: int = attrs.field(default=5_000, validator=v.ge(1))
    first_token_ms: int = attrs.field(default=20_000, validator=v.ge(1))
    between_chunks_ms: int = attrs.field(default=15_000, validator=v.ge(1))
    total_ms: int = attrs.field(default=120_000, validator=v.ge(1))


@attrs.frozen(kw_only=True)
class InlineSettings:
    """Ghost-text completion: tuned for latency and token cost."""

    enabled: bool = True
    model: str | None = None
    temperature: float | None = attrs.field(default=None, validator=v.optional(v.and_(v.ge(0), v.le(2))))
    max_tokens: int = attrs.field(default=256, validator=v.ge(1))
    n: int = attrs.field(default=1, validator=v.and_(v.ge(1), v.le(5)))
    debounce_ms: int = attrs.field(default=75, validator=v.and_(v.ge(0), v.le(5_000)))
    max_lines: int = attrs.field(default=12, validator=v.ge(1))
    prefix_chars: int = attrs.field(default=6_000, validator=v.ge(0))
    suffix_chars: int = attrs.field(default=2_000, validator=v.ge(0))
    completion_fallback: Literal["auto", "always", "never"] = attrs.field(
        default="auto", validator=v.in_(("auto", "always", "never"))
    )
    completion_budget_ms: int = attrs.field(default=1_500, validator=v.ge(0))


@attrs.frozen(kw_only=True)
class ActionSettings:
    """Code actions (explain, edit, fix): a stronger model and room for longer answers."""

    model: str | None = None
    temperature: float | None = attrs.field(default=None, validator=v.optional(v.and_(v.ge(0), v.le(2))))
    max_tokens: int = attrs.field(default=4_096, validator=v.ge(1))
    max_selection_lines: int = attrs.field(default=400, validator=v.ge(1))
    context_lines: int = attrs.field(default=40, validator=v.ge(0))
    throttle_ms: int = attrs.field(default=100, validator=v.ge(0))


@attrs.frozen(kw_only=True)
class Settings:
    """Everything the user can set; field docs live in settings.schema.json and README.md."""

    base_url: str = attrs.field(default=DEFAULT_BASE_URL, validator=v.matches_re(r"https?://\S+"))
    api_key_env: str = attrs.field(default=DEFAULT_API_KEY_ENV, validator=v.matches_re(r"\w+"))
    model: str = attrs.field(default=DEFAULT_MODEL, validator=v.min_len(1))
    temperature: float = attrs.field(default=0.2, validator=v.and_(v.ge(0), v.le(2)))
    top_p: float | None = attrs.field(default=None, validator=v.optional(v.and_(v.ge(0), v.le(1))))
    max_tokens: int | None = attrs.field(default=None, validator=v.optional(v.ge(1)))
    seed: int | None = None
    user: str | None = None
    extra_params: dict[str, Any] = attrs.field(factory=dict)
    log_prompts: bool = False
    timeouts: Timeouts = attrs.field(factory=Timeouts)
    inline: InlineSettings = attrs.field(factory=InlineSettings)
    actions: ActionSettings = attrs.field(factory=ActionSettings)

    def api_key(self, environ: Mapping[str, str] | None = None) -> str | None:
        """Read the key at use time, never store it in settings or logs."""
        value = (os.environ if environ is None else environ).get(self.api_key_env, "").strip()
        return value or None

    @property
    def inline_model(self) -> str:
        return self.inline.model or self.model

    @property
    def actions_model(self) -> str:
        return self.actions.model or self.model


for _cls in (Timeouts, InlineSettings, ActionSettings, Settings):
    attrs.resolve_types(_cls)  # annotations are strings under postponed evaluation


def camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def _strict_converter() -> cattrs.Converter:
    """cattrs coerces ``"false"`` to True and ``"5"`` to 5; settings must not guess like that."""
    conv = cattrs.Converter()

    def exact(kind: type, *accepted: type) -> None:
        ok = accepted or (kind,)

        def hook(value: Any, _: Any) -> Any:
            if isinstance(value, bool) and bool not in ok:
                raise TypeError(f"expected {_type_words(kind)}")
            if not isinstance(value, ok):
                raise TypeError(f"expected {_type_words(kind)}")
            return kind(value)

        conv.register_structure_hook(kind, hook)

    exact(bool)
    exact(int)
    exact(float, int, float)
    exact(str)
    return conv


def _type_words(kind: Any) -> str:
    return {bool: "true or false", int: "a whole number", float: "a number", str: "a string"}.get(
        kind, str(kind)
    )


_converter = _strict_converter()
T = TypeVar("T")


@attrs.frozen
class SettingError:
    """One problem with one key, worded for the user."""

    key: str
    message: str


def merge(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    """Deep-merge camelCase dicts; ``None`` in ``override`` means "unset, use what's below"."""
    out = dict(base)
    for key, value in override.items():
        if value is None:
            continue
        if isinstance(value, Mapping) and isinstance(out.get(key), Mapping):
            out[key] = merge(out[key], value)
        else:
            out[key] = value
    return out


def build(cls: type[T], raw: Mapping[str, Any], prefix: str = "") -> tuple[T, list[SettingError]]:
    """Structure ``raw`` into ``cls`` field by field; a bad field keeps its default."""
    errors: list[SettingError] = []
    fields = {camel(f.name): f for f in attrs.fields(cls)}  # type: ignore[misc]
    kwargs: dict[str, Any] = {}
    for key, value in raw.items():
        dotted = f"{prefix}{key}"
        field = fields.get(key) or fields.get(camel(snake(key)))
        if field is None:
            close = difflib.get_close_matches(key, list(fields), n=1)
            hint = f" (did you mean '{prefix}{close[0]}'?)" if close else ""
            errors.append(SettingError(dotted, f"unknown setting '{dotted}' ignored{hint}"))
            continue
        if attrs.has(field.type) if isinstance(field.type, type) else False:
            if not isinstance(value, Mapping):
                errors.append(SettingError(dotted, f"'{dotted}' must be an object; using defaults"))
                continue
            kwargs[field.name], sub = build(field.type, value, f"{dotted}.")
            errors.extend(sub)
            continue
        try:
            converted = _converter.structure(value, field.type)
            if field.validator is not None:
                field.validator(None, field, converted)
        except Exception as exc:  # cattrs and attrs raise several types; all mean "invalid"
            default = field.default.factory() if isinstance(field.default, attrs.Factory) else field.default  # type: ignore[arg-type]
            errors.append(
                SettingError(
                    dotted,
                    f"'{dotted}' has an invalid value {value!r} ({_reason(exc)}); "
                    f"using the default {default!r}",
                )
            )
            continue
        kwargs[field.name] = converted
    return cls(**kwargs), errors


def _reason(exc: Exception) -> str:
    if isinstance(exc, cattrs.BaseValidationError):
        return "; ".join(cattrs.transform_error(exc)) or str(exc)
    text = str(exc)
    if text.startswith("'") and "must be" in text:
        return text.split(" ", 1)[1]
    return text.split(":")[0] if "<" in text else text


def from_environment(environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The environment layer: the quickest set-up is two exported variables."""
    env = os.environ if environ is None else environ
    layer: dict[str, Any] = {}
    if env.get("VC_LSP_BASE_URL"):
        layer["baseUrl"] = env["VC_LSP_BASE_URL"].strip()
    if env.get("VC_LSP_MODEL"):
        layer["model"] = env["VC_LSP_MODEL"].strip()
    return layer


def section_of(payload: Any) -> dict[str, Any]:
    """Accept ``{"vcLsp": {...}}`` or the bare section, as clients send either."""
    if not isinstance(payload, Mapping):
        return {}
    inner = payload.get(SECTION)
    if isinstance(inner, Mapping):
        return dict(inner)
    known = {camel(f.name) for f in attrs.fields(Settings)}
    return {k: val for k, val in payload.items() if k in known}


class SettingsStore:
    """Holds the layers and the merged result; reports each distinct problem only once."""

    def __init__(self, environ: Mapping[str, str] | None = None) -> None:
        self._layers: dict[str, dict[str, Any]] = {"env": from_environment(environ)}
        self._reported: set[str] = set()
        self.current, _ = build(Settings, self._layers["env"])

    def update(self, layer: str, raw: Any) -> list[str]:
        """Replace one layer and rebuild; return the new problems, worded for the user."""
        self._layers[layer] = section_of(raw) if layer != "env" else dict(raw)
        merged: dict[str, Any] = {}
        for name in ("env", "init", "client"):
            merged = merge(merged, self._layers.get(name, {}))
        self.current, errors = build(Settings, merged)
        fresh = [e.message for e in errors if e.message not in self._reported]
        self._reported.update(fresh)
        return fresh
