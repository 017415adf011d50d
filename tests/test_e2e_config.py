"""Settings from the client: pulled with workspace/configuration and pushed on change."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys

from lsprotocol import types

from tests.conftest import inline_texts, open_doc
from tests.fakes.upstream import FakeUpstream, Reply

URI = "file:///project/app.py"


async def test_pulled_settings_override_initialization_options(lsp, upstream: FakeUpstream
                                                               ) -> None:
    upstream.default = Reply.text("<completion>1</completion>")
    async with lsp(config_pull=True) as client:
        client.set_configuration({"model": "fast-model", "inline": {"maxTokens": 32}},
                                 section="vcLsp")
        client.workspace_did_change_configuration(
            types.DidChangeConfigurationParams(settings=None))
        open_doc(client, URI, "x = \n")
        await inline_texts(client, URI, 0, 4, invoked=True)  # waits for the pull in flight
    [request] = upstream.chat_requests
    body = request.json
    assert body["model"] == "fast-model" and body["max_tokens"] == 32


async def test_pushed_settings_apply_without_restart(lsp, upstream: FakeUpstream) -> None:
    upstream.default = Reply.text("<completion>1</completion>")
    async with lsp() as client:
        open_doc(client, URI, "x = \n")
        await inline_texts(client, URI, 0, 4, invoked=True)
        client.workspace_did_change_configuration(types.DidChangeConfigurationParams(
            settings={"vcLsp": {"model": "fast-model", "temperature": 0.7}}))
        await inline_texts(client, URI, 0, 4, invoked=True)
    first, second = (r.json for r in upstream.chat_requests)
    assert first["model"] == "fake-model" and second["model"] == "fast-model"
    assert second["temperature"] == 0.7


def test_version_and_bad_tcp_argument() -> None:
    out = subprocess.run([sys.executable, "-m", "vc_lsp", "--version"], capture_output=True,
                         text=True, check=True)
    assert out.stdout.startswith("vc-lsp ")
    bad = subprocess.run([sys.executable, "-m", "vc_lsp", "--tcp", "nonsense"],
                         capture_output=True, text=True)
    assert bad.returncode == 2 and "HOST:PORT" in bad.stderr


async def test_server_exits_when_the_editor_goes_away() -> None:
    """Neovim starts servers detached: closing stdin must end the process."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "vc_lsp", stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL,
        env={**os.environ, "VISIONCODER_API_KEY": ""})
    assert proc.stdin is not None
    proc.stdin.close()
    assert await asyncio.wait_for(proc.wait(), 30) is not None
