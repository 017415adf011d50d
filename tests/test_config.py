"""Settings layers, precedence, and one plain-words message per bad value."""

from __future__ import annotations

import re
from typing import Any

import pytest

from vc_lsp.config import (
    DEFAULT_API_KEY_ENV,
    DEFAULT_BASE_URL,
    DEFAULT_MODEL,
    InlineSettings,
    Settings,
    SettingsStore,
    Timeouts,
)


def store(**env: str) -> SettingsStore:
    return SettingsStore(environ=env)


def test_defaults() -> None:
    s = store().current
    assert s == Settings()
    assert (s.base_url, s.api_key_env, s.model) == (DEFAULT_BASE_URL, DEFAULT_API_KEY_ENV,
                                                    DEFAULT_MODEL)
    assert s.temperature == 0.2 and s.top_p is None
    assert s.extra_params == {} and s.log_prompts is False
    assert s.timeouts == Timeouts() and s.timeouts.first_token_ms == 20_000
    assert s.inline.debounce_ms == 75 and s.inline.completion_fallback == "auto"
    assert s.inline_model == DEFAULT_MODEL and s.actions_model == DEFAULT_MODEL


def test_env_layer() -> None:
    st = store(VC_LSP_BASE_URL=" http://localhost:8080/v1 ", VC_LSP_MODEL="local-model",
               UNRELATED="x")
    assert st.current.base_url == "http://localhost:8080/v1"
    assert st.current.model == "local-model"
    assert st.update("init", {}) == []


def test_blank_env_values_are_ignored() -> None:
    st = store(VC_LSP_BASE_URL="  ", VC_LSP_MODEL="")
    assert st.current == Settings()


def test_api_key_is_read_through_api_key_env() -> None:
    s = Settings(api_key_env="MY_KEY")
    assert s.api_key({"MY_KEY": "  sk-abc  "}) == "sk-abc"
    assert s.api_key({"MY_KEY": "   "}) is None
    assert s.api_key({"VISIONCODER_API_KEY": "sk-other"}) is None
    assert "sk-abc" not in repr(s)


def test_api_key_defaults_to_process_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOME_PROVIDER_KEY", "sk-from-env")
    st = store()
    assert st.update("client", {"vcLsp": {"apiKeyEnv": "SOME_PROVIDER_KEY"}}) == []
    assert st.current.api_key() == "sk-from-env"
    monkeypatch.delenv("SOME_PROVIDER_KEY")
    assert st.current.api_key() is None


def test_precedence_env_init_client() -> None:
    st = store(VC_LSP_MODEL="env-model", VC_LSP_BASE_URL="http://env/v1")
    assert st.current.model == "env-model"
    st.update("init", {"model": "init-model", "temperature": 0.5})
    assert st.current.model == "init-model"
    assert st.current.base_url == "http://env/v1"
    st.update("client", {"vcLsp": {"model": "client-model"}})
    assert st.current.model == "client-model"
    assert st.current.temperature == 0.5  # not overridden by the client: init still counts
    st.update("client", {"vcLsp": {}})
    assert st.current.model == "init-model"


def test_client_layer_wins_whatever_the_update_order() -> None:
    st = store()
    st.update("client", {"vcLsp": {"model": "client-model"}})
    st.update("init", {"model": "init-model"})
    assert st.current.model == "client-model"


@pytest.mark.parametrize("payload", [
    {"vcLsp": {"model": "m", "inline": {"n": 2}}},
    {"model": "m", "inline": {"n": 2}},
    {"vcLsp": {"model": "m", "inline": {"n": 2}}, "python": {"linting": True}},
], ids=["wrapped", "bare", "wrapped-among-others"])
def test_wrapped_and_bare_sections(payload: dict[str, Any]) -> None:
    st = store()
    assert st.update("client", payload) == []
    assert st.current.model == "m" and st.current.inline.n == 2


def test_payload_that_is_not_ours_is_ignored() -> None:
    st = store()
    assert st.update("client", {"python": {"linting": True}}) == []
    assert st.update("client", None) == []
    assert st.update("client", ["x"]) == []
    assert st.current == Settings()


