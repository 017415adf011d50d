"""Settings: one owner for every knob, read from env, initializationOptions and the client.

Sources are merged in order (later wins): defaults, environment, ``initializationOptions``,
``workspace/didChangeConfiguration`` / ``workspace/configuration``. Each field is validated on its
own, so one bad value falls back to its default instead of discarding the whole configuration.
"""

from __future__ import annotations

import difflib
import json
import os
import re
import types
import typing
from collections.abc import Callable, Mapping
from typing import Any, Literal, TypeVar, cast

import attrs
import cattrs

DEFAULT_BASE_URL = "https://coder.api.visioncoder.cn/v1"
DEFAULT_API_KEY_ENV = "VISIONCODER_API_KEY"
DEFAULT_MODEL = "gpt-5.4"
SECTION = "vcLsp"
ENV_VARS = {"baseUrl": "VC_LSP_BASE_URL", "model": "VC_LSP_MODEL"}


class Invalid(ValueError):
    """A value that breaks a rule; ``words`` says what is expected, e.g. ``from 0 to 2``."""

    def __init__(self, words: str) -> None:
        super().__init__(f"must be {words}")
        self.words = words


@attrs.frozen
class Rule:
    """An attrs validator that also knows how to describe itself to the user."""

    words: str
    test: Callable[[Any], bool]
    allow_none: bool = False

    def __call__(self, _inst: Any, _attribute: Any, value: Any) -> None:
        if value is None and self.allow_none:
            return
        try:
            ok = value is not None and self.test(value)
        except TypeError:
            ok = False
        if not ok:
            raise Invalid(self.words)


def between(low: float, high: float, *, allow_none: bool = False) -> Rule:
    return Rule(f"from {low:g} to {high:g}", lambda x: low <= x <= high, allow_none)


def at_least(low: float, *, allow_none: bool = False) -> Rule:
    return Rule(f"of at least {low:g}", lambda x: x >= low, allow_none)


def _choice_words(choices: tuple[Any, ...]) -> str:
    shown = [json.dumps(c) for c in choices]
    return "one of " + ", ".join(shown[:-1]) + " or " + shown[-1] if len(shown) > 1 else shown[0]


def one_of(*choices: str) -> Rule:
    return Rule(_choice_words(choices), lambda x: x in choices)


@attrs.frozen(kw_only=True)
class Timeouts:
    """Upstream time limits; each failure mode gets its own so a slow model is not a dead one."""

    connect_ms: int = attrs.field(default=5_000, validator=at_least(1))
    first_token_ms: int = attrs.field(default=20_000, validator=at_least(1))
    between_chunks_ms: int = attrs.field(default=15_000, validator=at_least(1))
    total_ms: int = attrs.field(default=120_000, validator=at_least(1))


@attrs.frozen(kw_only=True)
class InlineSettings:
    """Ghost-text completion: tuned for latency and token cost."""

    enabled: bool = True
    model: str | None = None
    temperature: float | None = attrs.field(default=None, validator=between(0, 2, allow_none=True))
    max_tokens: int = attrs.field(default=256, validator=at_least(1))
    n: int = attrs.field(default=1, validator=between(1, 5))
    debounce_ms: int = attrs.field(default=75, validator=between(0, 5_000))
    max_lines: int = attrs.field(default=12, validator=at_least(1))
    prefix_chars: int = attrs.field(default=6_000, validator=at_least(0))
    suffix_chars: int = attrs.field(default=2_000, validator=at_least(0))
    completion_fallback: Literal["auto", "always", "never"] = attrs.field(
        default="auto", validator=one_of("auto", "always", "never")
    )
    completion_budget_ms: int = attrs.field(default=1_500, validator=at_least(0))


@attrs.frozen(kw_only=True)
class ActionSettings:
    """Code actions (explain, edit, fix): a stronger model and room for longer answers."""

    model: str | None = None
    temperature: float | None = attrs.field(default=None, validator=between(0, 2, allow_none=True))
    max_tokens: int = attrs.field(default=4_096, validator=at_least(1))
    max_selection_lines: int = attrs.field(default=400, validator=at_least(1))
    context_lines: int = attrs.field(default=40, validator=at_least(0))
    throttle_ms: int = attrs.field(default=100, validator=at_least(0))


_URL = re.compile(r"https?://\S+")
_ENV_NAME = re.compile(r"\w+")
_PROXY = re.compile(r"^(https?://)?[^\s/]+/?$")


