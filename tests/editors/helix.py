"""Helix's rules for ``languages.toml`` and for starting a language server, emulated in Python.

Helix is not installable here, so ``test_config_files.py`` feeds editors/helix/languages.toml
through these rules into the real server. Each rule follows Helix's source (helix-editor/helix,
read for 25.07):

- ``helix-loader``: the user's file is merged onto the built-in ``languages.toml`` with
  ``merge_toml_values(default, user, 3)``: tables merge key by key, the top-level
  ``[[language]]`` array merges entries by ``name``, and below depth 3 a value replaces the
  default (so ``language-servers = [...]`` replaces a language's list).
- ``helix-core/src/syntax/config.rs``: a ``[[language]]`` entry denies unknown fields and needs
  ``name``, ``scope`` and ``file-types`` (a user entry for an unknown language has neither, so
  the whole file fails to load); ``language-servers`` items are names or
  ``{name, only-features, except-features}``. A ``[language-server.X]`` table needs ``command``
  and silently ignores unknown keys (reported here as mistakes); ``config`` is any TOML, turned
  into JSON.
- ``helix-lsp/src/client.rs``: the command is looked up on ``PATH`` and started with
  ``environment`` added to Helix's own; ``initialize`` carries ``config`` as
  ``initializationOptions``, the capabilities below (no ``window.showDocument``: Helix answers
  it but advertised it only after 25.07) and ``clientInfo.name = "helix"``; after the answer
  Helix sends ``workspace/didChangeConfiguration`` with ``config``, and answers
  ``workspace/configuration`` by walking ``config`` along the section's dotted path (``null``
  where it ends).
- ``helix-term``: a document's ``languageId`` is the language's ``language-id``, else its name.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

HELIX_VERSION = "25.07"

# An excerpt of Helix 25.07's built-in languages.toml: the languages editors/helix/languages.toml
# names (with the fields Helix requires and the language ids it sends) and the servers in their
# default lists. (Helix's master adds "zuban" to Python's list after 25.07.)
DEFAULTS = """
[language-server]
ty = { command = "ty", args = ["server"] }
ruff = { command = "ruff", args = ["server"] }
jedi = { command = "jedi-language-server" }
pylsp = { command = "pylsp" }
rust-analyzer = { command = "rust-analyzer" }
gopls = { command = "gopls" }
golangci-lint-lsp = { command = "golangci-lint-langserver" }
typescript-language-server = { command = "typescript-language-server", args = ["--stdio"] }
clangd = { command = "clangd" }
lua-language-server = { command = "lua-language-server" }
bash-language-server = { command = "bash-language-server", args = ["start"] }

[[language]]
name = "python"
scope = "source.python"
file-types = ["py", "pyi", "py3", "pyw"]
language-servers = ["ty", "ruff", "jedi", "pylsp"]

[[language]]
name = "rust"
scope = "source.rust"
file-types = ["rs"]
language-servers = ["rust-analyzer"]

[[language]]
name = "go"
scope = "source.go"
file-types = ["go"]
language-servers = ["gopls", "golangci-lint-lsp"]

[[language]]
name = "typescript"
scope = "source.ts"
language-id = "typescript"
file-types = ["ts", "mts", "cts"]
language-servers = ["typescript-language-server"]

[[language]]
name = "tsx"
scope = "source.tsx"
language-id = "typescriptreact"
file-types = ["tsx"]
language-servers = ["typescript-language-server"]

[[language]]
name = "javascript"
scope = "source.js"
language-id = "javascript"
file-types = ["js", "mjs", "cjs"]
language-servers = ["typescript-language-server"]

[[language]]
name = "c"
scope = "source.c"
file-types = ["c"]
language-servers = ["clangd"]

[[language]]
name = "cpp"
scope = "source.cpp"
file-types = ["cc", "cpp", "hpp", "h"]
language-servers = ["clangd"]

[[language]]
name = "lua"
scope = "source.lua"
file-types = ["lua"]
language-servers = ["lua-language-server"]

