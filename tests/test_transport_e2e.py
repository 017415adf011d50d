"""Keystrokes cancel upstream streams end to end: the real server over stdio, a TLS fake upstream.

HTTP/2: one connection carries every cancelled completion, each stream is reset at the server
(RST_STREAM CANCEL, as hypercorn received it), and the next completion answers on it.
HTTP/1.1 over TLS: each cancel closes its connection and the server dials a warm replacement
before the next completion exists; the next completion goes out on it.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio

from tests.conftest import change, inline_texts, open_doc, wait_message
from tests.fakes.upstream import FakeUpstream, Reply

URI = "file:///project/app.py"
SAFETY = 20  # seconds; only guards against a hung test
CANCEL = 8  # RST_STREAM error code CANCEL


@pytest_asyncio.fixture(params=["h2", "h1-tls"])
async def upstream(request: pytest.FixtureRequest) -> AsyncIterator[FakeUpstream]:
    """Overrides conftest's plain fake: the `lsp` sessions below talk TLS to this one."""
    async with FakeUpstream(http2=request.param == "h2", tls=True) as up:
        yield up


def network(up: FakeUpstream) -> dict[str, Any]:
    return {"network": {"caBundle": up.ca_file}}


async def cancel_by_typing(client: Any, up: FakeUpstream, version: int, line: int,
                           streaming: bool) -> None:
    """An invoked completion; once it reached the model (and, if ``streaming``, the model
    answers), a keystroke; the answer is empty and the model's stream is closed."""
    before = len(up.chat_requests)
    pending = asyncio.ensure_future(inline_texts(client, URI, line, 4, invoked=True))
    rec = (await up.wait_for_requests(before + 1, SAFETY))[before]
    if streaming:
        await asyncio.wait_for(rec.streaming.wait(), SAFETY)
    change(client, URI, version, line, 4, "1")
    await asyncio.wait_for(rec.hung_up.wait(), SAFETY)
    assert await pending == []


async def test_keystrokes_cancel_streams_and_the_connection_stays_useful(
        lsp: Any, upstream: FakeUpstream) -> None:
    h2 = upstream.http2
    # 1000 in a row on one connection are in test_transport.py (the same client, without the
    # editor); through the server at DEBUG logging each costs ~35 ms, so fewer here.
    cancels = 300 if h2 else 100
    upstream.default = Reply.text("compute(", endless=True, delay=0.002)
    lines = cancels + 1
    async with lsp(settings=network(upstream)) as client:
        open_doc(client, URI, "x = \n" * lines)
        models = await upstream.wait_for_path("/v1/models", SAFETY)
        await asyncio.wait_for(models.done.wait(), SAFETY)  # the start-up check is answered
        for i in range(cancels):
            # Every other keystroke lands mid-stream, the rest while the headers are due.
            await cancel_by_typing(client, upstream, i + 1, i, streaming=i % 2 == 0)
            if not h2:
                await upstream.wait_for_connections(i + 2, SAFETY)  # the warm spare
        upstream.default = Reply.text("<completion>answer()</completion>")
        assert await inline_texts(client, URI, cancels, 4, invoked=True) == ["answer()"]
    chats = upstream.chat_requests
    assert len(chats) == cancels + 1 and chats[-1].completed
    assert all(r.hung_up.is_set() and not r.completed for r in chats[:-1])
    if h2:
        assert upstream.connections_opened == 1
        assert upstream.resets.count(CANCEL) == cancels
        assert {r.connection for r in upstream.requests} == {chats[0].connection}
    else:
        # One connection for the start-up GET /models and the first completion, then one spare
        # per cancel, dialled before the next completion was sent (the loop waited for it):
        # no completion opened a connection of its own, and each went out on a fresh one.
        assert upstream.connections_opened == cancels + 1
        serials = [r.connection for r in chats[1:]]
        assert serials == sorted(set(serials)) and len(serials) == cancels


async def test_an_untrusted_certificate_is_named_in_the_editor(
        lsp: Any, upstream: FakeUpstream) -> None:
    """Without the company CA the user reads "looks intercepted", not "cannot reach"."""
    async with lsp(env={"SSL_CERT_FILE": ""}) as client:
        message = await wait_message(client, "looks intercepted")
        assert "network.caBundle" in message.message
        open_doc(client, URI, "x = \n")
        assert await inline_texts(client, URI, 0, 4, invoked=True) == []
    assert not upstream.requests  # no request, no key, left this machine