@attrs.frozen(kw_only=True)
class NetworkSettings:
    """Corporate networks: the proxy, the CAs to trust, and how strict TLS is."""

    proxy: str | None = attrs.field(default=None, validator=Rule(
        'a proxy such as "http://proxy.corp:3128", or "none" to ignore the proxy variables',
        lambda x: bool(_PROXY.search(x)), allow_none=True))
    no_proxy: str = ""
    ca_bundle: str | None = None
    system_certificates: bool = True
    strict_tls: bool = True
    http2: bool = True


@attrs.frozen(kw_only=True)
class Settings:
    """Everything the user can set; field docs live in settings.schema.json and README.md."""

    base_url: str = attrs.field(default=DEFAULT_BASE_URL, validator=Rule(
        "an http:// or https:// URL without spaces", lambda x: bool(_URL.fullmatch(x))))
    api_key_env: str = attrs.field(default=DEFAULT_API_KEY_ENV, validator=Rule(
        "the name of an environment variable (letters, digits and _ only)",
        lambda x: bool(_ENV_NAME.fullmatch(x))))
    model: str = attrs.field(default=DEFAULT_MODEL,
                             validator=Rule("a non-empty string", lambda x: x != ""))
    temperature: float = attrs.field(default=0.2, validator=between(0, 2))
    top_p: float | None = attrs.field(default=None, validator=between(0, 1, allow_none=True))
    seed: int | None = None
    user: str | None = None
    extra_params: dict[str, Any] = attrs.field(factory=dict)
    log_prompts: bool = False
    timeouts: Timeouts = attrs.field(factory=Timeouts)
    inline: InlineSettings = attrs.field(factory=InlineSettings)
    actions: ActionSettings = attrs.field(factory=ActionSettings)
    network: NetworkSettings = attrs.field(factory=NetworkSettings)

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

    def model_roles(self) -> dict[str, list[str]]:
        """Each distinct configured model and what it is used for, in a stable order."""
        out: dict[str, list[str]] = {}
        out.setdefault(self.inline_model, []).append("completions")
        out.setdefault(self.actions_model, []).append("code actions")
        return out


for _cls in (Timeouts, InlineSettings, ActionSettings, NetworkSettings, Settings):
    attrs.resolve_types(_cls)  # annotations are strings under postponed evaluation


def camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


# --- turning user JSON into typed values, with plain-words problems -----------------------

_TYPE_WORDS: dict[Any, str] = {bool: "true or false", int: "a whole number", float: "a number",
                               str: "a string", dict: "an object"}


def _is_settings_class(kind: Any) -> bool:
    return isinstance(kind, type) and attrs.has(kind)


def _parts(kind: Any) -> tuple[Any, bool]:
    """``(inner type, accepts null)`` for ``X | None`` and plain ``X`` alike."""
    if typing.get_origin(kind) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(kind) if a is not type(None)]
        return (args[0] if len(args) == 1 else kind), len(args) < len(typing.get_args(kind))
    return kind, False


def _type_words(kind: Any) -> str:
    inner, _ = _parts(kind)
    if typing.get_origin(inner) is Literal:
        return _choice_words(typing.get_args(inner))
    return _TYPE_WORDS.get(typing.get_origin(inner) or inner, "a value of another kind")


def requirement(field: attrs.Attribute[Any]) -> str:
    """What a field accepts, in words: ``a whole number from 0 to 5000``."""
    words = _type_words(field.type)
    rule = field.validator
    if not isinstance(rule, Rule) or words.startswith("one of"):
        return words
    if rule.words.startswith(("from ", "of ")):  # a range narrows the type
        return f"{words} {rule.words}"
    return rule.words  # a rule for a string describes the whole value


def _strict_converter() -> cattrs.Converter:
    """cattrs, minus its guessing: ``"false"`` is not a bool here, and ``"5"`` is not a number."""
    converter = cattrs.Converter()

    def exact(kind: type, accepts: tuple[type, ...]) -> None:
        def hook(value: Any, _: Any) -> Any:
            if isinstance(value, bool) != (kind is bool) or not isinstance(value, accepts):
                raise Invalid(_TYPE_WORDS[kind])
            return kind(value)

        converter.register_structure_hook(kind, hook)

    exact(bool, (bool,))
    exact(int, (int,))
    exact(float, (int, float))
    exact(str, (str,))
    return converter


_converter = _strict_converter()


