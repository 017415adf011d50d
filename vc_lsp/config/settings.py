"""Every setting, once: type, default, rule, and the sentence users read about it.

Each field's docstring (the string right below it) is its description; the JSON schema
(``settings.schema.json``), the README's settings table and the VS Code extension's settings
are generated from these classes (``python -m vc_lsp.config.schema``), so adding a setting is
one field here plus the regenerated files. Descriptions are plain text; `backticks` mark code.
"""

from __future__ import annotations

import ast
import functools
import inspect
import itertools
import os
import textwrap
from collections.abc import Mapping
from typing import Any, Literal, TypeVar

import attrs

from .rules import Rule, at_least, between, matches, non_empty, one_of

DEFAULT_BASE_URL = "https://coder.api.visioncoder.cn/v1"
DEFAULT_API_KEY_ENV = "VISIONCODER_API_KEY"
DEFAULT_MODEL = "gpt-5.4"
SECTION = "vcLsp"
# Next to the section in initializationOptions: what vc-lsp's own editor set-ups can show
# (actions/editor.py); not a setting.
CLIENT_SECTION = "vcLspClient"
T = TypeVar("T")


def setting(default: Any, rule: Rule | None = None, *, env: str | None = None,
            allowed: str | None = None, machine: bool = False) -> Any:
    """A field with its rule, the environment variable that can set it and, where the type
    says too little, what it accepts in words (the README's Allowed column). ``machine``: an
    editor must take it from user or machine settings, never from a workspace."""
    return attrs.field(default=default, validator=rule,
                       metadata={"env": env, "allowed": allowed, "machine": machine})


def section(cls: type[T]) -> Any:
    """A nested group of settings (``inline.*``), defaulting to its own defaults."""
    return attrs.field(factory=cls, metadata={"env": None})


@attrs.frozen(kw_only=True)
class Timeouts:
    """Upstream time limits; each failure mode gets its own so a slow model is not a dead one."""

    connect_ms: int = setting(5_000, at_least(1))
    """Limit for opening the connection to `baseUrl`, and for waiting for a free one when every
    connection is busy; raise it on a slow network or behind a slow proxy."""
    first_token_ms: int = setting(20_000, at_least(1))
    """Limit from sending a request to the first visible token (hidden reasoning counts); raise it
    for slow or reasoning models."""
    between_chunks_ms: int = setting(15_000, at_least(1))
    """Longest silence allowed between streamed chunks once the answer has started; raise it if
    answers break off with a timeout."""
    total_ms: int = setting(120_000, at_least(1))
    """Hard limit for a whole request, including the start-up `GET /models` check; raise it only
    for very long answers."""