def test_nested_objects_are_merged_across_layers() -> None:
    st = store()
    st.update("init", {"inline": {"debounceMs": 10, "n": 3},
                       "timeouts": {"totalMs": 5_000}, "actions": {"model": "big"}})
    st.update("client", {"vcLsp": {"inline": {"n": 2}, "timeouts": {"firstTokenMs": 900}}})
    s = st.current
    assert s.inline == InlineSettings(debounce_ms=10, n=2)
    assert s.timeouts == Timeouts(total_ms=5_000, first_token_ms=900)
    assert s.actions.model == "big" and s.actions_model == "big"
    assert s.inline_model == DEFAULT_MODEL


def test_null_means_unset_even_inside_a_nested_object() -> None:
    """VS Code sends every declared setting, with null for the ones the user did not set."""
    st = store()
    st.update("init", {"inline": {"debounceMs": 10}})
    problems = st.update("client", {"vcLsp": {"model": None, "inline": {
        "debounceMs": None, "model": None, "temperature": None}}})
    assert problems == []
    assert st.current.inline.debounce_ms == 10 and st.current.model == DEFAULT_MODEL
    fresh = store()
    assert fresh.update("client", {"vcLsp": {"inline": {"debounceMs": None, "n": 2},
                                             "timeouts": {"totalMs": None}}}) == []
    assert fresh.current.inline == InlineSettings(n=2)


def test_snake_case_keys_are_accepted() -> None:
    st = store()
    assert st.update("init", {"base_url": "http://h/v1", "inline": {"debounce_ms": 5}}) == []
    assert st.current.base_url == "http://h/v1" and st.current.inline.debounce_ms == 5


BAD_VALUES = [
    ({"inline": {"debounceMs": "fast"}}, "inline.debounceMs", "a whole number"),
    ({"logPrompts": "false"}, "logPrompts", "true or false"),
    ({"inline": {"enabled": "false"}}, "inline.enabled", "true or false"),
    ({"temperature": 3}, "temperature", "from 0 to 2"),
    ({"inline": {"temperature": -1}}, "inline.temperature", "from 0 to 2"),
    ({"inline": {"completionFallback": "sometimes"}}, "inline.completionFallback",
     '"auto", "always" or "never"'),
    ({"inline": {"n": 9}}, "inline.n", "from 1 to 5"),
    ({"timeouts": {"totalMs": 0}}, "timeouts.totalMs", "at least 1"),
    ({"baseUrl": "localhost:8080"}, "baseUrl", "http:// or https:// URL"),
    ({"apiKeyEnv": "MY KEY"}, "apiKeyEnv", "environment variable"),
    ({"model": ""}, "model", "non-empty"),
    ({"seed": 1.5}, "seed", "a whole number"),
    ({"extraParams": ["x"]}, "extraParams", "an object"),
    ({"inline": "fast"}, "inline", "an object"),
    ({"timeouts": 5}, "timeouts", "an object"),
]


@pytest.mark.parametrize(("raw", "key", "words"), BAD_VALUES,
                         ids=[k for _, k, _ in BAD_VALUES])
def test_invalid_value_falls_back_alone_with_one_plain_message(raw: dict[str, Any], key: str,
                                                               words: str) -> None:
    st = store()
    good: dict[str, Any] = {"model": "kept-model", "inline": {"maxLines": 3},
                            "timeouts": {"connectMs": 7}}
    layered = {**good, **{k: v for k, v in raw.items()}}
    if isinstance(raw.get("inline"), dict):
        layered["inline"] = {**good["inline"], **raw["inline"]}
    if isinstance(raw.get("timeouts"), dict):
        layered["timeouts"] = {**good["timeouts"], **raw["timeouts"]}
    problems = st.update("client", {"vcLsp": layered})
    assert len(problems) == 1, problems
    message = problems[0]
    assert f"'{key}'" in message
    assert words in message
    assert "default" in message or "unset" in message
    # plain words: no Python reprs of classes, attrs internals, or snake_case names
    assert not re.search(r"<class|typing\.|Attribute\(|Literal\[|validator|None|True|False",
                         message), message
    assert not re.search(r"\b[a-z]+_[a-z]+", message), message  # camelCase keys only
    # only the bad field fell back; its neighbours kept their values
    s = st.current
    _assert_default_at(s, key)
    if "model" not in raw:
        assert s.model == "kept-model"
    if key not in ("inline",):
        assert s.inline.max_lines == 3
    if key not in ("timeouts",):
        assert s.timeouts.connect_ms == 7


