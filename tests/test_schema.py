"""The settings classes are the one source: the generated files must be current, and what the
generated schema says must be what ``config.build`` does.

Bounds and patterns are compared by behaviour: values just inside and just outside each bound
the schema states are fed through ``config.build``, which must accept and reject exactly the
same ones.
"""

from __future__ import annotations

import json
import re
from typing import Any

import attrs
import pytest

from vc_lsp.config import Settings, build, schema
from vc_lsp.config.settings import doc

SCHEMA = schema.json_schema()
LEAVES = {key: schema._property(cls, field) for key, cls, field in schema.leaves()}


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


def _types(sub: dict[str, Any]) -> set[str]:
    kind = sub["type"]
    return {kind} if isinstance(kind, str) else set(kind)


def test_generated_files_are_current() -> None:
    """Adding a setting is one field plus ``python -m vc_lsp.config.schema``; CI checks it."""
    assert schema.stale() == [], "run `python -m vc_lsp.config.schema` and commit the result"


def test_the_packaged_schema_is_the_generated_one() -> None:
    assert json.loads(schema.SCHEMA_FILE.read_text("utf-8")) == SCHEMA


def test_every_setting_has_a_one_line_description_and_a_valid_default() -> None:
    for key, cls, field in schema.leaves():
        text = doc(cls, field.name)
        assert text.strip() and "\n" not in text, f"{key}: needs a description"
        assert _accepted(key, LEAVES[key]["default"]), f"{key}: its default is refused"
    settings, errors = build(Settings, {})
    assert errors == [] and settings == Settings()


def test_readme_table_lists_every_setting_once() -> None:
    table = schema.readme_table()
    for key, _cls, _field in schema.leaves():
        assert table.count(f"| `{key}` |") == 1, key


NUMERIC = {key: sub for key, sub in LEAVES.items() if _types(sub) & {"integer", "number"}}


@pytest.mark.parametrize("dotted", sorted(NUMERIC))
def test_numeric_bounds_in_the_schema_are_the_validators(dotted: str) -> None:
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


def test_string_patterns_and_enums_in_the_schema_are_the_validators() -> None:
    for dotted, sub in LEAVES.items():
        if "string" not in _types(sub):
            continue
        for sample in [*STRING_SAMPLES, *sub.get("enum", [])]:
            in_schema = (re.search(sub.get("pattern", ""), sample) is not None
                         and len(sample) >= sub.get("minLength", 0)
                         and sample in sub.get("enum", [sample]))
            assert in_schema == _accepted(dotted, sample), f"{dotted}={sample!r}"


def test_nulls_are_accepted_exactly_where_the_schema_allows_them() -> None:
    for dotted, sub in LEAVES.items():
        assert _accepted(dotted, None) == ("null" in _types(sub)), f"{dotted}=null"


def test_unknown_keys_are_rejected_at_every_level() -> None:
    groups = [""] + [f"{schema.camel(f.name)}." for f in attrs.fields(Settings)
                     if attrs.has(f.type)]
    for prefix in groups:
        assert not _accepted(f"{prefix}noSuchSetting", 1), prefix
