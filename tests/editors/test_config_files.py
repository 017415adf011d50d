"""The set-ups for editors CI cannot run: Helix, Sublime Text and Zed.

Each config file and README block is read by the rules of the editor that reads it and then
fed, the way that editor does it, into the real server against the fake upstream:

- Helix: ``tests/editors/helix.py`` emulates how Helix 25.07 loads languages.toml and starts
  a server (from Helix's source); the test attaches, completes (applied with Helix's item
  rules, tests/helix_apply.py), lists and runs code actions and the workspace commands the
  README names, and explains.
- Sublime Text's LSP package: the client entry's keys are the ones ``ClientConfig`` reads
  (sublimelsp/LSP ``plugin/core/types.py``), the settings are answered as its session does
  (a dotted lookup in ``settings``), and each ``lsp_execute`` entry runs with its variables
  expanded as ``plugin/execute_command.py`` expands them.
- Zed: the ``lsp.vc-lsp`` keys are Zed's ``LspSettings``, the extension's server id matches
  them, and ``workspace/configuration`` is answered as Zed's LSP store does (the section as a
  top-level key of ``settings``). The Rust extension itself is not built here (no toolchain).

Initialize params other than Helix's are the parts those clients declare that vc-lsp reads
(capabilities it adapts to, client name); nothing asserts on time.
"""

from __future__ import annotations

import asyncio
import json
import re
import sys
from pathlib import Path
from typing import Any

import pytest
from lsprotocol import types

from tests.conftest import SAFETY
from tests.editors import emulated, helix, readme
from tests.editors.emulated import environment, which
from tests.fakes.upstream import FakeUpstream, Reply
from tests.helix_apply import apply
from vc_lsp.actions import catalog
from vc_lsp.config import SettingsStore, section_of

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

BIN = str(Path(sys.executable).parent)  # where `vc-lsp` is, as after `pipx install .`
PATH = f"{BIN}:/usr/bin:/bin"
HELIX = readme.EDITORS / "helix"
SUBLIME = readme.EDITORS / "sublime"
ZED = readme.EDITORS / "zed"


def example(editor: str, heading: str, language: str, index: int = 0) -> readme.Block:
    """A README block that is not a config language of tests/editors/readme.py."""
    found = [b for b in readme.blocks(editor)
             if b.heading.startswith(heading) and b.language == language]
    assert len(found) > index, f"editors/{editor}/README.md: no {language} block {index}"
    return found[index]


# Every non-shell block of these READMEs, for test_readme_blocks.
HELIX_USED = [example("helix", "Edits", "python")]
SUBLIME_USED = [example("sublime", "Code actions", "python"),
                example("sublime", "Code actions", "json")]
ZED_USED = [example("zed", "Settings", "json"), example("zed", "Completions and edits", "rust")]


def settings_problems(raw: Any) -> list[str]:
    """What vc-lsp would tell the user about these settings (and that they are ours)."""
    assert section_of(raw), f"no vcLsp settings in {raw!r}"
    return SettingsStore({}).update("init", raw)


def instruction_of(code: str) -> str:
    match = re.search(r"vc: (.*?)\s*$", code, re.MULTILINE)
    assert match, code
    return match.group(1)


def lines_range(first: int, end: int) -> types.Range:
    return types.Range(types.Position(first, 0), types.Position(end, 0))


async def code_actions(ed: Any, uri: str, rng: types.Range) -> list[types.CodeAction]:
    result = await ed.client.text_document_code_action_async(types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=uri), range=rng,
        context=types.CodeActionContext(diagnostics=[],
                                        trigger_kind=types.CodeActionTriggerKind.Invoked)))
    return [a for a in result or [] if isinstance(a, types.CodeAction)]


async def complete(ed: Any, uri: str, line: int, character: int) -> list[types.CompletionItem]:
    result = await ed.client.text_document_completion_async(types.CompletionParams(
        text_document=types.TextDocumentIdentifier(uri=uri),
        position=types.Position(line, character),
        context=types.CompletionContext(trigger_kind=types.CompletionTriggerKind.Invoked)))
    items = result.items if isinstance(result, types.CompletionList) else result
    return list(items or [])


async def execute(ed: Any, command: str, arguments: list[Any] | None) -> Any:
    return await ed.client.workspace_execute_command_async(
        types.ExecuteCommandParams(command=command, arguments=arguments))


# -- Helix ----------------------------------------------------------------------------------