def _coerce(value: Any, kind: Any) -> Any:
    """``value`` as ``kind`` (Optional and Literal handled by cattrs), or :class:`Invalid`."""
    try:
        return _converter.structure(value, kind)
    except (cattrs.BaseValidationError, cattrs.errors.CattrsError, TypeError, ValueError,
            AttributeError) as exc:  # cattrs reports a wrong shape in several ways
        if isinstance(exc, Invalid):
            raise
        raise Invalid(_type_words(kind)) from exc


def _shown(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, default=lambda o: type(o).__name__)
    return text if len(text) <= 60 else text[:57] + "..."


def _quoted_hint(value: Any, kind: Any) -> str:
    """``"false"`` for a bool or ``"5"`` for a number: the user only needs to drop the quotes."""
    if not isinstance(value, str):
        return ""
    try:
        parsed = json.loads(value)
    except ValueError:
        return ""
    try:
        _coerce(parsed, kind)
    except Invalid:
        return ""
    return " (write it without quotes)"


def _default_of(field: attrs.Attribute[Any]) -> Any:
    default: Any = field.default
    if isinstance(default, attrs.Factory):  # type: ignore[arg-type]
        return default.factory()
    return default


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
        if isinstance(value, Mapping):
            below = out.get(key)
            out[key] = merge(below if isinstance(below, Mapping) else {}, value)
        else:
            out[key] = value
    return out


def build(cls: type[T], raw: Mapping[str, Any], prefix: str = "") -> tuple[T, list[SettingError]]:
    """Structure ``raw`` into ``cls`` field by field; a bad field keeps its default."""
    errors: list[SettingError] = []
    fields = {camel(f.name): f for f in attrs.fields(cast(Any, cls))}
    kwargs: dict[str, Any] = {}
    for key, value in raw.items():
        dotted = f"{prefix}{key}"
        field = fields.get(key) or fields.get(camel(snake(key)))
        if field is None:
            close = difflib.get_close_matches(key, list(fields), n=1, cutoff=0.6) or [
                name for name in fields if name.lower() == str(key).lower()]
            hint = f" (did you mean '{prefix}{close[0]}'?)" if close else ""
            errors.append(SettingError(dotted, f"unknown setting '{dotted}' ignored{hint}"))
            continue
        dotted = f"{prefix}{camel(field.name)}"
        if _is_settings_class(field.type):
            if not isinstance(value, Mapping):
                errors.append(SettingError(
                    dotted, f"'{dotted}' must be an object such as {{\"...\": ...}}, "
                            f"not {_shown(value)}; using its defaults"))
                continue
            kwargs[field.name], sub = build(field.type, value, f"{dotted}.")
            errors.extend(sub)
            continue
        try:
            converted = _coerce(value, field.type)
            if field.validator is not None:
                field.validator(None, field, converted)
        except (Invalid, TypeError, ValueError):
            default = _default_of(field)
            fallback = ("leaving it unset" if default is None
                        else f"using the default {_shown(default)}")
            errors.append(SettingError(
                dotted, f"'{dotted}' must be {requirement(field)}, not {_shown(value)}"
                        f"{_quoted_hint(value, field.type)}; {fallback}"))
            continue
        kwargs[field.name] = converted
    return cls(**kwargs), errors


def from_environment(environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The environment layer: the quickest set-up is two exported variables."""
    env = os.environ if environ is None else environ
    layer: dict[str, Any] = {}
    for key, name in ENV_VARS.items():
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
        return {k: val for k, val in payload.items() if k != SECTION}
    return {}


class SettingsStore:
    """Holds the layers and the merged result; reports each distinct problem only once."""

    LAYERS = ("env", "init", "client")

    def __init__(self, environ: Mapping[str, str] | None = None) -> None:
        self._layers: dict[str, dict[str, Any]] = {"env": from_environment(environ)}
        self._reported: set[str] = set()
        self.current, _ = build(Settings, self._layers["env"])

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
        messages = [self._source(e) for e in errors]
        fresh = [m for m in dict.fromkeys(messages) if m not in self._reported]
        self._reported = set(messages)
        return fresh

    def _source(self, error: SettingError) -> str:
        """Say which environment variable a bad value came from when it was not overridden."""
        var = ENV_VARS.get(error.key)
        if var and error.key in self._layers.get("env", {}) and not any(
                error.key in layer for name, layer in self._layers.items() if name != "env"):
            return f"{error.message} (it comes from the environment variable {var})"
        return error.message
