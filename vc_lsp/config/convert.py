"""User JSON into typed settings, one key at a time, with problems in plain words.

cattrs does the structuring, minus its guessing (``"false"`` is not a bool here); a bad key
keeps its default and is reported with what it must be.
"""

from __future__ import annotations

import difflib
import json
import re
import types
import typing
from collections.abc import Mapping
from typing import Any, Literal, TypeVar, cast

import attrs
import cattrs

from ..messages import MESSAGE_WIDTH, fit, short
from .rules import Invalid, Rule, choice_words
from .settings import camel

BRIEF_WIDTH = MESSAGE_WIDTH - len("vc-lsp: ")  # the editor shows "vc-lsp: " + brief


def snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


# --- turning user JSON into typed values, with plain-words problems -----------------------

_TYPE_WORDS: dict[Any, str] = {bool: "true or false", int: "a whole number", float: "a number",
                               str: "a string", dict: "an object", list: "a list of strings"}


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
        return choice_words(typing.get_args(inner))
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

    def strings(value: Any, _: Any) -> list[str]:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise Invalid(_TYPE_WORDS[list])
        return list(value)

    converter.register_structure_hook_func(lambda t: t == list[str], strings)
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
    """One problem with one key, worded for the user: ``message`` in full (the log, the
    terminal commands), ``brief`` in one line for the editor (``BRIEF_WIDTH``)."""

    key: str
    message: str
    brief: str = ""


def brief(*candidates: str) -> str:
    """The first wording that fits one line, most detailed first."""
    for text in candidates:
        if len(text) <= BRIEF_WIDTH:
            return text
    return short(candidates[-1], BRIEF_WIDTH)


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
            message = f"unknown setting '{dotted}' ignored{hint}"
            errors.append(SettingError(dotted, message, brief(
                message, fit("unknown setting '{key}' ignored" + hint, key=str(dotted)),
                fit("unknown setting '{key}' ignored", key=str(dotted)))))
            continue
        dotted = f"{prefix}{camel(field.name)}"
        if _is_settings_class(field.type):
            if not isinstance(value, Mapping):
                message = (f"'{dotted}' must be an object such as {{\"...\": ...}}, "
                           f"not {_shown(value)}; using its defaults")
                errors.append(SettingError(dotted, message, brief(
                    message, f"'{dotted}' must be an object; using its defaults")))
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
            short_fallback = "left unset" if default is None else "default used"
            need = requirement(field)
            message = (f"'{dotted}' must be {need}, not {_shown(value)}"
                       f"{_quoted_hint(value, field.type)}; {fallback}")
            errors.append(SettingError(dotted, message, brief(
                message, f"'{dotted}' must be {need}; {fallback}",
                f"'{dotted}' must be {need}; {short_fallback}",
                f"'{dotted}' is invalid; {short_fallback} (the log says why)",
                f"'{dotted}' is invalid; {short_fallback}")))
            continue
        kwargs[field.name] = converted
    return cls(**kwargs), errors


