"""Every message the server shows fits one line of an 80-column screen (vc_lsp/messages.py).

Each class of message is produced with the longest inputs it can meet (a company gateway's
URL, a 300-character error body, long file names, titles and setting names) and measured:
upstream failures, settings problems (from the editor and from the environment), a plan the
server refuses, an excluded file, and, end to end through the real server, every outcome of an
action. tests/conftest.py also checks every message of every end-to-end test; the one message
allowed more lines is an explanation itself, shown as a message where the editor has no other
way (actions/explain.py).
"""

from __future__ import annotations

import asyncio
from typing import Any

import attrs
import pytest
from lsprotocol import types

from tests.conftest import (
    SAFETY,
    capabilities,
    options,
    start_server,
    stop_and_check_secret,
    wait_message,
)
from tests.editor_client import opener
from tests.fakes.upstream import FakeUpstream, Reply
from tests.test_e2e_actions import LOAD, SOURCE, execute, lines_range
from vc_lsp.actions import catalog
from vc_lsp.actions import plan as planning
from vc_lsp.config import SettingsStore
from vc_lsp.config.convert import _is_settings_class
from vc_lsp.config.settings import Settings, camel, env_vars
from vc_lsp.context import ContextService
from vc_lsp.documents import new_document
from vc_lsp.messages import MESSAGE_WIDTH, fit, fits
from vc_lsp.upstream import errors as e

GATEWAY = "https://inference-gateway.internal.example-corporation.com:8443/openai/deployments/v1"
BODY = "HTTP 400: " + "the upstream refused this request for reasons of its own; " * 6
MODEL = "deepseek-ai/DeepSeek-Coder-V2-Instruct-0724-with-a-long-suffix"
ENV = "MY_COMPANY_INTERNAL_GATEWAY_API_KEY_FOR_CODING"
PROXY = "http://alice:secret@proxy.eu-west-1.internal.example-corporation.com:3128"


def every_error() -> list[e.UpstreamError]:
    kw: dict[str, Any] = {"base_url": GATEWAY, "model": MODEL}
    return [
        e.UpstreamError(BODY, **kw),
        e.AuthError(BODY, key_env=ENV, **kw), e.AuthError("", key_env=ENV, key_set=False, **kw),
        e.UntrustedEndpoint("", key_env=ENV, **kw),
        e.UntrustedEndpoint("", key_env=ENV, base_url="http://10.0.0.7:8000/v1", model=MODEL),
        e.ModelNotFound(BODY, **kw), e.ModelNotFound(BODY, base_url=GATEWAY),
        e.BadRequest(BODY, param="max_tokens", **kw),
        e.RateLimited(BODY, **kw), e.RateLimited(BODY, retry_after=86399.5, **kw),
        e.ServerError(BODY, **kw), e.ServerError(BODY, retry_after=3600, **kw),
        e.UpstreamTimeout(BODY, setting="timeouts.betweenChunksMs", **kw),
        e.UpstreamTimeout(BODY, **kw),
        e.NetworkError(BODY, **kw),
        e.TlsError(BODY, reason=BODY, **kw), e.TlsError(BODY, reason=BODY, intercepted=True, **kw),
        e.TlsError(BODY, reason=f"WRONG_VERSION_NUMBER: the server {e.NOT_TLS} on that port",
                   **kw),
        e.ProxyFailure(BODY, proxy=PROXY, **kw), e.ProxyFailure(BODY, **kw),
        e.NetworkSetup(BODY, **kw),
        e.NotTheApi(BODY, **kw), e.NotTheApi(BODY, location=GATEWAY + "/login?next=" + BODY, **kw),
        e.ProtocolFailure(BODY, **kw),
        e.BadStream(BODY, **kw),
        e.PoolExhausted(connections=16, waited=5, **kw),
    ]


def subclasses(cls: type) -> set[type]:
    return {cls} | {s for sub in cls.__subclasses__() for s in subclasses(sub)}


def test_every_upstream_failure_fits_a_line() -> None:
    errors = every_error()
    assert {type(err) for err in errors} == subclasses(e.UpstreamError)  # a new class: add it
    for err in errors:
        message = err.user_message()
        assert fits(message), f"{type(err).__name__}: {message!r}"
        assert message.startswith("vc-lsp: ")
        assert PROXY not in message and "secret" not in message
        assert len(err.full_message()) > len(message) or fits(err.full_message())


