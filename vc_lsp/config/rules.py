"""Validators that know how to describe themselves: to the user, in the schema, in the README.

Each rule is an attrs validator; ``words`` goes into messages ("must be from 0 to 2"), ``short``
into the README's Allowed column and ``schema`` into the JSON schema, so a bound is written once.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from typing import Any

import attrs


class Invalid(ValueError):
    """A value that breaks a rule; ``words`` says what is expected, e.g. ``from 0 to 2``."""

    def __init__(self, words: str) -> None:
        super().__init__(f"must be {words}")
        self.words = words


@attrs.frozen
class Rule:
    words: str
    test: Callable[[Any], bool]
    allow_none: bool = False
    short: str = ""
    schema: Mapping[str, Any] = attrs.field(factory=dict)

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
    return Rule(f"from {low:g} to {high:g}", lambda x: low <= x <= high, allow_none,
                short=f"{low:g}–{high:g}", schema={"minimum": low, "maximum": high})  # noqa: RUF001


def at_least(low: float, *, allow_none: bool = False) -> Rule:
    return Rule(f"of at least {low:g}", lambda x: x >= low, allow_none, short=f"≥ {low:g}",
                schema={"minimum": low})


def choice_words(choices: tuple[Any, ...]) -> str:
    shown = [json.dumps(c) for c in choices]
    return "one of " + ", ".join(shown[:-1]) + " or " + shown[-1] if len(shown) > 1 else shown[0]


def one_of(*choices: str) -> Rule:
    return Rule(choice_words(choices), lambda x: x in choices,
                short=", ".join(f"`{c}`" for c in choices), schema={"enum": list(choices)})


def matches(pattern: str, words: str, short: str, *, allow_none: bool = False) -> Rule:
    """A string rule: the whole value matches ``pattern``."""
    compiled = re.compile(pattern)
    return Rule(words, lambda x: bool(compiled.fullmatch(x)), allow_none, short=short,
                schema={"pattern": f"^{pattern}$"})


def non_empty() -> Rule:
    return Rule("a non-empty string", lambda x: x != "", short="non-empty string",
                schema={"minLength": 1})