def test_helix_loads_our_languages_toml() -> None:
    text = (HELIX / "languages.toml").read_text(encoding="utf-8")
    config = helix.load(text)
    server = config.servers["vc-lsp"]
    assert (server.command, server.args, server.ignored) == ("vc-lsp", [], [])
    defaults = {entry["name"]: entry for entry in tomllib.loads(helix.DEFAULTS)["language"]}
    for entry in tomllib.loads(text)["language"]:  # Helix's list, then vc-lsp, as it says
        assert entry["language-servers"] == [*defaults[entry["name"]]["language-servers"],
                                             "vc-lsp"], entry["name"]
        assert config.languages[entry["name"]].servers[-1] == "vc-lsp"
    assert settings_problems(server.config) == []
    store = SettingsStore({})
    store.update("init", server.config)
    assert store.current.model == "gpt-5.4"
    assert store.current.inline.completion_budget_ms == 800
    assert store.current.inline.completion_fallback in ("auto", "always")  # the README's rule


@pytest.mark.parametrize(("toml", "error"), [
    ('[[language]]\nname = "pyhton"\nlanguage-servers = ["vc-lsp"]\n', "missing field"),
    ('[[language]]\nname = "python"\nlanguage-server = ["vc-lsp"]\n', "unknown field"),
    ('[[language]]\nname = "python"\nlanguage-servers = ["vc_lsp"]\n', "undefined server"),
    ('[language-server.vc-lsp]\nargs = []\n', "command"),
    ('[language-server.vc-lsp]\ncommand = "vc-lsp"\nenvironment = { A = 1 }\n', "environment"),
    ("[language-server.vc-lsp\n", "not TOML"),
])
def test_the_helix_emulation_refuses_what_helix_refuses(toml: str, error: str) -> None:
    with pytest.raises(helix.ConfigError, match=error):
        helix.load(toml)


def test_the_helix_emulation_merges_as_helix_does() -> None:
    config = helix.load('[language-server.vc-lsp]\ncommand = "vc-lsp"\nconifg = {}\n'
                        '[[language]]\nname = "rust"\nlanguage-servers = ["vc-lsp"]\n')
    assert config.languages["rust"].servers == ["vc-lsp"]  # replaced, not appended
    assert config.languages["rust"].scope == "source.rust"  # the rest kept from the default
    assert config.languages["tsx"].language_id == "typescriptreact"
    assert config.servers["vc-lsp"].ignored == ["conifg"]  # Helix says nothing; we do
    cfg = {"vcLsp": {"inline": {"maxLines": 8}}}
    assert helix.configuration_answer(cfg, "vcLsp.inline") == {"maxLines": 8}
    assert helix.configuration_answer(cfg, "vcLsp.actions") is None
    assert helix.configuration_answer(None, "vcLsp") is None


COMPLETE_ME = 'def greet(name):\n    s = "日本語😀"; n = \n'
LOAD = ("def load(path):\n"
        "    f = open(path)\n"
        "    data = json.load(f)\n"
        "    f.close()\n"
        "    return data\n")
NEW_LOAD = ("def load(path):\n"
            "    with open(path) as f:\n"
            "        return json.load(f)\n")


