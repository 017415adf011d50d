"""settings.schema.json and the attrs classes in config.py must describe the same settings.

Keys, types, defaults and enums are compared directly. Ranges and patterns are compared by
behaviour: values just inside and just outside each bound the schema states are fed through
``config.build``, which must accept and reject exactly the same ones, and a numeric field with no
bound in the schema must accept extreme values. The README must list every key as well.
"""

from __future__ import annotations

import json
import re
import types
import typing
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any

import attrs
import pytest

from vc_lsp import config
from vc_lsp.config import Settings, build, camel

SCHEMA_TEXT = resources.files("vc_lsp").joinpath("settings.schema.json").read_text("utf-8")
SCHEMA: dict[str, Any] = json.loads(SCHEMA_TEXT)
README = Path(__file__).resolve().parent.parent / "README.md"

# The keywords this schema may use; ``_validate`` below understands every one of them.
KNOWN_KEYWORDS = {"$schema", "title", "description", "type", "properties", "additionalProperties",
                  "default", "minimum", "maximum", "enum", "pattern", "minLength", "items"}
JSON_TYPES = {bool: "boolean", int: "integer", float: "number", str: "string", dict: "object",
              list: "array"}


def leaves(cls: type, schema: dict[str, Any],
           prefix: str = "") -> Iterator[tuple[str, attrs.Attribute[Any], dict[str, Any]]]:
    """``(dotted key, attrs field, sub-schema)`` for every non-object setting, recursively."""
    for field in attrs.fields(cls):
        key = camel(field.name)
        sub = schema["properties"][key]
        if _is_attrs(field.type):
            yield from leaves(field.type, sub, f"{prefix}{key}.")
        else:
            yield f"{prefix}{key}", field, sub


def objects(cls: type, schema: dict[str, Any],
            prefix: str = "") -> Iterator[tuple[str, type, dict[str, Any]]]:
    """``(dotted key, attrs class, sub-schema)`` for the root and every nested settings object."""
    yield prefix.rstrip("."), cls, schema
    for field in attrs.fields(cls):
        if _is_attrs(field.type):
            key = camel(field.name)
            yield from objects(field.type, schema["properties"][key], f"{prefix}{key}.")


def _is_attrs(kind: Any) -> bool:
    return isinstance(kind, type) and attrs.has(kind)


def _default(field: attrs.Attribute[Any]) -> Any:
    default: Any = field.default
    return default.factory() if isinstance(default, attrs.Factory) else default  # type: ignore[arg-type]


def _camel_dict(instance: Any) -> dict[str, Any]:
    """An attrs instance as the camelCase JSON object a user would write."""
    out: dict[str, Any] = {}
    for field in attrs.fields(type(instance)):
        value = getattr(instance, field.name)
        out[camel(field.name)] = _camel_dict(value) if attrs.has(type(value)) else value
    return out


def _expected_type(kind: Any) -> tuple[set[str], tuple[Any, ...] | None]:
    """JSON type names and enum values for a field annotation."""
    args = typing.get_args(kind)
    if typing.get_origin(kind) in (typing.Union, types.UnionType):
        names: set[str] = set()
        enum = None
        for arg in args:
            if arg is type(None):
                names.add("null")
            else:
                sub, enum = _expected_type(arg)
                names |= sub
        return names, enum
    if typing.get_origin(kind) is typing.Literal:
        return {JSON_TYPES[type(args[0])]}, args
    return {JSON_TYPES[typing.get_origin(kind) or kind]}, None


def _types(schema: dict[str, Any]) -> set[str]:
    kind = schema["type"]
    return {kind} if isinstance(kind, str) else set(kind)


def _set(dotted: str, value: Any) -> dict[str, Any]:
    """``{"inline": {"n": 3}}`` for ``("inline.n", 3)``."""
    *parents, last = dotted.split(".")
    raw: dict[str, Any] = {last: value}
    for parent in reversed(parents):
        raw = {parent: raw}
    return raw


def _accepted(dotted: str, value: Any) -> bool:
    _, errors = build(Settings, _set(dotted, value))
    return not errors