def test_what_must_be_typed_is_kept_whole() -> None:
    timeout = e.UpstreamTimeout("x", setting="timeouts.betweenChunksMs", base_url=GATEWAY)
    assert "timeouts.betweenChunksMs" in timeout.user_message()
    assert "VISIONCODER_API_KEY" in e.AuthError(BODY, key_env="VISIONCODER_API_KEY",
                                                base_url=GATEWAY).user_message()
    model = "deepseek-ai/DeepSeek-Coder-V2-Instruct"
    assert f"'{model}'" in e.ModelNotFound("x", base_url=GATEWAY, model=model).user_message()
    assert fit("vc-lsp: {a} and {b}", a="x" * 200, b="keep me", whole=("b",)).endswith("keep me")


def _keys(cls: type, prefix: str = "") -> list[str]:
    out: list[str] = []
    for field in attrs.fields(cls):
        if _is_settings_class(field.type):
            out += _keys(field.type, f"{prefix}{camel(field.name)}.")
        else:
            out.append(prefix + camel(field.name))
    return out


def _nested(key: str, value: Any) -> dict[str, Any]:
    out: Any = value
    for part in reversed(key.split(".")):
        out = {part: out}
    return dict(out)


BAD_VALUES = ["x" * 300, -5, 10**12, {"a": 1}, True, ["y" * 60] * 4, "5", None, 0.5]


@pytest.mark.parametrize("key", _keys(Settings))
def test_every_settings_problem_fits_a_line(key: str) -> None:
    shown = 0
    for bad in BAD_VALUES:
        store = SettingsStore({})
        for problem in store.update("init", {"vcLsp": _nested(key, bad)}):
            assert fits(f"vc-lsp: {store.brief(problem)}"), problem
            assert f"'{key}'" in store.brief(problem)  # the key the user must fix, whole
            shown += 1
    assert shown, f"no bad value for {key}"


def test_unknown_and_misplaced_settings_fit_a_line() -> None:
    store = SettingsStore({})
    problems = store.update("init", {"vcLsp": {
        "inline": "not an object", "actions": {"throttelMs": 5},
        "z" * 120: 1, "network": {"caBundel": "/x"}}})
    assert len(problems) == 4
    for problem in problems:
        assert fits(f"vc-lsp: {store.brief(problem)}"), problem


@pytest.mark.parametrize(("key", "var"), sorted(env_vars().items()))
def test_a_bad_environment_variable_fits_a_line(key: str, var: str) -> None:
    store = SettingsStore({var: "x" * 300})
    for problem in store.update("init", {}):
        assert var in problem  # the full problem says where the value came from
        assert fits(f"vc-lsp: {store.brief(problem)}"), problem


def test_a_refused_plan_fits_a_line() -> None:
    big = "".join(f"x{i} = {i}\n" for i in range(120_000))
    cases = [
        (new_document("file:///a.py", "x = 1\n", language_id="python"), catalog.EDIT, None),
        (new_document("file:///a.py", "\n\n\n", language_id="python"), catalog.EXPLAIN, None),
        (new_document("file:///a.py", big, language_id="python"), catalog.EXPLAIN,
         types.Range(types.Position(0, 0), types.Position(119_999, 0))),
    ]
    for doc, action, rng in cases:
        made = planning.make(doc, action, rng, max_lines=1)
        assert isinstance(made, planning.Problem)
        assert fits(made.message), made.message


def test_an_excluded_file_fits_a_line() -> None:
    store = SettingsStore({})
    assert store.update("init", {"vcLsp": {"exclude": ["**/" + "very-secret-" * 8 + "*"]}}) == []
    context = ContextService(store.current, lambda: ["/home/someone/projects"])
    context.on_settings(store.current)
    folder = "file:///home/someone/projects/" + "deeply/nested/" * 6
    for uri in (folder + "a-rather-long-name-for-an-environment-file.env",
                folder + "very-secret-" * 8 + "notes.py"):
        assert context.excluded(uri) is not None, uri
        message = context.refusal(uri)
        assert message is not None and fits(message), message


# -- every outcome of an action, end to end -------------------------------------------------

NAME = "an_unusually_long_module_name_for_the_width_of_messages_" * 2 + "app.py"
LONG_URI = f"file:///project/{NAME}"
INSTRUCTION = "rewrite this function so that it " + "keeps its behaviour and " * 12 + "is fast"


@pytest.fixture
def open_editor(upstream: FakeUpstream, tmp_path: Any) -> Any:
    return opener(upstream, tmp_path)


