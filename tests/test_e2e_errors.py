"""Upstream faults: the server keeps running and tells the user once, in plain words."""

from __future__ import annotations

import asyncio

import pytest

from tests.conftest import SECRET, change, inline_texts, open_doc, wait_message
from tests.fakes.upstream import FakeUpstream, Reply

URI = "file:///project/app.py"
OK = Reply.text("<completion>recovered()</completion>")


async def _fails_then_recovers(client, upstream: FakeUpstream, fault: Reply, line: int = 0) -> None:
    upstream.enqueue(fault)
    assert await inline_texts(client, URI, line, 4, invoked=True) == []
    upstream.enqueue(OK)
    assert await inline_texts(client, URI, line, 4, invoked=True) == ["recovered()"]


@pytest.mark.parametrize(("fault", "words"), [
    (Reply.error(401, f"Incorrect API key provided: {SECRET}"), "was rejected"),
    (Reply.error(404, "The model `fake-model` does not exist"), "no model 'fake-model'"),
    (Reply.error(429, retry_after=0), "rate limited"),
    (Reply.error(500), "HTTP 500"),
    (Reply.error(503, "overloaded"), "HTTP 503"),
    (Reply.text("<completion>x", malformed=True), "malformed chunk"),
    (Reply.text("<completion>x", drop=True), "broke off"),
    (Reply.text("<completion>x", error_chunk=True), "failed"),
], ids=["401", "404", "429", "500", "503", "malformed", "dropped", "error-chunk"])
async def test_fault_is_reported_and_server_recovers(lsp, upstream: FakeUpstream, fault: Reply,
                                                     words: str) -> None:
    async with lsp() as client:
        open_doc(client, URI, "x = \n")
        await _fails_then_recovers(client, upstream, fault)
        message = await wait_message(client, words)
        assert "vc-lsp" in message.message


async def test_401_names_the_variable_never_the_key(lsp, upstream: FakeUpstream) -> None:
    async with lsp() as client:
        open_doc(client, URI, "x = \n")
        upstream.enqueue(Reply.error(401, f"Incorrect API key provided: {SECRET}"))
        await inline_texts(client, URI, 0, 4, invoked=True)
        message = await wait_message(client, "VISIONCODER_API_KEY")
        assert SECRET not in message.message
    assert upstream.chat_requests[0].headers["authorization"] == f"Bearer {SECRET}"


async def test_missing_key_says_how_to_set_it(lsp, upstream: FakeUpstream) -> None:
    async with lsp(env={"VISIONCODER_API_KEY": ""}) as client:
        open_doc(client, URI, "x = \n")
        upstream.enqueue(Reply.error(401))
        await inline_texts(client, URI, 0, 4, invoked=True)
        await wait_message(client, "no API key")
    assert "authorization" not in upstream.chat_requests[0].headers


async def test_same_cause_is_told_once(lsp, upstream: FakeUpstream) -> None:
    async with lsp() as client:
        open_doc(client, URI, "x = \n")
        for _ in range(3):
            upstream.enqueue(Reply.error(401))
            assert await inline_texts(client, URI, 0, 4, invoked=True) == []
        upstream.enqueue(Reply.error(500))
        await inline_texts(client, URI, 0, 4, invoked=True)
        await wait_message(client, "HTTP 500")  # notifications arrive in order: all are in
        assert sum("API key" in m.message for m in client.messages) == 1


async def test_unsupported_max_tokens_retries_once_and_remembers(lsp, upstream: FakeUpstream
                                                                 ) -> None:
    upstream.enqueue(Reply.error(400, "Unsupported parameter: 'max_tokens' is not supported with "
                                      "this model. Use 'max_completion_tokens' instead.",
                                 param="max_tokens"),
                     Reply.text("<completion>a()</completion>"),
                     Reply.text("<completion>b()</completion>"))
    async with lsp() as client:
        open_doc(client, URI, "x = \ny = \n")
        assert await inline_texts(client, URI, 0, 4, invoked=True) == ["a()"]
        assert await inline_texts(client, URI, 1, 4, invoked=True) == ["b()"]
    bodies = [r.json for r in upstream.chat_requests]
    assert "max_tokens" in bodies[0] and "max_completion_tokens" not in bodies[0]
    assert "max_completion_tokens" in bodies[1] and "max_tokens" not in bodies[1]
    assert "max_completion_tokens" in bodies[2]
    assert not any("refused" in m.message for m in client.messages)


