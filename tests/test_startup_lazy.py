"""The initialize answer comes before the feature services exist, and loses nothing for it.

The services (and httpx, the context engine, the prompts...) are built after the answer
(``vc_lsp/services.py``, ``VcServer.start_features``). Proven here: a fresh process answers
initialize without importing them; the capabilities are the same as when the services are built
first, for clients with and without inline completion, ``workspace/applyEdit`` or settings; and
a client that does not wait for its ``initialized`` (opens documents and asks at once) is
answered as any other. Start-up time itself is measured by ``bench/startup.py``.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import options
from tests.fakes.upstream import FakeUpstream, Reply
from tests.initialize_probe import HEAVY
from tests.rawlsp import RawServer, key

ROOT = Path(__file__).resolve().parent.parent

CLIENTS: dict[str, dict[str, Any]] = {
    "everything": {
        "textDocument": {"inlineCompletion": {}, "codeAction": {"disabledSupport": True},
                         "completion": {"completionItem": {"documentationFormat": ["markdown"]}}},
        "workspace": {"applyEdit": True, "configuration": True},
        "window": {"showDocument": {"support": True}, "workDoneProgress": True}},
    "no inline completion": {"textDocument": {"completion": {}}, "workspace": {"applyEdit": True}},
    "no applyEdit": {"textDocument": {"inlineCompletion": {}}},
    "nothing": {},
    "utf-8": {"general": {"positionEncodings": ["utf-8", "utf-16"]}},
}
SETTINGS: dict[str, dict[str, Any]] = {
    "defaults": {},
    "fallback always": {"inline": {"completionFallback": "always"}},
    "fallback never": {"inline": {"completionFallback": "never"}},
    "a bad value": {"inline": {"debounceMs": "soon"}, "model": 3},
}


def probe(tmp_path: Path, capabilities: dict[str, Any], settings: dict[str, Any], *,
          started: bool) -> dict[str, Any]:
    env = {"PATH": "", "HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path / "config"),
           "XDG_CACHE_HOME": str(tmp_path / "cache"), "XDG_DATA_HOME": str(tmp_path / "data")}
    args = [sys.executable, "-m", "tests.initialize_probe", json.dumps(capabilities),
            json.dumps(settings), *(["--started"] if started else [])]
    done = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
                          check=False)
    assert done.returncode == 0, done.stderr
    answer: dict[str, Any] = json.loads(done.stdout)
    return answer


@pytest.mark.parametrize("settings", list(SETTINGS))
@pytest.mark.parametrize("client", list(CLIENTS))
def test_initialize_answers_before_the_services_with_the_same_capabilities(
        tmp_path: Path, client: str, settings: str) -> None:
    lazy = probe(tmp_path, CLIENTS[client], SETTINGS[settings], started=False)
    built = probe(tmp_path, CLIENTS[client], SETTINGS[settings], started=True)
    assert lazy["imported"] == [], "imported before the initialize answer"
    assert built["imported"] == list(HEAVY)  # the probe sees them when they are there
    assert lazy["result"] == built["result"]


def test_the_capabilities_follow_the_client_and_the_settings(tmp_path: Path) -> None:
    """The comparison above compares answers that differ where they should."""
    def caps(client: str, settings: str = "defaults") -> dict[str, Any]:
        result: dict[str, Any] = probe(tmp_path, CLIENTS[client], SETTINGS[settings],
                                       started=False)["result"]["capabilities"]
        return result

    assert "completionProvider" not in caps("everything")
    assert "completionProvider" in caps("no inline completion")
    assert "completionProvider" in caps("everything", "fallback always")
    assert "completionProvider" not in caps("no inline completion", "fallback never")
    assert caps("utf-8")["positionEncoding"] == "utf-8"


@pytest.fixture
async def server(upstream: FakeUpstream, tmp_path: Path) -> AsyncIterator[RawServer]:
    raw = await RawServer.start(tmp_path / "server.log",
                                env={"XDG_CACHE_HOME": str(tmp_path / "cache"),
                                     "XDG_DATA_HOME": str(tmp_path / "data"),
                                     "VC_LSP_BASE_URL": upstream.base_url})  # trusted
    yield raw
    raw.kill()
    await raw.proc.wait()


def _initialize(server: RawServer, upstream: FakeUpstream) -> int:
    """Send initialize and, as impatient clients do, no ``initialized`` after it."""
    msg_id: int = server.send_request("initialize", {
        "processId": None, "rootUri": None,
        "capabilities": {"textDocument": {"inlineCompletion": {}, "completion": {}},
                         "workspace": {"applyEdit": True}},
        "initializationOptions": options(upstream, {}, None)})
    return msg_id


URI = "file:///project/app.py"
OPEN = {"textDocument": {"uri": URI, "languageId": "python", "version": 0,
                         "text": "def add(a, b):\n    return \n"}}
ASK = {"textDocument": {"uri": URI}, "position": {"line": 1, "character": 11},
       "context": {"triggerKind": 1}}  # invoked


def _texts(answer: dict[str, Any]) -> list[str]:
    result = answer["result"]
    items = result["items"] if isinstance(result, dict) else result
    return [item["insertText"] for item in items]


async def test_a_client_that_does_not_wait_for_initialized_is_answered(
        server: RawServer, upstream: FakeUpstream) -> None:
    upstream.enqueue(Reply.text("a + b"))
    init = _initialize(server, upstream)
    server.notify("textDocument/didOpen", OPEN)  # sent before the initialize answer is read
    asked = server.send_request("textDocument/inlineCompletion", ASK)
    await server.wait_answered([init, asked])
    assert "result" in server.answers[key(init)][0]
    assert _texts(server.answers[key(asked)][0]) == ["a + b"]
    server.notify("initialized", {})  # late: the services exist already, nothing is built twice
    upstream.enqueue(Reply.text("b + a"))
    server.notify("textDocument/didChange", {
        "textDocument": {"uri": URI, "version": 1}, "contentChanges": [
            {"range": {"start": {"line": 1, "character": 11}, "end": {"line": 1, "character": 11}},
             "text": " "}]})
    ask = {**ASK, "position": {"line": 1, "character": 12}}
    assert _texts(await server.request("textDocument/inlineCompletion", ask)) == ["b + a"]
    assert len(upstream.chat_requests) == 2
    assert (await server.request("shutdown"))["result"] is None


async def test_documents_opened_before_initialized_reach_the_features(
        server: RawServer, upstream: FakeUpstream) -> None:
    """The first didOpen builds the services and they see it: another open file's definition,
    known only to the context service, is in the prompt."""
    upstream.enqueue(Reply.text("100, 2)"))
    await server.answer(_initialize(server, upstream))
    helper = "def scale_price_by(amount, factor):\n    return amount * factor * 1.07\n"
    server.notify("textDocument/didOpen", {"textDocument": {
        "uri": "file:///project/pricing.py", "languageId": "python", "version": 0,
        "text": helper}})
    server.notify("textDocument/didOpen", {"textDocument": {
        "uri": URI, "languageId": "python", "version": 0,
        "text": "from pricing import scale_price_by\n\ntotal = scale_price_by("}})
    ask = {**ASK, "position": {"line": 2, "character": 23}}
    assert _texts(await server.request("textDocument/inlineCompletion", ask)) == ["100, 2)"]
    server.notify("initialized", {})
    assert "amount * factor * 1.07" in json.dumps(upstream.chat_requests[0].json)


async def test_shutdown_before_anything_was_built(server: RawServer,
                                                  upstream: FakeUpstream) -> None:
    await server.answer(_initialize(server, upstream))
    assert (await server.request("shutdown"))["result"] is None
    server.notify("exit")
    assert await server.proc.wait() == 0