async def test_helix_attaches_completes_and_runs_code_actions(upstream: FakeUpstream,
                                                              tmp_path: Path) -> None:
    config = helix.load((HELIX / "languages.toml").read_text(encoding="utf-8"))
    server, python = config.servers["vc-lsp"], config.languages["python"]
    project = tmp_path / "project"
    project.mkdir()
    env = environment(PATH, upstream.base_url, {**server.environment,
                                                "XDG_CACHE_HOME": str(tmp_path / "cache")})
    async with emulated.client([which(server.command, PATH), *server.args], env,
                               helix.initialize_params(server, project.as_uri()),
                               lambda section: helix.configuration_answer(server.config, section),
                               settings=server.config) as ed:
        caps = ed.init_result.capabilities  # type: ignore[attr-defined]
        assert caps.completion_provider is not None  # what Helix checks for completion
        assert caps.code_action_provider and caps.execute_command_provider is not None
        assert {"vc.cancel", "vc.revert"} <= set(caps.execute_command_provider.commands)
        assert ed.encoding == "utf-8"  # Helix offers UTF-8 first

        # Completion: Ctrl-x at the end of line 2; Helix inserts the item verbatim.
        uri = (project / "demo.py").as_uri()
        ed.open(uri, COMPLETE_ME, language=python.language_id)
        upstream.enqueue(Reply.text("<completion>len(s) + 1</completion>"))
        line = COMPLETE_ME.split("\n")[1]
        [item] = await complete(ed, uri, 1, len(line.encode("utf-8")))
        assert apply(COMPLETE_ME, item, ed.encoding) == COMPLETE_ME.replace("n = \n",
                                                                            "n = len(s) + 1\n")
        assert upstream.chat_requests[-1].json["model"] == "gpt-5.4"  # the file's model

        # The README's example: the vc: comment, the cursor on it, Space a, vc-lsp's edit.
        block = HELIX_USED[0].code
        app = (project / "fetch.py").as_uri()
        ed.open(app, "import requests\n\n\n" + block, language=python.language_id)
        actions = await code_actions(ed, app, types.Range(types.Position(3, 2),
                                                          types.Position(3, 3)))
        titles = [a.title for a in actions]
        edit = next(a for a in actions if instruction_of(block) in a.title)
        assert "Explain this code" in titles and "Simplify this code" in titles
        assert edit.command is not None
        upstream.enqueue(Reply.lines("```python\ndef fetch(url):\n"
                                     "    return httpx.get(url).json()\n```\n"))
        await execute(ed, edit.command.command, edit.command.arguments)
        await ed.wait_progress_end()
        assert ed.text(app) == ("import requests\n\n\n"
                                "def fetch(url):\n    return httpx.get(url).json()\n")

        # :lsp-workspace-command vc.revert: the document edited last, back as it was.
        await execute(ed, "vc.revert", None)
        await ed.wait_message("reverted")
        assert ed.text(app) == "import requests\n\n\n" + block

        # :lsp-workspace-command vc.cancel stops an edit without typing.
        upstream.enqueue(Reply.text(chunks=["```python\n", "def fetch(url):\n"],
                                    endless=True, delay=0.02))
        await execute(ed, edit.command.command, edit.command.arguments)
        [*_, endless] = await upstream.wait_for_requests(3)
        await asyncio.wait_for(endless.streaming.wait(), SAFETY)
        await execute(ed, "vc.cancel", None)
        await asyncio.wait_for(endless.hung_up.wait(), SAFETY)
        await ed.wait_progress_end(2)

        # Explain: Helix opens the document beside the code (takeFocus would replace the view).
        upstream.enqueue(Reply.lines("`fetch` downloads JSON.\n"))
        explain = next(a for a in actions if a.title == "Explain this code")
        assert explain.command is not None
        await execute(ed, explain.command.command, explain.command.arguments)
        shown = await ed.wait_shown()
        await ed.wait_progress_end(3)
        assert ed.show_params[-1].take_focus is False  # type: ignore[attr-defined]
        assert ed.text(shown).endswith("`fetch` downloads JSON.\n")


# -- Sublime Text ---------------------------------------------------------------------------

# The keys sublimelsp/LSP's ClientConfig.from_dict reads from a "clients" entry (and the
# older ones it still understands).
SUBLIME_CLIENT_KEYS = frozenset({
    "enabled", "command", "selector", "priority_selector", "schemes", "tcp_port",
    "auto_complete_selector", "initializationOptions", "settings", "env",
    "experimental_capabilities", "disabled_capabilities", "file_watcher", "semantic_tokens",
    "diagnostics_mode", "path_maps", "languages", "document_selector", "feature_selector",
    "syntaxes", "scopes", "languageId",
})
_COMMENTS = re.compile(r'"(?:\\.|[^"\\])*"|//[^\n]*|/\*.*?\*/', re.S)
_TRAILING_COMMAS = re.compile(r'"(?:\\.|[^"\\])*"|,(?=\s*[}\]])')


def _drop(pattern: re.Pattern[str], text: str) -> str:
    """``text`` without what ``pattern`` finds outside strings."""
    return pattern.sub(lambda m: m.group(0) if m.group(0).startswith('"') else "", text)


def sublime_json(text: str) -> Any:
    """Sublime's JSON: // and /* */ comments and trailing commas allowed."""
    return json.loads(_drop(_TRAILING_COMMAS, _drop(_COMMENTS, text)))


def sublime_client() -> dict[str, Any]:
    settings = sublime_json((SUBLIME / "LSP.sublime-settings").read_text(encoding="utf-8"))
    assert set(settings) == {"clients"}
    [(name, client)] = settings["clients"].items()
    assert name == "vc-lsp"
    return dict(client)


