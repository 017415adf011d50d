"""Every setting, once: type, default, rule and the sentence users read about it.

The JSON schema (``settings.schema.json``), the README's settings table and the VS Code
extension's settings are generated from these classes (``python -m vc_lsp.config.schema``),
so adding a setting is one field here plus the regenerated files.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any, Literal, TypeVar

import attrs

from .rules import Rule, at_least, between, matches, non_empty, one_of

DEFAULT_BASE_URL = "https://coder.api.visioncoder.cn/v1"
DEFAULT_API_KEY_ENV = "VISIONCODER_API_KEY"
DEFAULT_MODEL = "gpt-5.4"
SECTION = "vcLsp"
T = TypeVar("T")


def setting(default: Any, doc: str, *, rule: Rule | None = None, env: str | None = None) -> Any:
    """A field with its user-facing description (plain text; `backticks` mark code)."""
    return attrs.field(default=default, validator=rule, metadata={"doc": doc, "env": env})


def section(cls: type[T], doc: str) -> Any:
    """A nested group of settings (``inline.*``), defaulting to its own defaults."""
    return attrs.field(factory=cls, metadata={"doc": doc, "env": None})


@attrs.frozen(kw_only=True)
class Timeouts:
    """Upstream time limits; each failure mode gets its own so a slow model is not a dead one."""

    connect_ms: int = setting(5_000, "Limit for opening the connection to `baseUrl`; raise it on "
                              "a slow network or behind a slow proxy.", rule=at_least(1))
    first_token_ms: int = setting(
        20_000, "Limit from sending a request to the first visible token (hidden reasoning "
        "counts); raise it for slow or reasoning models.", rule=at_least(1))
    between_chunks_ms: int = setting(
        15_000, "Longest silence allowed between streamed chunks once the answer has started; "
        "raise it if answers break off with a timeout.", rule=at_least(1))
    total_ms: int = setting(
        120_000, "Hard limit for a whole request, including the start-up `GET /models` check; "
        "raise it only for very long answers.", rule=at_least(1))


@attrs.frozen(kw_only=True)
class InlineSettings:
    """Ghost-text completion: tuned for latency and token cost."""

    enabled: bool = setting(True, "Set to false to turn AI completions off without removing the "
                            "server, e.g. for one project.")
    model: str | None = setting(None, "Model for completions only, when you want a faster or "
                                "cheaper one than the top-level `model`; unset uses `model`.")
    temperature: float | None = setting(
        None, "Temperature for completions only; unset uses the top-level `temperature`.",
        rule=between(0, 2, allow_none=True))
    max_tokens: int = setting(256, "Longest completion the model may write, in tokens; raise it "
                              "if long suggestions end early, lower it to save tokens.",
                              rule=at_least(1))
    n: int = setting(1, "How many alternative suggestions to ask for per request (sent as `n`); "
                     "each extra one costs tokens.", rule=between(1, 5))
    debounce_ms: int = setting(
        75, "Pause after a keystroke before an automatic request is sent; raise it to send "
        "fewer requests, lower it for quicker suggestions.", rule=between(0, 5_000))
    max_lines: int = setting(12, "Most lines a multi-line suggestion may have; lower it for "
                             "shorter suggestions.", rule=at_least(1))
    prefix_chars: int = setting(6_000, "Characters before the cursor that the model sees; raise "
                                "it for more context, lower it for speed and cost.",
                                rule=at_least(0))
    suffix_chars: int = setting(2_000, "Characters after the cursor that the model sees; same "
                                "trade-off as `prefixChars`.", rule=at_least(0))
    completion_fallback: Literal["auto", "always", "never"] = setting(
        "auto", "Offer suggestions as `textDocument/completion` items: `auto` = only to editors "
        "without inline completion; read once at start-up, so set it in "
        "`initializationOptions`.", rule=one_of("auto", "always", "never"))
    completion_budget_ms: int = setting(
        1_500, "How long a `textDocument/completion` request waits for the model before "
        "answering with an empty list; raise it for slow models in Helix and other "
        "completion-only editors.", rule=at_least(0))


@attrs.frozen(kw_only=True)
class ActionSettings:
    """Code actions (explain, edit, fix): a stronger model and room for longer answers."""

    model: str | None = setting(None, "Model for code actions, typically a stronger one than for "
                                "completions; unset uses `model`.")
    temperature: float | None = setting(
        None, "Temperature for code actions only; unset uses the top-level `temperature`.",
        rule=between(0, 2, allow_none=True))
    max_tokens: int = setting(4_096, "Longest answer a code action may get, in tokens; raise it "
                              "if large edits are cut off.", rule=at_least(1))
    max_selection_lines: int = setting(
        400, "Largest selection, in lines, that a code action accepts; raise it to edit bigger "
        "blocks at once.", rule=at_least(1))
    context_lines: int = setting(
        40, "Lines of surrounding code sent above and below the selection; raise it when edits "
        "miss nearby definitions.", rule=at_least(0))
    throttle_ms: int = setting(
        100, "Least time between updates of an edit streaming into the buffer; raise it if the "
        "editor stutters while an edit streams in.", rule=at_least(0))


@attrs.frozen(kw_only=True)
class Settings:
    """Everything the user can set, as one immutable snapshot."""

    base_url: str = setting(
        DEFAULT_BASE_URL, "Root of the OpenAI-compatible API (`/chat/completions` and `/models` "
        "are appended); change it to use OpenAI, DeepSeek, vLLM, llama.cpp or Ollama.",
        rule=matches(r"https?://\S+", "an http:// or https:// URL without spaces",
                     "`http(s)://` URL"), env="VC_LSP_BASE_URL")
    api_key_env: str = setting(
        DEFAULT_API_KEY_ENV, "Name of the environment variable that holds the API key (the key "
        "itself never goes into settings); change it when you switch provider, e.g. to "
        "`OPENAI_API_KEY`.", rule=matches(r"\w+", "the name of an environment variable "
                                          "(letters, digits and _ only)", "variable name"))
    model: str = setting(
        DEFAULT_MODEL, "Model used for every request unless `inline.model` or `actions.model` "
        "is set; must be an id that `GET <baseUrl>/models` lists.", rule=non_empty(),
        env="VC_LSP_MODEL")
    temperature: float = setting(
        0.2, "Sampling temperature for all requests unless a feature sets its own; lower is "
        "more predictable, and the default suits code.", rule=between(0, 2))
    top_p: float | None = setting(
        None, "Nucleus sampling cut-off, sent as `top_p`; leave unset (null) unless your "
        "provider recommends a value.", rule=between(0, 1, allow_none=True))
    seed: int | None = setting(None, "Sampling seed, sent as `seed`, for more repeatable answers "
                               "where the provider supports it; leave unset normally.")
    user: str | None = setting(
        None, "End-user id sent as the OpenAI `user` field, for providers or gateways that "
        "track usage per user; leave unset unless you need it.")
    extra_params: dict[str, Any] = attrs.field(factory=dict, metadata={
        "doc": "Extra top-level fields merged into every chat request body (they override "
               "vc-lsp's own), e.g. `{\"reasoning_effort\": \"low\"}`; for provider-specific "
               "options.", "env": None})
    log_prompts: bool = setting(False, "Write every prompt, which contains your code around the "
                                "cursor, to the log; turn on only to debug bad suggestions.")
    timeouts: Timeouts = section(Timeouts, "Time limits for the AI service in milliseconds, one "
                                 "per failure mode, so a slow model is not mistaken for a dead "
                                 "one.")
    inline: InlineSettings = section(
        InlineSettings, "Inline (ghost-text) completion and its `textDocument/completion` "
        "fallback: tuned for latency and token cost.")
    actions: ActionSettings = section(ActionSettings, "Code actions (explain, edit, fix): a "
                                      "stronger model and room for longer answers.")

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


SETTINGS_CLASSES = (Timeouts, InlineSettings, ActionSettings, Settings)
for _cls in SETTINGS_CLASSES:
    attrs.resolve_types(_cls)  # annotations are strings under postponed evaluation


def camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def env_vars() -> dict[str, str]:
    """camelCase key -> the environment variable that sets it (the quickest set-up)."""
    return {camel(f.name): f.metadata["env"] for f in attrs.fields(Settings)
            if f.metadata.get("env")}