async def test_rate_limit_pauses_requests(lsp, upstream: FakeUpstream) -> None:
    async with lsp() as client:
        open_doc(client, URI, "x = \n")
        upstream.enqueue(Reply.error(429, retry_after=30))
        assert await inline_texts(client, URI, 0, 4, invoked=True) == []
        assert await inline_texts(client, URI, 0, 4, invoked=True) == []
        message = await wait_message(client, "rate limited")
        assert "30 s" in message.message
    assert len(upstream.chat_requests) == 1  # the second keystroke did not hit the API


async def test_first_token_timeout(lsp, upstream: FakeUpstream) -> None:
    async with lsp(settings={"timeouts": {"firstTokenMs": 200}}) as client:
        open_doc(client, URI, "x = \n")
        await _fails_then_recovers(client, upstream, Reply.text("late", hang=True))
        message = await wait_message(client, "no answer in time")
        assert "timeouts.firstTokenMs" in message.message


async def test_unreachable_endpoint(lsp, upstream: FakeUpstream) -> None:
    async with lsp(settings={"baseUrl": "http://127.0.0.1:9/v1"},
                   env={"VC_LSP_BASE_URL": "http://127.0.0.1:9/v1"}) as client:
        open_doc(client, URI, "x = \n")
        assert await inline_texts(client, URI, 0, 4, invoked=True) == []
        await wait_message(client, "cannot reach 127.0.0.1:9")


async def test_every_connection_busy_is_told_once_by_its_name(lsp, upstream: FakeUpstream
                                                               ) -> None:
    """Completions in 16 files hold every connection the pool may open (the model sent the
    headers, then nothing). The next completions get no connection within connectMs: each is
    answered [] without reaching the model, the user is told once what is wrong (not "no
    answer in time"), and once typing ends the 16 streams, completions flow again."""
    uris = [f"file:///project/m{i}.py" for i in range(18)]
    async with lsp(settings={"timeouts": {"connectMs": 200}}) as client:
        for uri in uris:
            open_doc(client, uri, "x = \n")
        models = await upstream.wait_for_path("/v1/models")
        await models.done.wait()  # the start-up check is answered: its connection is free
        upstream.default = Reply(hang=True)
        holding = [asyncio.ensure_future(inline_texts(client, uri, 0, 4, invoked=True))
                   for uri in uris[:16]]
        await upstream.wait_for_requests(16)
        for uri in uris[16:]:
            assert await inline_texts(client, uri, 0, 4, invoked=True) == []
        assert len(upstream.chat_requests) == 16  # the two were never sent
        for uri in uris[:16]:
            change(client, uri, 1, 0, 4, "1")  # typing stops each held stream
        assert await asyncio.gather(*holding) == [[]] * 16
        await asyncio.gather(*(r.hung_up.wait() for r in upstream.chat_requests))
        upstream.default = Reply.error(500)
        await inline_texts(client, uris[16], 0, 4, invoked=True)
        await wait_message(client, "HTTP 500")  # notifications arrive in order: all are in
        busy = [m.message for m in client.messages if "busy" in m.message]
        upstream.default = OK
        assert await inline_texts(client, uris[17], 0, 4, invoked=True) == ["recovered()"]
    host = upstream.base_url.split("://")[1].split("/")[0]
    assert busy == [f"vc-lsp: all 16 connections to {host} are busy; vc.cancel stops actions."]
    assert not any("no answer in time" in m.message for m in client.messages)
