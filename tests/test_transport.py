"""The transport closes what it cancels, over real sockets: HTTP/2 (TLS) and HTTP/1.1 (plain, TLS).

Each test drives ``UpstreamClient`` against the fake upstream of tests/fakes in one of its three
modes and checks what the *server* saw: a reset stream or a closed connection for every cancel,
how many connections were opened, and which connection the next request came on. No sleeps: every
wait is for an event the fake records.
"""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import pytest_asyncio

from tests.fakes.upstream import FakeUpstream, RecordedRequest, Reply
from vc_lsp.config import NetworkSettings, Settings, Timeouts
from vc_lsp.upstream.chunks import Delta
from vc_lsp.upstream.client import ChatRequest, UpstreamClient
from vc_lsp.upstream.errors import ProtocolFailure, from_transport
from vc_lsp.upstream.transport import CancellingHTTP2Connection, Connection

SAFETY = 10.0  # seconds: only a net against hangs
CANCELS = 1000
def req_for(client: UpstreamClient) -> ChatRequest:
    """A request sent with the client's own settings (endpoint, key, timeouts)."""
    return ChatRequest(model="fake-model", messages=[{"role": "user", "content": "x"}],
                       settings=client.settings)


async def complete(client: UpstreamClient) -> str:
    """The whole answer of choice 0."""
    parts: list[str] = []
    async with client.stream(req_for(client)) as events:
        async for event in events:
            if isinstance(event, Delta) and event.index == 0:
                parts.append(event.text)
    return "".join(parts)
CANCEL = 8  # the HTTP/2 error code a client sends when it no longer wants a stream
MODES: dict[str, dict[str, bool]] = {"h2": {"http2": True}, "h1-tls": {"tls": True}, "h1": {}}


def settings(up: FakeUpstream, **network: Any) -> Settings:
    return Settings(base_url=up.base_url, api_key_env="VC_LSP_TEST_NO_KEY", model="fake-model",
                    timeouts=Timeouts(connect_ms=5000, first_token_ms=10_000),
                    network=NetworkSettings(ca_bundle=up.ca_file or None, **network))


@pytest_asyncio.fixture
async def h2() -> AsyncIterator[FakeUpstream]:
    async with FakeUpstream(http2=True) as up:
        yield up


async def first_delta_then_leave(client: UpstreamClient) -> None:
    """A completion cancelled by a keystroke: read until text arrives, then leave the block."""
    async with client.stream(req_for(client)) as events:
        async for event in events:
            if isinstance(event, Delta) and event.text:
                break


async def hung_up(rec: RecordedRequest) -> None:
    await asyncio.wait_for(rec.hung_up.wait(), SAFETY)


def h2_connections(client: UpstreamClient) -> list[CancellingHTTP2Connection]:
    assert client.transport is not None
    return [c.inner for c in client.transport.pool.connections_info()
            if isinstance(c.inner, CancellingHTTP2Connection)]


# --- the fault being fixed ----------------------------------------------------------------


async def test_stock_httpx_leaves_an_abandoned_h2_stream_open(h2: FakeUpstream) -> None:
    """encode/httpcore #943/#1022: closing a response early sends no RST_STREAM, and h2 keeps
    counting the stream against the server's limit. If this starts failing, httpcore fixed it
    and CancellingHTTP2Connection can go (see docs/transport.md)."""
    h2.default = Reply.text("tick ", endless=True, delay=0.001)
    ctx = ssl.create_default_context(cafile=h2.ca_file)
    async with httpx.AsyncClient(http2=True, verify=ctx) as client:
        async with client.stream("POST", f"{h2.base_url}/chat/completions",
                                 json={"model": "m", "messages": [], "stream": True}) as r:
            async for _ in r.aiter_bytes():
                break
        pool: Any = client._transport._pool  # type: ignore[attr-defined]
        (conn,) = pool.connections
        assert conn._connection._h2_state.open_outbound_streams == 1
    assert not h2.chat_requests[0].hung_up.is_set() or h2.chat_requests[0].completed is False


# --- HTTP/2 -------------------------------------------------------------------------------


