"""Self-tests for the fake upstream, so e2e failures can be trusted to be vc-lsp's own."""

from __future__ import annotations

import asyncio
import contextlib
import json
import ssl
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import pytest_asyncio
from httpx_sse import aconnect_sse

from tests.conftest import SAFETY
from tests.fakes.upstream import FakeUpstream, Reply
from vc_lsp.config import NetworkSettings
from vc_lsp.upstream.network import Dialer
from vc_lsp.upstream.transport import Transport

MODES = {"h1": {}, "h1-tls": {"tls": True}, "h2": {"http2": True}}


@pytest_asyncio.fixture(params=list(MODES))
async def upstream(request: pytest.FixtureRequest) -> AsyncIterator[FakeUpstream]:
    async with FakeUpstream(**MODES[request.param]) as fake:
        yield fake


def http(upstream: FakeUpstream, timeout: float = SAFETY) -> httpx.AsyncClient:
    """An httpx client for the fake, its CA trusted. Over HTTP/2 it uses vc-lsp's transport:
    stock httpx never resets a stream it stops reading (tests/test_transport.py pins that), so
    the fake could not see the hang-up it is meant to record."""
    if upstream.http2:
        dialer = Dialer(NetworkSettings(ca_bundle=upstream.ca_file), http2=True)
        transport = Transport(dialer, connect_timeout=timeout, limits=httpx.Limits())
        return httpx.AsyncClient(base_url=upstream.base_url, timeout=timeout,
                                 transport=transport)
    verify: Any = ssl.create_default_context(cafile=upstream.ca_file) if upstream.tls else True
    return httpx.AsyncClient(base_url=upstream.base_url, timeout=timeout, verify=verify)


@pytest_asyncio.fixture
async def client(upstream: FakeUpstream) -> AsyncIterator[httpx.AsyncClient]:
    async with http(upstream) as c:
        yield c


async def test_each_mode_speaks_its_protocol(upstream: FakeUpstream,
                                             client: httpx.AsyncClient) -> None:
    response = await client.get("/models")
    assert response.http_version == ("HTTP/2" if upstream.http2 else "HTTP/1.1")
    assert upstream.requests[0].http_version == ("2" if upstream.http2 else "1.1")
    assert upstream.base_url.startswith("https://" if upstream.tls else "http://")


def chat(stream: bool = True, **extra: Any) -> dict[str, Any]:
    return {"model": "fake-model", "messages": [{"role": "user", "content": "hi"}],
            "stream": stream, **extra}


async def collect(client: httpx.AsyncClient, body: dict[str, Any]) -> list[str]:
    """Return the raw `data:` payloads of one streamed request."""
    async with aconnect_sse(client, "POST", "/chat/completions", json=body) as src:
        assert src.response.headers["content-type"] == "text/event-stream"
        return [sse.data async for sse in src.aiter_sse()]


def contents(datas: list[str], index: int = 0) -> str:
    out = ""
    for d in datas:
        if d == "[DONE]" or d.startswith("{not"):
            continue
        for ch in json.loads(d).get("choices", []):
            if ch["index"] == index:
                out += ch["delta"].get("content") or ""
    return out


async def test_normal_stream(upstream: FakeUpstream, client: httpx.AsyncClient) -> None:
    upstream.enqueue(Reply.text("def add(a, b):\n    return a + b", chunk_size=5))
    datas = await collect(client, chat(stream_options={"include_usage": True}))
    assert contents(datas) == "def add(a, b):\n    return a + b"
    assert datas[-1] == "[DONE]"
    first, finish, usage = (json.loads(d) for d in (datas[0], datas[-3], datas[-2]))
    assert first["choices"][0]["delta"] == {"role": "assistant", "content": ""}
    assert first["object"] == "chat.completion.chunk" and first["model"] == "fake-model"
    assert finish["choices"][0] == {"index": 0, "delta": {}, "finish_reason": "stop"}
    assert usage["choices"] == [] and usage["usage"]["total_tokens"] > 0
    (rec,) = await upstream.wait_for_requests(1)
    await asyncio.wait_for(rec.done.wait(), SAFETY)
    assert rec.completed and rec.hung_up_at is None and rec.chunks_sent == len(datas)
    assert rec.json["messages"][0]["content"] == "hi"
    assert rec.received_at <= (rec.first_byte_sent_at or 0) <= (rec.finished_at or 0)


async def test_exact_chunks_reasoning_and_default(
        upstream: FakeUpstream, client: httpx.AsyncClient) -> None:
    upstream.enqueue(Reply.text(chunks=["foo", "bar"], reasoning=["think"]))
    datas = await collect(client, chat())
    deltas = [json.loads(d)["choices"][0]["delta"] for d in datas[:-1]]
    assert deltas[1:4] == [{"reasoning_content": "think"}, {"content": "foo"},
                           {"content": "bar"}]
    assert contents(await collect(client, chat())) == "fake completion"  # queue empty


async def test_three_choices(upstream: FakeUpstream, client: httpx.AsyncClient) -> None:
    upstream.enqueue(Reply.choices(["alpha one", "beta two", "gamma three"], chunk_size=3))
    datas = await collect(client, chat(n=3))
    assert [contents(datas, i) for i in range(3)] == ["alpha one", "beta two", "gamma three"]
    indexes = [json.loads(d)["choices"][0]["index"] for d in datas[3:9]]
    assert indexes == [0, 1, 2, 0, 1, 2]  # interleaved