def expand(args: list[Any], uri: str, rng: types.Range) -> list[Any]:
    """lsp_execute's variables, as plugin/execute_command.py expands them."""
    values = {"$document_id": {"uri": uri}, "$file_uri": uri,
              "$range": {"start": {"line": rng.start.line, "character": rng.start.character},
                         "end": {"line": rng.end.line, "character": rng.end.character}}}
    return [values.get(a.replace("${", "$").rstrip("}") if isinstance(a, str) else a, a)
            for a in args]


def sublime_executions() -> list[dict[str, Any]]:
    """Every lsp_execute the set-up offers: the Command Palette file and the README's key."""
    palette = sublime_json((SUBLIME / "vc-lsp.sublime-commands").read_text(encoding="utf-8"))
    key = sublime_json(SUBLIME_USED[1].code)
    runs = [entry["args"] for entry in [*palette, key]]
    assert all(entry["command"] == "lsp_execute" for entry in [*palette, key])
    return runs


def test_sublime_reads_our_settings_and_commands() -> None:
    client = sublime_client()
    assert set(client) <= SUBLIME_CLIENT_KEYS, set(client) - SUBLIME_CLIENT_KEYS
    assert client["enabled"] is True  # a user client is off unless enabled
    assert client["command"][0] == "vc-lsp" and isinstance(client["selector"], str)
    assert settings_problems(client["initializationOptions"]) == []
    assert settings_problems(client["settings"]) == []
    for run in sublime_executions():
        assert run["session_name"] == "vc-lsp"  # the client's name in "clients"
        assert run["command_name"] in catalog.COMMANDS


def test_sublime_json_reader_keeps_strings_whole() -> None:
    assert sublime_json('{"a": "x // y", /* c */ "b": [1, 2,], // d\n}') == {
        "a": "x // y", "b": [1, 2]}


SUBLIME_INIT = {
    "processId": 4242,
    "clientInfo": {"name": "Sublime Text LSP", "version": "2.3.0"},
    "capabilities": {
        "workspace": {"applyEdit": True, "configuration": True, "workspaceFolders": True,
                      "workspaceEdit": {"documentChanges": True},
                      "executeCommand": {}, "didChangeConfiguration": {}},
        "textDocument": {
            "completion": {"completionItem": {"snippetSupport": True,
                                              "insertReplaceSupport": True}},
            "codeAction": {"codeActionLiteralSupport": {"codeActionKind": {
                "valueSet": ["quickfix", "refactor", "refactor.rewrite", "source"]}},
                "dataSupport": True, "isPreferredSupport": True},
        },
        "window": {"showDocument": {"support": True}, "workDoneProgress": True},
        "general": {"positionEncodings": ["utf-16"]},
    },
}


def dotted(settings: Any, section: str | None) -> Any:
    """Sublime's DottedDict.get: the section's dotted path in ``settings``."""
    value = settings
    for part in (section.split(".") if section else []):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value


async def test_sublime_starts_the_server_and_runs_every_command(upstream: FakeUpstream,
                                                                tmp_path: Path) -> None:
    client = sublime_client()
    project = tmp_path / "project"
    project.mkdir()
    init = {**SUBLIME_INIT, "rootUri": project.as_uri(),
            "workspaceFolders": [{"uri": project.as_uri(), "name": "project"}],
            "initializationOptions": client["initializationOptions"]}
    env = environment(PATH, upstream.base_url, {**client.get("env", {}),
                                                "XDG_CACHE_HOME": str(tmp_path / "cache")})
    async with emulated.client([which(client["command"][0], PATH), *client["command"][1:]],
                               env, init, lambda section: dotted(client["settings"], section),
                               settings=client["settings"]) as ed:
        uri = (project / "fetch.py").as_uri()
        block = SUBLIME_USED[0].code
        ed.open(uri, block)
        upstream.enqueue(Reply.text("<completion>return None</completion>"))
        await complete(ed, uri, 2, 4)
        assert upstream.chat_requests[-1].json["model"] == "gpt-5.4"  # from "settings"
        actions = await code_actions(ed, uri, lines_range(0, 3))
        assert any(instruction_of(block) in a.title for a in actions)

        rng = lines_range(1, 3)
        [cancel, revert, key] = sublime_executions()
        await execute(ed, cancel["command_name"], expand(cancel["command_args"], uri, rng))
        await ed.wait_message("nothing is streaming there")
        await execute(ed, revert["command_name"], expand(revert["command_args"], uri, rng))
        await ed.wait_message("no edit to revert in fetch.py")
        upstream.enqueue(Reply.lines("`fetch` downloads JSON.\n"))
        await execute(ed, key["command_name"], expand(key["command_args"], uri, rng))
        shown = await ed.wait_shown()
        assert ed.text(shown).startswith("# fetch.py, lines 2-3")
        await ed.wait_progress_end()
        assert "def fetch(url):" in json.dumps(upstream.chat_requests[-1].json["messages"])