@attrs.frozen(kw_only=True)
class InlineSettings:
    """Ghost-text completion: tuned for latency and token cost."""

    enabled: bool = setting(True)
    """Set to false to turn AI completions off without removing the server, e.g. for one
    project."""
    model: str | None = setting(None)
    """Model for completions only, when you want a faster or cheaper one than the top-level
    `model`; unset uses `model`."""
    temperature: float | None = setting(None, between(0, 2, allow_none=True))
    """Temperature for completions only; unset uses the top-level `temperature`."""
    max_tokens: int = setting(256, at_least(1))
    """Longest completion the model may write, in tokens; raise it if long suggestions end early,
    lower it to save tokens."""
    n: int = setting(1, between(1, 5))
    """How many alternative suggestions to ask for per request (sent as `n`); each extra one costs
    tokens."""
    debounce_ms: int = setting(75, between(0, 5_000))
    """Shortest pause after a keystroke before an automatic request is sent; raise it to send
    fewer requests, lower it for quicker suggestions."""
    adaptive_debounce: bool = setting(True)
    """Let the pause follow your typing: a little longer than your usual gap between keys, longer
    still when the model is slow (between `debounceMs` and `debounceMaxMs`); false always waits
    `debounceMs`."""
    debounce_max_ms: int = setting(400, between(0, 5_000))
    """Longest pause the adaptive debounce waits before an automatic request."""
    max_lines: int = setting(12, at_least(1))
    """Most lines a multi-line suggestion may have; lower it for shorter suggestions."""
    max_answer_chars: int = setting(8_000, at_least(1))
    """Most characters of a completion answer read from the model; past it the stream is hung
    up and only its start is used (a model that runs away cannot stall the editor)."""
    max_answer_lines: int = setting(200, at_least(1))
    """Most lines of a completion answer read from the model, as `maxAnswerChars`."""
    prefix_chars: int = setting(6_000, at_least(0))
    """Characters before the cursor that the model sees; raise it for more context, lower it for
    speed and cost."""
    suffix_chars: int = setting(2_000, at_least(0))
    """Characters after the cursor that the model sees; same trade-off as `prefixChars`."""
    completion_fallback: Literal["auto", "always", "never"] = setting(
        "auto", one_of("auto", "always", "never"))
    """Offer suggestions as `textDocument/completion` items: `auto` = only to editors without
    inline completion; read once at start-up, so set it in `initializationOptions`."""
    completion_budget_ms: int = setting(1_500, at_least(0))
    """How long a `textDocument/completion` request waits for the model before answering with an
    empty list; raise it for slow models in Helix and other completion-only editors."""


@attrs.frozen(kw_only=True)
class ActionSettings:
    """Code actions (explain, edit, fix): a stronger model and room for longer answers."""

    model: str | None = setting(None)
    """Model for code actions, typically a stronger one than for completions; unset uses
    `model`."""
    temperature: float | None = setting(None, between(0, 2, allow_none=True))
    """Temperature for code actions only; unset uses the top-level `temperature`."""
    max_tokens: int = setting(4_096, at_least(1))
    """Longest answer a code action may get, in tokens; raise it if large edits are cut off."""
    max_selection_lines: int = setting(400, at_least(1))
    """Largest selection, in lines, that a code action accepts; raise it to edit bigger blocks at
    once."""
    context_lines: int = setting(40, at_least(0))
    """Lines of surrounding code sent above and below the selection; raise it when edits miss
    nearby definitions."""
    max_answer_chars: int = setting(200_000, at_least(1))
    """Most characters of a code action's answer; past it the stream is hung up, the region
    keeps its original text and you are told (an explanation keeps what arrived)."""
    max_answer_lines: int = setting(4_000, at_least(1))
    """Most lines of a code action's answer, as `maxAnswerChars`."""
    throttle_ms: int = setting(100, at_least(0))
    """Least time between updates of an edit streaming into the buffer; raise it if the editor
    stutters while an edit streams in."""


@attrs.frozen(kw_only=True)
class NextEditSettings:
    """Next-edit suggestions: the edit you are about to make, predicted from your last ones."""

    enabled: bool = setting(True)
    """Set to false to stop predicting your next edit (no requests after a pause, no "Apply
    suggested edit" actions, no `textDocument/copilotInlineEdit` answers)."""
    model: str | None = setting(None)
    """Model for next-edit predictions only; unset uses the top-level `model`."""
    temperature: float | None = setting(None, between(0, 2, allow_none=True))
    """Temperature for next-edit predictions only; unset uses the top-level `temperature`."""
    max_tokens: int = setting(1_024, at_least(1))
    """Longest answer a prediction may get, in tokens: the model rewrites the whole region, so
    raise it with `regionLines`."""
    debounce_ms: int = setting(350, between(0, 5_000))
    """Pause after your last edit before a prediction is asked for; it grows when you type
    slowly, so a pause between keystrokes does not count."""
    region_lines: int = setting(40, between(4, 400))
    """Lines around the cursor the model may change (a third above it, the rest below); larger
    regions reach farther uses but cost more tokens."""
    wait_ms: int = setting(1_500, at_least(0))
    """How long a code action menu you open waits for the prediction of your latest edits
    before it is shown without it; lower it if your editor's action menu feels slow."""