def _validate(value: Any, schema: dict[str, Any], where: str = "") -> list[str]:
    """A small validator for exactly the keywords in KNOWN_KEYWORDS (no new dependency)."""
    problems: list[str] = []
    checks = {"null": value is None, "boolean": isinstance(value, bool),
              "integer": isinstance(value, int) and not isinstance(value, bool),
              "number": isinstance(value, int | float) and not isinstance(value, bool),
              "string": isinstance(value, str), "object": isinstance(value, dict),
              "array": isinstance(value, list)}
    if not any(checks[t] for t in _types(schema)):
        return [f"{where}: {value!r} is not {schema['type']}"]
    if checks["number"]:
        if "minimum" in schema and value < schema["minimum"]:
            problems.append(f"{where}: {value!r} < minimum {schema['minimum']}")
        if "maximum" in schema and value > schema["maximum"]:
            problems.append(f"{where}: {value!r} > maximum {schema['maximum']}")
    if checks["string"]:
        if "pattern" in schema and not re.search(schema["pattern"], value):
            problems.append(f"{where}: {value!r} does not match {schema['pattern']}")
        if len(value) < schema.get("minLength", 0):
            problems.append(f"{where}: {value!r} is shorter than {schema['minLength']}")
    if "enum" in schema and value not in schema["enum"]:
        problems.append(f"{where}: {value!r} not in {schema['enum']}")
    if checks["array"] and "items" in schema:
        for i, item in enumerate(value):
            problems += _validate(item, schema["items"], f"{where}[{i}]")
    if checks["object"] and "properties" in schema:
        for key, item in value.items():
            if key in schema["properties"]:
                problems += _validate(item, schema["properties"][key], f"{where}.{key}")
            elif schema.get("additionalProperties", True) is False:
                problems.append(f"{where}: unknown key {key!r}")
    return problems