# -- Zed ------------------------------------------------------------------------------------

ZED_LSP_KEYS = frozenset({"binary", "initialization_options", "settings", "enable_lsp_tasks"})
ZED_BINARY_KEYS = frozenset({"path", "arguments", "env", "ignore_system_version"})
# Zed's built-in language names (what extension.toml's `languages` must match).
ZED_LANGUAGES = frozenset({
    "Bash", "C", "C++", "CSS", "Diff", "Go", "Go Mod", "Go Work", "JavaScript", "JSON",
    "JSONC", "Markdown", "Markdown-Inline", "Python", "Regex", "Rust", "TSX", "TypeScript",
    "YAML", "Git Commit", "Shell Script",
})


def zed_settings() -> dict[str, Any]:
    data = json.loads(ZED_USED[0].code)
    assert set(data) == {"lsp"}
    return dict(data["lsp"]["vc-lsp"])


def test_zed_reads_our_settings_and_extension() -> None:
    lsp = zed_settings()
    assert set(lsp) <= ZED_LSP_KEYS and set(lsp["binary"]) <= ZED_BINARY_KEYS
    assert settings_problems(lsp["initialization_options"]) == []
    assert settings_problems(lsp["settings"]) == []
    extension = tomllib.loads((ZED / "vc-lsp-zed" / "extension.toml").read_text("utf-8"))
    assert extension["schema_version"] == 1 and extension["id"] == "vc-lsp"
    [(server_id, server)] = extension["language_servers"].items()
    assert server_id == "vc-lsp"  # the key of lsp.<id> in settings.json
    assert set(server["languages"]) <= ZED_LANGUAGES, set(server["languages"]) - ZED_LANGUAGES
    cargo = tomllib.loads((ZED / "vc-lsp-zed" / "Cargo.toml").read_text("utf-8"))
    assert cargo["lib"]["crate-type"] == ["cdylib"] and "zed_extension_api" in cargo[
        "dependencies"]
    source = (ZED / "vc-lsp-zed" / "src" / "lib.rs").read_text("utf-8")
    for hook in ("language_server_command", "language_server_initialization_options",
                 "language_server_workspace_configuration"):
        assert f"fn {hook}(" in source
    assert source.count("LspSettings::for_worktree(server_id.as_ref(), worktree)") == 3


async def test_zed_settings_reach_the_server(upstream: FakeUpstream, tmp_path: Path) -> None:
    lsp = zed_settings()
    binary = readme.code([ZED_USED[0]], {"/path/to/.venv/bin/vc-lsp": which("vc-lsp", PATH)})
    lsp = json.loads(binary)["lsp"]["vc-lsp"]
    project = tmp_path / "project"
    project.mkdir()
    init = {"processId": 4242, "rootUri": project.as_uri(),
            "clientInfo": {"name": "Zed", "version": "0.200.0"},
            "initializationOptions": lsp["initialization_options"],
            "capabilities": {"workspace": {"applyEdit": True, "configuration": True,
                                           "workspaceEdit": {"documentChanges": True}},
                             "textDocument": {"completion": {}, "codeAction": {
                                 "codeActionLiteralSupport": {"codeActionKind": {
                                     "valueSet": ["quickfix", "refactor", "source"]}}}},
                             "window": {"workDoneProgress": True}}}
    settings = lsp["settings"]
    async with emulated.client([lsp["binary"]["path"], *lsp["binary"]["arguments"]],
                               environment(PATH, upstream.base_url), init,
                               lambda section: settings.get(section) if section else settings,
                               settings=settings) as ed:
        uri = (project / "parse.rs").as_uri()
        block = ZED_USED[1].code
        ed.open(uri, block, language="rust")
        upstream.enqueue(Reply.text("<completion>0</completion>"))
        await complete(ed, uri, 2, 4)
        assert upstream.chat_requests[-1].json["model"] == "gpt-5.4"  # from "settings"
        actions = await code_actions(ed, uri, lines_range(0, 4))
        assert any(instruction_of(block) in a.title for a in actions)