[[language]]
name = "bash"
scope = "source.bash"
file-types = ["sh", "bash"]
language-servers = ["bash-language-server"]
"""

# LanguageConfiguration's fields (serde, kebab-case, deny_unknown_fields).
LANGUAGE_FIELDS = frozenset({
    "name", "language-id", "scope", "file-types", "shebangs", "roots", "comment-token",
    "comment-tokens", "block-comment-tokens", "text-width", "soft-wrap", "auto-format",
    "formatter", "path-completion", "word-completion", "diagnostic-severity", "grammar",
    "injection-regex", "language-servers", "indent", "debugger", "auto-pairs", "rulers",
    "workspace-lsp-roots", "persistent-diagnostic-sources", "rainbow-brackets",
})
LANGUAGE_REQUIRED = ("name", "scope", "file-types")
SERVER_FIELDS = frozenset({"command", "args", "environment", "config", "timeout",
                           "required-root-patterns"})
FEATURE_FIELDS = frozenset({"name", "only-features", "except-features"})
DEFAULT_TIMEOUT_S = 20


class ConfigError(ValueError):
    """What makes Helix refuse the file (it then falls back to its defaults, with an error)."""


def merge_toml_values(left: Any, right: Any, depth: int) -> Any:
    """helix-loader's merge: ``right`` onto ``left``, merging up to ``depth`` levels."""
    if isinstance(left, list) and isinstance(right, list):
        if depth == 0:
            return right
        items = list(left)
        for value in right:
            name = value.get("name") if isinstance(value, dict) else None
            at = next((i for i, v in enumerate(items)
                       if name is not None and isinstance(v, dict) and v.get("name") == name),
                      None)
            items.append(merge_toml_values(items.pop(at), value, depth - 1)
                         if at is not None else value)
        return items
    if isinstance(left, dict) and isinstance(right, dict):
        if depth == 0:
            return right
        merged = dict(left)
        for key, value in right.items():
            merged[key] = (merge_toml_values(merged.pop(key), value, depth - 1)
                           if key in merged else value)
        return merged
    return right


@dataclass
class Server:
    name: str
    command: str
    args: list[str]
    environment: dict[str, str]
    config: Any  # JSON, or None
    timeout: int
    ignored: list[str]  # keys Helix reads past without a word


@dataclass
class Language:
    name: str
    language_id: str  # what Helix sends as languageId
    scope: str
    file_types: list[Any]
    servers: list[str]


@dataclass
class Config:
    languages: dict[str, Language] = field(default_factory=dict)
    servers: dict[str, Server] = field(default_factory=dict)


def _strings(value: Any, what: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{what} must be a list of strings, not {value!r}")
    return list(value)


def _server(name: str, raw: Any) -> Server:
    if not isinstance(raw, dict) or not isinstance(raw.get("command"), str):
        raise ConfigError(f"[language-server.{name}] needs a command string")
    environment = raw.get("environment", {})
    if not isinstance(environment, dict) or not all(
            isinstance(v, str) for v in environment.values()):
        raise ConfigError(f"[language-server.{name}] environment must map names to strings")
    timeout = raw.get("timeout", DEFAULT_TIMEOUT_S)
    if not isinstance(timeout, int) or timeout < 0:
        raise ConfigError(f"[language-server.{name}] timeout must be a whole number")
    if "required-root-patterns" in raw:
        _strings(raw["required-root-patterns"], f"{name}.required-root-patterns")
    return Server(name, raw["command"], _strings(raw.get("args", []), f"{name}.args"),
                  dict(environment), raw.get("config"), timeout,
                  sorted(set(raw) - SERVER_FIELDS))


def _language(raw: Any) -> Language:
    if not isinstance(raw, dict):
        raise ConfigError(f"a [[language]] entry must be a table, not {raw!r}")
    unknown = sorted(set(raw) - LANGUAGE_FIELDS)
    if unknown:
        raise ConfigError(f"language {raw.get('name')!r}: unknown field(s) {unknown}")
    missing = [key for key in LANGUAGE_REQUIRED if key not in raw]
    if missing:  # a user entry that matched no built-in language
        raise ConfigError(f"language {raw.get('name')!r}: missing field(s) {missing}")
    servers: list[str] = []
    for item in raw.get("language-servers", []):
        if isinstance(item, str):
            servers.append(item)
        elif isinstance(item, dict) and isinstance(item.get("name"), str) \
                and not set(item) - FEATURE_FIELDS:
            servers.append(item["name"])
        else:
            raise ConfigError(f"language {raw['name']!r}: bad language-servers item {item!r}")
    return Language(raw["name"], raw.get("language-id") or raw["name"], raw["scope"],
                    list(raw["file-types"]), servers)


def load(user_toml: str) -> Config:
    """The user's languages.toml as Helix loads it: parsed, merged onto the defaults, read."""
    try:
        user = tomllib.loads(user_toml)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"not TOML: {exc}") from exc
    merged = merge_toml_values(tomllib.loads(DEFAULTS), user, 3)
    config = Config()
    for raw in merged.get("language", []):
        language = _language(raw)
        config.languages[language.name] = language
    for name, raw in merged.get("language-server", {}).items():
        config.servers[name] = _server(name, raw)
    for language in config.languages.values():
        for name in language.servers:
            if name not in config.servers:  # Helix: "language server ... not defined"
                raise ConfigError(f"language {language.name!r} uses undefined server {name!r}")
    return config