@attrs.frozen(kw_only=True)
class NetworkSettings:
    """Corporate networks: the proxy, the CAs to trust, and how strict TLS is."""

    proxy: str | None = setting(None, matches(
        r"(https?://)?[^\s/]+/?", 'a proxy such as "http://proxy.corp:3128", or "none" to '
        "ignore the proxy variables", "proxy URL or `none`", allow_none=True))
    """HTTP proxy for `baseUrl`, e.g. `http://proxy.corp:3128` (credentials as
    `http://user:pass@host:port`); unset uses `HTTPS_PROXY`, `HTTP_PROXY` or `ALL_PROXY`;
    `"none"` ignores them."""
    no_proxy: str = setting("", allowed="comma-separated hosts")
    """Hosts reached without the proxy, comma-separated like `NO_PROXY` (honoured too):
    `example.com` also matches its subdomains, `10.0.0.0/8` a network, `*` everything.
    Loopback is always reached directly."""
    ca_bundle: str | None = setting(None, allowed="path to a PEM file")
    """PEM file of extra CA certificates to trust, e.g. your company's TLS-inspection CA; unset
    uses `SSL_CERT_FILE` when that is set."""
    system_certificates: bool = setting(True)
    """Trust the operating system's certificate store (where IT installs company CAs); false
    trusts only certifi's public CAs, plus `caBundle`."""
    strict_tls: bool = setting(True)
    """Verify the server's certificate and host name (TLS 1.2 or later); false accepts any
    certificate: only to diagnose, never to work."""
    http2: bool = setting(True)
    """Use HTTP/2 when the server offers it (one connection; a cancelled stream is reset on its
    own); false uses HTTP/1.1 only."""


@attrs.frozen(kw_only=True)
class ContextSettings:
    """What a prompt holds besides the code around the cursor, and how much of it."""

    file_path: bool = setting(True)
    """Name the current file by its path below the workspace folder (`src/app/models.py`);
    `false` sends only its base name."""
    definitions: bool = setting(True)
    """Send the definitions the code at the cursor uses (signatures, short bodies, class
    outlines), from open files and from the workspace files the current one imports."""
    similar_code: bool = setting(True)
    """Send the most similar snippets from other open files of the same language."""
    recent_edits: bool = setting(True)
    """Send your last few edits (small diffs) in this and other open files."""
    inline_tokens: int = setting(2_048, at_least(0))
    """Most tokens (characters / 4) of such context in a completion prompt, on top of the file
    window; 0 sends none."""
    action_tokens: int = setting(4_096, at_least(0))
    """Most tokens (characters / 4) of definitions in a code action prompt, on top of the code it
    works on; 0 sends none."""
    redact_secrets: bool = setting(True)
    """Replace keys, tokens and password literals in every prompt by placeholders (put back in
    edits and completions); turn off only if it hides code you need completed."""


PRICE_KEYS = ("input", "cachedInput", "output")


def _is_price_table(value: Any) -> bool:
    return isinstance(value, Mapping) and all(
        isinstance(model, str) and isinstance(price, Mapping) and price
        and all(key in PRICE_KEYS and isinstance(amount, int | float)
                and not isinstance(amount, bool) and amount >= 0
                for key, amount in price.items())
        for model, price in value.items())


PRICES = Rule(
    'an object of model ids to prices, e.g. {"gpt-5.4": {"input": 1.25, "output": 10}} '
    "(input, cachedInput and output per million tokens)", _is_price_table,
    short="model → `{input, cachedInput, output}`",
    schema={"additionalProperties": {
        "type": "object", "additionalProperties": False, "minProperties": 1,
        "properties": {key: {"type": "number", "minimum": 0} for key in PRICE_KEYS}}})