async def test_h2_thousand_cancellations_on_one_connection(h2: FakeUpstream) -> None:
    """Every cancelled stream is reset at the server; one connection carries all of them and
    then the next completion, and h2 counts no stream as still open."""
    h2.default = Reply.text("tick ", endless=True, delay=0.001)
    client = UpstreamClient(settings(h2))
    try:
        for _ in range(CANCELS):
            await first_delta_then_leave(client)
            await hung_up(h2.chat_requests[-1])
        h2.default = Reply.text("the answer")
        assert await complete(client) == "the answer"
        (conn,) = h2_connections(client)
        assert conn.streams_reset == CANCELS and conn.open_streams() == 0
    finally:
        await client.aclose()
    assert h2.resets.count(CANCEL) == CANCELS  # RST_STREAM(CANCEL), as the server saw it
    assert h2.connections_opened == 1
    assert {r.connection for r in h2.chat_requests} == {h2.chat_requests[0].connection}
    assert all(r.http_version == "2" for r in h2.requests)
    cancelled = h2.chat_requests[:-1]
    assert all(r.hung_up.is_set() and not r.completed for r in cancelled)
    assert h2.chat_requests[-1].completed


async def test_h2_task_cancelled_anywhere_still_resets_and_keeps_the_connection(
        h2: FakeUpstream) -> None:
    """The registry cancels the task wherever it is, often while httpcore writes the window
    update for the chunk it just read. anyio's TLS stream breaks for good when a send is cut
    short, so before the fix about 1 in 60 of these killed the connection unreset."""
    h2.default = Reply.text("compute(", endless=True, delay=0.002)

    async def consume(client: UpstreamClient) -> None:
        async with client.stream(req_for(client)) as events:
            async for _ in events:
                pass

    client = UpstreamClient(settings(h2))
    try:
        for i in range(300):
            task = asyncio.create_task(consume(client))
            rec = (await h2.wait_for_requests(i + 1, SAFETY))[i]
            await asyncio.wait_for(rec.streaming.wait(), SAFETY)
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
            await hung_up(rec)
    finally:
        await client.aclose()
    assert h2.connections_opened == 1 and h2.resets.count(CANCEL) == 300


async def test_h2_concurrent_cancellations_beyond_the_stream_limit(h2: FakeUpstream) -> None:
    """More cancelled streams than the server allows at once (100), in waves of 50 at a time:
    the count never drifts, so no request ever meets "Max outbound streams"."""
    h2.default = Reply.text("tick ", endless=True, delay=0.05)
    client = UpstreamClient(settings(h2))
    try:
        for _ in range(6):
            await asyncio.gather(*(first_delta_then_leave(client) for _ in range(50)))
        await asyncio.gather(*(hung_up(r) for r in h2.chat_requests))
        h2.default = Reply.text("ok")
        assert await complete(client) == "ok"
        assert sum(c.open_streams() for c in h2_connections(client)) == 0
    finally:
        await client.aclose()
    assert len(h2.chat_requests) == 301 and h2.connections_opened == 1
    assert h2.resets.count(CANCEL) == 300


async def test_h2_cancel_while_waiting_for_headers_resets_the_stream(h2: FakeUpstream) -> None:
    h2.enqueue(Reply(no_headers_hang=True))
    client = UpstreamClient(settings(h2))
    try:
        task = asyncio.create_task(first_delta_then_leave(client))
        (rec,) = await h2.wait_for_requests(1, SAFETY)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        await hung_up(rec)
        assert await complete(client) == "fake completion"
    finally:
        await client.aclose()
    assert h2.connections_opened == 1


# --- HTTP/1.1 -----------------------------------------------------------------------------


@pytest.mark.parametrize(("mode", "cancels"), [("h1", CANCELS), ("h1-tls", 300)])
async def test_h1_cancellations_are_replaced_by_warm_connections(mode: str, cancels: int) -> None:
    """Each cancel closes its connection; a spare is dialled at once, before the next request
    exists, and that request goes out on it: no request waits for a handshake. (300 over TLS:
    each costs two handshakes of CPU in this one process, and 300 prove as much as 1000.)"""
    async with FakeUpstream(**MODES[mode]) as up:
        up.default = Reply.text("tick ", endless=True, delay=0.001)
        client = UpstreamClient(settings(up))
        try:
            for i in range(cancels):
                await first_delta_then_leave(client)
                await hung_up(up.chat_requests[-1])
                await up.wait_for_connections(i + 2, SAFETY)  # the spare, dialled unasked
            up.default = Reply.text("warm")
            assert await complete(client) == "warm"
            assert client.transport is not None
            assert client.transport.pool.spares_dialled == cancels
        finally:
            await client.aclose()
        assert up.connections_opened == cancels + 1  # none opened by a request after the first
        serials = [r.connection for r in up.chat_requests]
        assert serials == list(range(1, cancels + 2))  # request k+1 on the spare of cancel k
        assert all(r.hung_up.is_set() for r in up.chat_requests[:-1])