async def test_default_follows_request_n(client: httpx.AsyncClient) -> None:
    datas = await collect(client, chat(n=2))
    assert contents(datas, 0) == contents(datas, 1) == "fake completion"


async def test_error_status(upstream: FakeUpstream, client: httpx.AsyncClient) -> None:
    upstream.enqueue(Reply.error(429, retry_after=7), Reply.error(401))
    r = await client.post("/chat/completions", json=chat())
    assert r.status_code == 429 and r.headers["retry-after"] == "7"
    assert r.json()["error"]["code"] == "rate_limit_exceeded"
    r = await client.post("/chat/completions", json=chat())
    assert r.status_code == 401
    assert set(r.json()["error"]) == {"message", "type", "param", "code"}


async def test_unknown_route_and_models(client: httpx.AsyncClient) -> None:
    r = await client.get("/models")
    assert [m["id"] for m in r.json()["data"]] == ["fake-model", "fast-model"]
    assert r.json()["object"] == "list"
    r = await client.get("/nope")
    assert r.status_code == 404 and "error" in r.json()


async def test_non_streaming(upstream: FakeUpstream, client: httpx.AsyncClient) -> None:
    upstream.responder = lambda req: Reply.text(f"echo {req['model']}")
    r = await client.post("/chat/completions", json=chat(stream=False))
    body = r.json()
    assert body["object"] == "chat.completion"
    assert body["choices"][0]["message"]["content"] == "echo fake-model"


async def test_endless_hang_up_is_detected(
        upstream: FakeUpstream, client: httpx.AsyncClient) -> None:
    upstream.enqueue(Reply.text("tick", endless=True, delay=0.001))
    async with aconnect_sse(client, "POST", "/chat/completions", json=chat()) as src:
        seen = 0
        async for _ in src.aiter_sse():
            seen += 1
            if seen == 5:
                break
    (rec,) = upstream.chat_requests
    await asyncio.wait_for(rec.hung_up.wait(), SAFETY)
    await asyncio.wait_for(rec.done.wait(), SAFETY)
    assert not rec.completed and rec.hung_up_at is not None and rec.chunks_sent >= 5


async def test_drop(upstream: FakeUpstream, client: httpx.AsyncClient) -> None:
    upstream.enqueue(Reply.text("abcdefgh", drop=True))
    if upstream.http2:  # the stream ends early instead (see _AsgiWire.abort)
        datas = await collect(client, chat())
        assert contents(datas) == "abcdefgh" and "[DONE]" not in datas
    else:
        with pytest.raises(httpx.RemoteProtocolError):
            await collect(client, chat())
    rec = upstream.chat_requests[0]
    await asyncio.wait_for(rec.done.wait(), SAFETY)
    assert not rec.completed and rec.hung_up_at is None


async def test_malformed_and_error_chunk(
        upstream: FakeUpstream, client: httpx.AsyncClient) -> None:
    upstream.enqueue(Reply.text("abcdefgh", malformed=True), Reply.text("abcd", error_chunk=True))
    datas = await collect(client, chat())
    assert "{not json" in datas and contents(datas) == "abcdefgh" and datas[-1] == "[DONE]"
    datas = await collect(client, chat())
    assert json.loads(datas[-1])["error"]["type"] == "server_error"


@pytest.mark.parametrize("reply", [Reply(hang=True), Reply(no_headers_hang=True)])
async def test_hang(upstream: FakeUpstream, reply: Reply) -> None:
    upstream.enqueue(reply)
    async with http(upstream, timeout=0.2) as c:
        with pytest.raises(httpx.ReadTimeout):
            await collect(c, chat())
    rec = upstream.chat_requests[0]
    await asyncio.wait_for(rec.hung_up.wait(), SAFETY)
    assert (rec.first_byte_sent_at is None) == reply.no_headers_hang


async def test_keep_alive_and_chunked_body(
        upstream: FakeUpstream, client: httpx.AsyncClient) -> None:
    if upstream.http2:
        pytest.skip("HTTP/1.1 framing")
    async def body() -> AsyncIterator[bytes]:
        yield json.dumps(chat()).encode()

    await collect(client, chat())
    r = await client.post("/chat/completions", content=body())
    assert "data: [DONE]" in r.text
    assert upstream.connections_opened == 1
    assert upstream.chat_requests[1].headers["transfer-encoding"] == "chunked"
    assert upstream.chat_requests[1].json == chat()
    r = await client.get("/models", headers={"Connection": "close"})
    assert r.headers["connection"] == "close"
    await client.get("/models")
    assert upstream.connections_opened == 2


async def test_stop_with_hanging_client(upstream: FakeUpstream) -> None:
    upstream.enqueue(Reply(no_headers_hang=True))
    async with http(upstream) as c:
        task = asyncio.create_task(c.post("/chat/completions", json=chat()))
        await upstream.wait_for_requests(1, timeout=SAFETY)
        await upstream.stop()
        if upstream.http2:  # hypercorn answers a request whose app was stopped with a 500
            with contextlib.suppress(httpx.HTTPError):
                assert (await task).status_code == 500
            return
        with pytest.raises(httpx.HTTPError):
            await task