def configuration_answer(config: Any, section: str | None) -> Any:
    """Helix's answer to one ``workspace/configuration`` item."""
    value = config
    if value is None:
        return None
    for part in (section.split(".") if section else []):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value


def initialize_params(server: Server, root_uri: str) -> dict[str, Any]:
    """Helix's ``initialize`` params (helix-lsp/src/client.rs), as JSON."""
    kinds = ["", "quickfix", "refactor", "refactor.extract", "refactor.inline",
             "refactor.rewrite", "source", "source.organizeImports"]
    return {
        "processId": 4242,
        "workspaceFolders": [{"uri": root_uri, "name": root_uri.rsplit("/", 1)[-1]}],
        "rootPath": root_uri.removeprefix("file://"),
        "rootUri": root_uri,
        "initializationOptions": server.config,
        "capabilities": {
            "workspace": {
                "configuration": True,
                "didChangeConfiguration": {"dynamicRegistration": False},
                "workspaceFolders": True,
                "applyEdit": True,
                "symbol": {"dynamicRegistration": False},
                "executeCommand": {"dynamicRegistration": False},
                "inlayHint": {"refreshSupport": False},
                "workspaceEdit": {"documentChanges": True,
                                  "resourceOperations": ["create", "rename", "delete"],
                                  "failureHandling": "abort",
                                  "normalizesLineEndings": False},
                "didChangeWatchedFiles": {"dynamicRegistration": True,
                                          "relativePatternSupport": False},
                "fileOperations": {"willRename": True, "didRename": True},
            },
            "textDocument": {
                "completion": {
                    "completionItem": {
                        "snippetSupport": True,
                        "resolveSupport": {"properties": ["documentation", "detail",
                                                          "additionalTextEdits"]},
                        "insertReplaceSupport": True,
                        "deprecatedSupport": True,
                        "tagSupport": {"valueSet": [1]},
                    },
                    "completionItemKind": {},
                },
                "hover": {"contentFormat": ["markdown"]},
                "signatureHelp": {"signatureInformation": {
                    "documentationFormat": ["markdown"],
                    "parameterInformation": {"labelOffsetSupport": True},
                    "activeParameterSupport": True}},
                "rename": {"dynamicRegistration": False, "prepareSupport": True,
                           "honorsChangeAnnotations": False},
                "formatting": {"dynamicRegistration": False},
                "codeAction": {
                    "codeActionLiteralSupport": {"codeActionKind": {"valueSet": kinds}},
                    "isPreferredSupport": True,
                    "disabledSupport": True,
                    "dataSupport": True,
                    "resolveSupport": {"properties": ["edit", "command"]},
                },
                "publishDiagnostics": {"versionSupport": True, "tagSupport": {"valueSet": [1, 2]}},
                "inlayHint": {"dynamicRegistration": False},
            },
            "window": {"workDoneProgress": True},
            "general": {"positionEncodings": ["utf-8", "utf-32", "utf-16"]},
        },
        "clientInfo": {"name": "helix", "version": HELIX_VERSION},
    }