@attrs.frozen(kw_only=True)
class UsageSettings:
    """The local usage ledger: what each request cost, and a daily budget."""

    enabled: bool = setting(True)
    """Record every request to the AI service (feature, model, tokens, time, outcome) in a
    SQLite file in your state folder, for `vc-lsp usage` and the daily budget; nothing leaves
    your machine."""
    prices: dict[str, Any] = attrs.field(factory=dict, validator=PRICES,
                                         metadata={"env": None, "allowed": None})
    """Prices per million tokens by model id, e.g. `{"gpt-5.4": {"input": 1.25,
    "cachedInput": 0.125, "output": 10}}` (`"*"` prices any other model); `vc-lsp usage` then
    shows costs and `usage.dailyBudget` counts them."""
    currency: str = setting("USD", non_empty())
    """What `usage.prices` and `usage.dailyBudget` are in; shown next to costs."""
    daily_budget: float | None = setting(None, at_least(0, allow_none=True))
    """Most to spend per day (with `usage.prices`, all your editors together); once reached,
    completions come only when you ask for them and the status says so. 0 stops automatic
    completions at once; unset has no limit."""
    daily_tokens: int | None = setting(None, at_least(0, allow_none=True))
    """Most tokens (prompt and completion) per day, all your editors together, with or without
    prices; once reached it has the same effect as `usage.dailyBudget`."""
    keep_days: int = setting(90, at_least(1))
    """Days of history the usage file keeps; older records are removed."""
    max_calls: int = setting(200_000, at_least(100))
    """Most requests the usage file keeps (about 150 bytes each); the oldest go first."""


@attrs.frozen(kw_only=True)
class StatusSettings:
    """What the editor's status line is told."""

    notify: bool = setting(True)
    """Send `didChangeStatus` whenever the state changes (ready, working, paused, off for this
    file, error with the next step), in Copilot's format so statusline plugins that read it
    work."""
    progress: bool = setting(False)
    """Also report `$/progress` while requests are in flight (one progress per burst, never one
    per keystroke), for status lines that show LSP progress such as Neovim's
    `vim.lsp.status()`; a request that carries a `workDoneToken` gets it anyway."""
    remember_prompts: bool = setting(True)
    """Keep the last request of each file (its messages, secrets replaced) in the usage file so
    `vc-lsp explain-last` can show what was sent; false keeps it in memory only, for
    `vc.why`."""