async def test_every_action_outcome_fits_a_line(open_editor: Any, upstream: FakeUpstream) -> None:
    rng = lines_range(*LOAD)
    edit = {"uri": LONG_URI, "range": rng, "instruction": INSTRUCTION}
    async with open_editor(settings={"actions": {"maxSelectionLines": 6}}) as ed:
        ed.open(LONG_URI, SOURCE)
        said = 0

        async def outcome(words: str) -> None:
            nonlocal said
            try:
                message = await ed.wait_message(words)
            except TimeoutError:  # say what was said instead
                raise AssertionError([m.message for m in ed.client.messages]) from None
            said += 1
            assert fits(message.message), message.message

        upstream.enqueue(Reply.error(500, BODY))  # fails before any line: nothing changed
        await execute(ed, "vc.edit", **edit)
        await outcome("unchanged")
        upstream.enqueue(Reply.text(chunks=["```python\ndef load(path: str) -> dict:\n"
                                            "    with open(path) as f:\n", "never sent"],
                                    error_chunk=True, delay=0.5))
        await execute(ed, "vc.edit", **edit)  # fails after the first lines: restored
        await outcome("restored")
        upstream.enqueue(Reply.lines("```python\ndef load(path):\n", finish_reason="length"))
        await execute(ed, "vc.edit", **edit)
        await outcome("actions.maxTokens")
        original = "\n".join(SOURCE.split("\n")[LOAD[0]:LOAD[1]]) + "\n"
        upstream.enqueue(Reply.lines(f"```python\n{original}```\n"))
        await execute(ed, "vc.edit", **edit)
        await outcome("changed nothing")

        upstream.enqueue(Reply.text(chunks=["```python\n", "def load(path):\n"], endless=True,
                                    delay=0.02))
        before = len(ed.edits_for(LONG_URI))
        await execute(ed, "vc.edit", **edit)
        [*_, endless] = await upstream.wait_for_requests(5)
        await ed.wait_edits(LONG_URI, before + 1)
        ed.type_at(LONG_URI, len(ed.text(LONG_URI)), "#")  # typing stops it
        await asyncio.wait_for(endless.hung_up.wait(), SAFETY)
        await outcome("stopped")
        await execute(ed, "vc.revert", uri=LONG_URI)
        await outcome("already hold")

        upstream.enqueue(Reply.text(chunks=["```python\n", "def load(path):\n"], endless=True,
                                    delay=0.02))
        await execute(ed, "vc.edit", **edit)
        await upstream.wait_for_requests(6)
        await execute(ed, "vc.cancel", uri=LONG_URI)
        await outcome("cancelled")
        await execute(ed, "vc.cancel", uri=LONG_URI)
        await outcome("nothing is streaming")

        upstream.enqueue(Reply.error(503, BODY))
        await execute(ed, "vc.explain", uri=LONG_URI, range=rng)
        await outcome("stopped early")
        await execute(ed, "vc.explain", uri=LONG_URI, range=lines_range(0, 11))
        await outcome("actions.maxSelectionLines")
        await execute(ed, "vc.explain", uri=LONG_URI + ".closed", range=rng)
        await outcome("not open")
        await execute(ed, "vc.revert", uri=LONG_URI + ".other")
        await outcome("no edit to revert")
        await execute(ed, "vc.edit", uri=LONG_URI, range=rng)
        await outcome("needs an instruction")
        assert said == 13
        assert all(fits(m.message) for m in ed.client.messages)


async def test_an_editor_without_edits_is_told_in_a_line(upstream: FakeUpstream,
                                                         tmp_path: Any) -> None:
    """A client that takes no applyEdit (ALE) is offered Explain only; a command sent anyway
    says why in one line."""
    client = await start_server(tmp_path / "server.log")
    caps = capabilities(inline=False)
    assert caps.workspace is not None
    caps.workspace.apply_edit = False
    await client.initialize_session(types.InitializeParams(
        capabilities=caps, initialization_options=options(upstream, {}, None)))
    try:
        client.text_document_did_open(types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=LONG_URI, language_id="python",
                                                 version=0, text=SOURCE)))
        await client.workspace_execute_command_async(types.ExecuteCommandParams(
            command="vc.simplify", arguments=[{"uri": LONG_URI, "range": lines_range(*LOAD)}]))
        message = await wait_message(client, "takes no edits")
        assert len(message.message) <= MESSAGE_WIDTH
    finally:
        await stop_and_check_secret(client, tmp_path / "server.log")