def _assert_default_at(s: Settings, key: str) -> None:
    """The bad value was not taken: ``key`` holds its default (objects: all their defaults)."""
    value: Any = s
    default: Any = Settings()
    for part in key.split("."):
        value, default = getattr(value, _snake(part)), getattr(default, _snake(part))
    assert value == default, key


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def test_messages_show_values_as_json_and_hint_at_quotes() -> None:
    st = store()
    [bool_msg] = st.update("init", {"logPrompts": "false"})
    assert '"false"' in bool_msg and "without quotes" in bool_msg
    assert "using the default false" in bool_msg
    [num_msg] = st.update("init", {"inline": {"debounceMs": "50"}})
    assert "without quotes" in num_msg and "using the default 75" in num_msg
    [word_msg] = st.update("init", {"inline": {"debounceMs": "fast"}})
    assert "without quotes" not in word_msg


def test_optional_field_says_it_stays_unset() -> None:
    [message] = store().update("init", {"topP": 2})
    assert "'topP'" in message and "from 0 to 1" in message and "leaving it unset" in message


@pytest.mark.parametrize(("raw", "expected"), [
    ({"modle": "x"}, "unknown setting 'modle' ignored (did you mean 'model'?)"),
    ({"inline": {"debounceMS": 3}},
     "unknown setting 'inline.debounceMS' ignored (did you mean 'inline.debounceMs'?)"),
    ({"timeouts": {"firstToken": 3}},
     "unknown setting 'timeouts.firstToken' ignored (did you mean 'timeouts.firstTokenMs'?)"),
    ({"completelyDifferent": 1}, "unknown setting 'completelyDifferent' ignored"),
])
def test_unknown_key_with_did_you_mean(raw: dict[str, Any], expected: str) -> None:
    st = store()
    assert st.update("client", {"vcLsp": raw}) == [expected]
    assert st.current == Settings()


def test_unknown_key_in_a_bare_section_is_reported_too() -> None:
    st = store()
    assert st.update("init", {"model": "m", "debounceMs": 5}) == [
        "unknown setting 'debounceMs' ignored"]
    assert st.current.model == "m"


def test_several_problems_each_reported_once() -> None:
    st = store()
    problems = st.update("init", {"temperature": 3, "inline": {"n": 0, "debounceMs": "x"}})
    assert len(problems) == 3
    assert {p.split("'")[1] for p in problems} == {"temperature", "inline.n", "inline.debounceMs"}


def test_same_problem_reported_only_once_across_updates() -> None:
    st = store()
    bad = {"vcLsp": {"inline": {"debounceMs": "fast"}}}
    assert len(st.update("client", bad)) == 1
    assert st.update("client", bad) == []
    assert st.update("init", {"model": "other"}) == []  # still there, still quiet
    assert st.current.inline.debounce_ms == 75
    # a different bad value for the same key is a new problem
    assert len(st.update("client", {"vcLsp": {"inline": {"debounceMs": "slow"}}})) == 1


def test_problem_fixed_then_broken_again_is_reported_again() -> None:
    st = store()
    bad = {"vcLsp": {"temperature": 3}}
    assert len(st.update("client", bad)) == 1
    assert st.update("client", {"vcLsp": {"temperature": 1}}) == []
    assert st.current.temperature == 1
    assert len(st.update("client", bad)) == 1


def test_bad_env_value_is_reported_once_and_names_the_variable() -> None:
    st = store(VC_LSP_BASE_URL="localhost:8080")
    assert st.current.base_url == DEFAULT_BASE_URL
    [message] = st.update("init", {})
    assert "'baseUrl'" in message and "VC_LSP_BASE_URL" in message
    assert st.update("client", {}) == []
    # overridden by a later layer: no longer a problem at all
    assert st.update("client", {"vcLsp": {"baseUrl": "http://ok/v1"}}) == []
    assert st.current.base_url == "http://ok/v1"


def test_direct_construction_still_validates() -> None:
    with pytest.raises(ValueError, match="from 0 to 2"):
        Settings(temperature=3)
    with pytest.raises(ValueError, match="one of"):
        InlineSettings(completion_fallback="sometimes")  # type: ignore[arg-type]
