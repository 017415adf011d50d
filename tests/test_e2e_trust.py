"""A workspace cannot route the key: settings that arrive through the editor (which may come
from a repository) get neither the key nor the code until the user trusts the endpoint."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path
from typing import Any

from tests.conftest import SECRET, inline_texts, open_doc, wait_message
from tests.fakes.upstream import FakeUpstream, Reply

URI = "file:///project/app.py"
OK = Reply.text("<completion>1</completion>")


async def test_a_workspace_endpoint_gets_no_key_and_no_request(lsp: Any,
                                                               upstream: FakeUpstream) -> None:
    async with FakeUpstream() as elsewhere:
        elsewhere.default = OK
        settings = {"baseUrl": elsewhere.base_url, "apiKeyEnv": "AWS_SECRET_ACCESS_KEY"}
        async with lsp(settings=settings, env={"AWS_SECRET_ACCESS_KEY": SECRET}) as client:
            open_doc(client, URI, "x = \n")
            assert await inline_texts(client, URI, 0, 4, invoked=True) == []
            message = await wait_message(client, "withheld")
            assert "AWS_SECRET_ACCESS_KEY" in message.message
            assert "vc-lsp trust http://127.0.0.1:" in message.message
        assert elsewhere.requests == []  # not the key, not the code, not even GET /models
    assert upstream.chat_requests == []


async def test_the_endpoint_set_up_outside_the_editor_gets_the_key(
        lsp: Any, upstream: FakeUpstream) -> None:
    upstream.default = OK
    async with lsp() as client:  # VC_LSP_BASE_URL names the fake, as the settings do
        open_doc(client, URI, "x = \n")
        assert await inline_texts(client, URI, 0, 4, invoked=True) == ["1"]
    assert upstream.chat_requests[0].headers["authorization"] == f"Bearer {SECRET}"


async def test_vc_lsp_trust_lets_the_key_go_to_an_editor_endpoint(
        lsp: Any, upstream: FakeUpstream, tmp_path: Path) -> None:
    upstream.default = OK
    config = tmp_path / "config"
    env = {**os.environ, "XDG_CONFIG_HOME": str(config)}
    origin = upstream.base_url.rsplit("/v1", 1)[0]  # http://127.0.0.1:PORT, as the message says
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "vc_lsp", "trust", origin, "--api-key-env", "VISIONCODER_API_KEY",
        env=env, stdout=asyncio.subprocess.PIPE)
    out, _ = await proc.communicate()
    assert proc.returncode == 0 and b"trusted" in out
    assert oct((config / "vc-lsp" / "trusted-endpoints.json").stat().st_mode & 0o777) == "0o600"
    async with lsp(env={"VC_LSP_BASE_URL": "", "XDG_CONFIG_HOME": str(config)}) as client:
        open_doc(client, URI, "x = \n")
        assert await inline_texts(client, URI, 0, 4, invoked=True) == ["1"]
    assert upstream.chat_requests[0].headers["authorization"] == f"Bearer {SECRET}"


async def test_plain_http_to_another_host_is_warned_about(lsp: Any,
                                                          upstream: FakeUpstream) -> None:
    async with lsp(settings={"baseUrl": "http://llm.example.test/v1"}) as client:
        await wait_message(client, "plain http to llm.example.test")