def _walk(schema: dict[str, Any], where: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    yield where, schema
    for key, sub in schema.get("properties", {}).items():
        yield from _walk(sub, f"{where}.{key}".lstrip("."))


# --- the schema file itself ---------------------------------------------------------------


def test_schema_is_draft_2020_12_json_object() -> None:
    assert SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert SCHEMA["type"] == "object"
    assert SCHEMA["title"] == config.SECTION


def test_schema_uses_only_keywords_the_checks_understand() -> None:
    for where, sub in _walk(SCHEMA):
        unknown = set(sub) - KNOWN_KEYWORDS
        assert not unknown, f"{where or '<root>'} uses {unknown}; teach _validate about them"


def test_every_property_has_type_default_and_one_line_description() -> None:
    for where, sub in _walk(SCHEMA):
        if not where:
            continue
        assert "type" in sub, where
        assert "default" in sub, where
        text = sub.get("description", "")
        assert text.strip() and "\n" not in text, f"{where}: needs a one-line description"


def test_schema_defaults_validate_against_the_schema() -> None:
    for where, sub in _walk(SCHEMA):
        if where:
            assert _validate(sub["default"], sub, where) == []


# --- schema <-> attrs ---------------------------------------------------------------------


def test_same_keys_at_every_level() -> None:
    for where, cls, sub in objects(Settings, SCHEMA):
        fields = {camel(f.name) for f in attrs.fields(cls)}
        assert set(sub["properties"]) == fields, f"{where or '<root>'} differs"
        assert sub["additionalProperties"] is False, where or "<root>"


def test_types_match_annotations() -> None:
    for dotted, field, sub in leaves(Settings, SCHEMA):
        names, _ = _expected_type(field.type)
        assert _types(sub) == names, dotted
    for dotted, _cls, sub in objects(Settings, SCHEMA):
        assert sub["type"] == "object", dotted


def test_defaults_match() -> None:
    for dotted, field, sub in leaves(Settings, SCHEMA):
        expected = _default(field)
        assert sub["default"] == expected, f"{dotted}: schema {sub['default']!r}, code {expected!r}"
        assert _validate(expected, sub, dotted) == [], "the code's default breaks the schema"
    for dotted, cls, sub in objects(Settings, SCHEMA):
        if dotted:
            assert sub["default"] == _camel_dict(cls()), dotted


def test_enums_match() -> None:
    for dotted, field, sub in leaves(Settings, SCHEMA):
        _, enum = _expected_type(field.type)
        if enum is None:
            assert "enum" not in sub, dotted
            continue
        assert sub["enum"] == list(enum), dotted
        for choice in enum:
            assert _accepted(dotted, choice), f"{dotted}={choice!r}"
        assert not _accepted(dotted, "not-a-choice"), dotted


def test_schema_defaults_build_without_errors() -> None:
    for dotted, _field, sub in leaves(Settings, SCHEMA):
        _, errors = build(Settings, _set(dotted, sub["default"]))
        assert errors == [], dotted
    settings, errors = build(Settings, _leaf_defaults_with_nulls())
    assert errors == []
    assert settings == Settings()
    for dotted, cls, sub in objects(Settings, SCHEMA):
        if dotted:
            built: Any
            built, errors = build(cls, sub["default"])
            assert errors == [] and built == cls(), dotted


def _leaf_defaults_with_nulls() -> dict[str, Any]:
    """Every default at once, nulls included (``merge`` would drop them, so nest by hand)."""
    raw: dict[str, Any] = {}
    for dotted, _field, sub in leaves(Settings, SCHEMA):
        node = raw
        *parents, last = dotted.split(".")
        for parent in parents:
            node = node.setdefault(parent, {})
        node[last] = sub["default"]
    return raw


NUMERIC = {dotted: sub for dotted, _field, sub in leaves(Settings, SCHEMA)
           if _types(sub) & {"integer", "number"}}


@pytest.mark.parametrize("dotted", sorted(NUMERIC))
def test_numeric_ranges_match_validators(dotted: str) -> None:
    sub = NUMERIC[dotted]
    step = 1 if "integer" in _types(sub) else 0.001
    huge = 10**9
    if "minimum" in sub:
        assert _accepted(dotted, sub["minimum"]), f"{dotted}: code rejects the schema minimum"
        assert not _accepted(dotted, sub["minimum"] - step), f"{dotted}: code allows lower"
    else:
        assert _accepted(dotted, -huge), f"{dotted}: code has a lower bound the schema lacks"
    if "maximum" in sub:
        assert _accepted(dotted, sub["maximum"]), f"{dotted}: code rejects the schema maximum"
        assert not _accepted(dotted, sub["maximum"] + step), f"{dotted}: code allows higher"
    else:
        assert _accepted(dotted, huge), f"{dotted}: code has an upper bound the schema lacks"


STRING_SAMPLES = ["", "x", "gpt-4.1-mini", "OPENAI_API_KEY", "A-B", "two words",
                  "http://localhost:11434/v1", "http://127.0.0.1:8080/v1", "https://a",
                  "https://", "ftp://host/v1", "http://a b", "localhost:8080"]


def test_string_rules_match_validators() -> None:
    for dotted, _field, sub in leaves(Settings, SCHEMA):
        if "string" not in _types(sub) or "enum" in sub:
            continue
        for sample in STRING_SAMPLES:
            in_schema = not _validate(sample, sub, dotted)
            assert in_schema == _accepted(dotted, sample), f"{dotted}={sample!r}"


def test_wrong_types_and_nulls_rejected_as_the_schema_says() -> None:
    wrong: dict[str, list[Any]] = {
        "boolean": ["true", 1], "integer": ["5", True, 2.5], "number": ["0.5", True],
        "string": [5, True], "object": [[], "x"], "array": ["x", 5, {}, [1]],
    }
    for dotted, _field, sub in leaves(Settings, SCHEMA):
        kinds = _types(sub)
        for kind in kinds - {"null"}:
            for value in wrong[kind]:
                if not any(_validate(value, {"type": k}) == [] for k in kinds):
                    assert not _accepted(dotted, value), f"{dotted}={value!r}"
        assert _accepted(dotted, None) == ("null" in kinds), f"{dotted}=null"


def test_unknown_keys_rejected_at_every_level() -> None:
    for dotted, _cls, _sub in objects(Settings, SCHEMA):
        key = f"{dotted}.noSuchSetting" if dotted else "noSuchSetting"
        assert not _accepted(key, 1), key


# --- schema <-> README --------------------------------------------------------------------


def test_readme_documents_every_setting() -> None:
    text = README.read_text("utf-8")
    missing = [dotted for dotted, _f, _s in leaves(Settings, SCHEMA) if f"`{dotted}`" not in text]
    assert not missing, f"README.md does not document {missing}"