@attrs.frozen(kw_only=True)
class Settings:
    """Everything the user can set, as one immutable snapshot."""

    base_url: str = setting(DEFAULT_BASE_URL, matches(
        r"https?://\S+", "an http:// or https:// URL without spaces", "`http(s)://` URL"),
        env="VC_LSP_BASE_URL", machine=True)
    """Root of the OpenAI-compatible API (`/chat/completions` and `/models` are appended); change
    it to use OpenAI, DeepSeek, vLLM, llama.cpp or Ollama."""
    api_key_env: str = setting(DEFAULT_API_KEY_ENV, matches(
        r"\w+", "the name of an environment variable (letters, digits and _ only)",
        "variable name"), env="VC_LSP_API_KEY_ENV", machine=True)
    """Name of the environment variable that holds the API key (the key itself never goes into
    settings); change it when you switch provider, e.g. to `OPENAI_API_KEY`."""
    model: str = setting(DEFAULT_MODEL, non_empty(), env="VC_LSP_MODEL")
    """Model used for every request unless `inline.model` or `actions.model` is set; must be an id
    that `GET <baseUrl>/models` lists."""
    temperature: float = setting(0.2, between(0, 2))
    """Sampling temperature for all requests unless a feature sets its own; lower is more
    predictable, and the default suits code."""
    top_p: float | None = setting(None, between(0, 1, allow_none=True))
    """Nucleus sampling cut-off, sent as `top_p`; leave unset (null) unless your provider
    recommends a value."""
    seed: int | None = setting(None)
    """Sampling seed, sent as `seed`, for more repeatable answers where the provider supports it;
    leave unset normally."""
    user: str | None = setting(None)
    """End-user id sent as the OpenAI `user` field, for providers or gateways that track usage per
    user; leave unset unless you need it."""
    extra_params: dict[str, Any] = attrs.field(factory=dict, metadata={"env": None})
    """Extra top-level fields merged into every chat request body (they override vc-lsp's own),
    e.g. `{"reasoning_effort": "low"}`; for provider-specific options."""
    log_prompts: bool = setting(False)
    """Write every prompt, which contains your code around the cursor, to the log; turn on only to
    debug bad suggestions."""
    timeouts: Timeouts = section(Timeouts)
    """Time limits for the AI service in milliseconds, one per failure mode, so a slow model is not
    mistaken for a dead one."""
    inline: InlineSettings = section(InlineSettings)
    """Inline (ghost-text) completion and its `textDocument/completion` fallback: tuned for latency
    and token cost."""
    actions: ActionSettings = section(ActionSettings)
    """Code actions (explain, edit, fix): a stronger model and room for longer answers."""
    network: NetworkSettings = section(NetworkSettings)
    """How to reach `baseUrl` from a corporate network: the proxy, the certificates to trust,
    TLS strictness and HTTP/2."""
    context: ContextSettings = section(ContextSettings)
    """What a prompt holds besides the code around the cursor (definitions from other files,
    similar code, your recent edits) and how much of it."""
    nes: NextEditSettings = section(NextEditSettings)
    """Next-edit suggestions: after a pause, the edit you will probably make next (the uses of a
    renamed parameter, a new field in the constructor, the same fix again), anywhere near the
    cursor."""
    usage: UsageSettings = section(UsageSettings)
    """The local usage ledger (`vc-lsp usage`): prices per model and a daily budget that turns
    automatic completions off once reached."""
    status: StatusSettings = section(StatusSettings)
    """What the editor's status line is told: status notifications, progress, the last request
    of each file."""
    exclude: list[str] = attrs.field(factory=list, metadata={"env": None})
    """More files vc-lsp never reads or sends (no completions, no actions, never context), in
    `.gitignore` syntax (`"generated/"`, `"*.sql"`); `"!.env.example"` brings back a file
    excluded by default."""

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

    @property
    def nes_model(self) -> str:
        return self.nes.model or self.model

    def model_roles(self) -> dict[str, list[str]]:
        """Each distinct configured model and what it is used for, in a stable order."""
        out: dict[str, list[str]] = {}
        out.setdefault(self.inline_model, []).append("completions")
        out.setdefault(self.actions_model, []).append("code actions")
        if self.nes.enabled and (self.nes.model or self.nes_model not in out):
            out.setdefault(self.nes_model, []).append("next edits")
        return out


SETTINGS_CLASSES = (Timeouts, InlineSettings, ActionSettings, NextEditSettings, NetworkSettings,
                    ContextSettings, UsageSettings, StatusSettings, Settings)
for _cls in SETTINGS_CLASSES:
    attrs.resolve_types(_cls)  # annotations are strings under postponed evaluation


def camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def env_vars() -> dict[str, str]:
    """camelCase key -> the environment variable that sets it (the quickest set-up)."""
    return {camel(f.name): f.metadata["env"] for f in attrs.fields(Settings)
            if f.metadata.get("env")}


def _attribute_docs(cls: type) -> dict[str, str]:
    """Each field's docstring, read from the class's source (as Sphinx reads them)."""
    tree = ast.parse(textwrap.dedent(inspect.getsource(cls)))
    body = tree.body[0].body  # type: ignore[attr-defined]
    docs: dict[str, str] = {}
    for stmt, after in itertools.pairwise(body):
        if (isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name)
                and isinstance(after, ast.Expr) and isinstance(after.value, ast.Constant)
                and isinstance(after.value.value, str)):
            docs[stmt.target.id] = " ".join(after.value.value.split())
    return docs


@functools.cache
def doc(cls: type, name: str) -> str:
    """The description of field ``name`` of ``cls``."""
    return _attribute_docs(cls).get(name, "")