async def test_h1_spare_closed_by_the_server_is_not_an_error() -> None:
    """A server whose keep-alive ran out closes the waiting spare: the request that finds it
    dead is handed to a fresh connection instead of failing."""
    async with FakeUpstream() as up:
        up.default = Reply.text("tick ", endless=True, delay=0.001)
        client = UpstreamClient(settings(up))
        try:
            await first_delta_then_leave(client)
            await up.wait_for_connections(2, SAFETY)
            for task in list(up._tasks):  # the server side of the idle spare
                task.cancel()
            await asyncio.gather(*up._tasks, return_exceptions=True)
            up.default = Reply.text("fresh")
            assert await complete(client) == "fresh"
        finally:
            await client.aclose()
        assert up.connections_opened == 3


async def test_http2_off_speaks_http1_to_an_h2_server(h2: FakeUpstream) -> None:
    client = UpstreamClient(settings(h2, http2=False))
    try:
        assert await complete(client) == "fake completion"
    finally:
        await client.aclose()
    assert h2.requests[0].http_version == "1.1"


async def test_spares_are_not_hoarded() -> None:
    """Concurrent cancels on HTTP/1.1 leave at most one waiting spare per origin."""
    async with FakeUpstream() as up:
        up.default = Reply.text("tick ", endless=True, delay=0.001)
        client = UpstreamClient(settings(up))
        try:
            for _ in range(5):
                await asyncio.gather(*(first_delta_then_leave(client) for _ in range(4)))
            assert client.transport is not None
            waiting = [c for c in client.transport.pool.connections_info()
                       if isinstance(c, Connection) and c.spare and c.is_idle()]
            assert len(waiting) <= 1
        finally:
            await client.aclose()


# --- naming the cause ---------------------------------------------------------------------


def test_a_stream_limit_is_a_protocol_error_not_an_unreachable_endpoint() -> None:
    exc = httpx.LocalProtocolError("Max outbound streams is 100, 100 open")
    err = from_transport(exc, base_url="https://api.example.com/v1", model="m")
    assert isinstance(err, ProtocolFailure)
    message = err.full_message()
    assert "protocol error" in message and "Max outbound streams" in message
    assert "cannot reach" not in message and "network.http2" in message


async def test_new_network_settings_get_a_new_pool_without_cutting_streams() -> None:
    async with FakeUpstream() as up:
        up.enqueue(Reply.text("slow answer", delay=0.001))
        client = UpstreamClient(settings(up))
        try:
            async with client.stream(req_for(client)) as events:
                first = await anext(events)
                old = client.http
                client.configure(settings(up, http2=False))
                rest = [e async for e in events]  # the stream in flight is not cut off
                assert not old.is_closed
            assert old.is_closed  # closed once its stream ended
            assert client.http is not old
            assert await complete(client) == "fake completion"
        finally:
            await client.aclose()
    assert "".join(e.text for e in [first, *rest] if isinstance(e, Delta)) == "slow answer"


@pytest.mark.parametrize("mode", ["h2", "h1"])
async def test_a_second_cancel_during_the_close_still_closes(mode: str) -> None:
    """A keystroke cancels the reader, and the action's stop cancels it again while httpcore is
    closing the response: the close must still finish (reset the stream, or close the h1
    connection), or the server streams on and the connection stays busy for good."""
    async with FakeUpstream(**MODES[mode]) as up:
        up.default = Reply.text("tick ", endless=True, delay=0.001)

        async def consume(client: UpstreamClient) -> None:
            async with client.stream(req_for(client)) as events:
                async for _ in events:
                    pass

        client = UpstreamClient(settings(up))
        try:
            for i in range(100):
                task = asyncio.create_task(consume(client))
                rec = (await up.wait_for_requests(i + 1, SAFETY))[i]
                await asyncio.wait_for(rec.streaming.wait(), SAFETY)
                task.cancel()
                for _ in range(i % 4):  # let the close start, to different depths
                    await asyncio.sleep(0)
                task.cancel()
                with pytest.raises(asyncio.CancelledError):
                    await task
                await hung_up(rec)
            up.default = Reply.text("after")
            assert await complete(client) == "after"
            assert client.transport is not None
            counts = client.transport.pool.counts()
        finally:
            await client.aclose()
    # Each close ran to its end: no request is left in the pool's table holding a connection.
    assert counts["requests"] == 0 and counts["active"] == 0 and counts["new"] == 0
