"""Every connection comes back to the pool, and a request never waits forever for one.

The soak (bench/soak.py) found completions that stopped reaching the upstream after a minute
or two of typing: a request cancelled by a keystroke while the spare it was given was still
being dialled left that spare "in use" for good (httpcore never offers an HTTP/1.1 connection
that had no request yet), and with no pool timeout, once ``max_connections`` of them had
piled up every later request waited forever, silently. These tests drive ``UpstreamClient``
against the fake upstream over real sockets; the dial is held with an event, so the cancel
lands exactly where it did in the soak.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from typing import Any

import attrs
import httpcore
import pytest

from tests.fakes.upstream import FakeUpstream, Reply
from tests.test_transport import MODES, SAFETY, complete, req_for, settings
from vc_lsp.config import Settings, Timeouts
from vc_lsp.upstream import client as client_module
from vc_lsp.upstream.chunks import Delta
from vc_lsp.upstream.client import LIMITS, UpstreamClient
from vc_lsp.upstream.errors import PoolExhausted
from vc_lsp.upstream.network import Dialer
from vc_lsp.upstream.transport import Pool

ROUNDS = (LIMITS.max_connections or 16) + 1  # one more than the pool holds: a leak would hang


class HeldDialer(Dialer):
    """The real dial, which the test can hold at its start (a slow handshake, at will)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._open = asyncio.Event()
        self._open.set()
        self.held = asyncio.Event()  # set when a dial is waiting at the gate
        self.dialled = asyncio.Event()  # set when a dial is done (cleared by ``release``)

    def hold(self) -> None:
        self._open.clear()

    def release(self) -> None:
        self.held.clear()
        self.dialled.clear()
        self._open.set()

    async def dial(self, origin: httpcore.Origin, timeout: float | None
                   ) -> httpcore.AsyncNetworkStream:
        if not self._open.is_set():
            self.held.set()
            await self._open.wait()
        stream = await super().dial(origin, timeout)
        self.dialled.set()  # the connection takes it before anyone else runs
        return stream


def pool_of(client: UpstreamClient) -> Pool:
    assert client.transport is not None
    return client.transport.pool


async def until(check: Callable[[], bool]) -> None:
    """Let the other tasks run until ``check`` holds: for a state that has no event of its own
    (a request that has reached the connection it was given). Loop turns, not time."""
    for _ in range(10_000):
        if check():
            return
        await asyncio.sleep(0)
    raise AssertionError("the state never came")


@pytest.mark.parametrize("mode", ["h1", "h1-tls"])
async def test_a_request_cancelled_while_its_spare_is_dialled_leaves_it_to_the_next(
        mode: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """A keystroke ends a stream (its HTTP/1.1 connection closes, a spare is dialled), and the
    next completion, given that spare, is cancelled by the next keystroke before the dial is
    done. The spare must go to the request after: before the fix it stayed "in use" with no
    request on it, and after one round more than the pool holds, no request got a connection."""
    monkeypatch.setattr(client_module, "Dialer", HeldDialer)
    async with FakeUpstream(**MODES[mode]) as up:
        up.default = Reply.text("tick ", endless=True, delay=0.001)
        client = UpstreamClient(settings(up))
        dialer = client.dialer
        assert isinstance(dialer, HeldDialer)
        try:
            for i in range(ROUNDS):
                async with client.stream(req_for(client)) as events:
                    # on the spare of the round before (a connection dialled by a request
                    # means that spare was lost)
                    assert up.chat_requests[-1].connection == i + 1
                    async for event in events:
                        if isinstance(event, Delta) and event.text:
                            break
                    dialer.hold()
                # Left early: the connection closed and its spare's dial waits at the gate.
                await asyncio.wait_for(dialer.held.wait(), SAFETY)
                task = asyncio.create_task(complete(client))
                await until(lambda: pool_of(client).counts()["requests"] == 1)
                task.cancel()  # the next keystroke, while the spare is still dialled
                with pytest.raises(asyncio.CancelledError):
                    await task
                dialer.release()
                await asyncio.wait_for(dialer.dialled.wait(), SAFETY)  # the spare is ready
            up.default = Reply.text("after")
            assert await asyncio.wait_for(complete(client), SAFETY) == "after"
            counts = pool_of(client).counts()
        finally:
            await client.aclose()
    # Each stream went out on the spare dialled after the one before: none was dialled by a
    # request, none was left out of use.
    assert [r.connection for r in up.chat_requests] == list(range(1, ROUNDS + 2))
    assert up.connections_opened == ROUNDS + 1
    assert counts["new"] == 0 and counts["requests"] == 0 and counts["connections"] <= 2


def busy_settings(up: FakeUpstream) -> Settings:
    """A short wait for a free connection (not the default 5 s), long enough for a loaded
    machine to dial the connections the test fills."""
    return attrs.evolve(settings(up), timeouts=Timeouts(connect_ms=1500, first_token_ms=60_000))


@pytest.mark.parametrize("mode", ["h1", "h1-tls"])
async def test_every_connection_busy_is_an_error_named_as_such(mode: str) -> None:
    """Streams hold every connection the pool may open (headers sent, then silence): one more
    request is refused with the pool's own error, not a wait without end and not a "model too
    slow". Once the streams are closed, every connection is free again."""
    async with FakeUpstream(**MODES[mode]) as up:
        up.default = Reply(hang=True)
        client = UpstreamClient(busy_settings(up))
        n = LIMITS.max_connections or 16
        try:
            async with contextlib.AsyncExitStack() as streams:
                for _ in range(n):
                    await streams.enter_async_context(client.stream(req_for(client)))
                assert pool_of(client).counts()["active"] == n
                with pytest.raises(PoolExhausted) as caught:
                    async with client.stream(req_for(client)):
                        pass
                assert len(up.chat_requests) == n  # the refused request was never sent
            err = caught.value
            host = up.base_url.split("://")[1].split("/")[0]
            assert err.user_message().startswith(f"vc-lsp: all {n} connections to {host} are "
                                                 f"busy")
            assert err.cause == "pool" and "1.5 s" in err.full_message()
            await asyncio.gather(*(asyncio.wait_for(r.hung_up.wait(), SAFETY)
                                   for r in up.chat_requests))
            up.default = Reply.text("free again")
            results = await asyncio.wait_for(
                asyncio.gather(*(complete(client) for _ in range(n))), SAFETY)
            assert results == ["free again"] * n
            counts = pool_of(client).counts()
        finally:
            await client.aclose()
    assert counts["active"] == 0 and counts["requests"] == 0 and counts["queued"] == 0


@pytest.mark.parametrize("mode", ["h2", "h1"])
async def test_a_close_cancelled_twice_still_gives_the_connection_back(mode: str) -> None:
    """Closing a response is cancelled twice (a keystroke, then the job's stop) at every depth
    of the close: the request still leaves the pool's table and its connection is closed or
    free. httpcore's shield does not hold off ``Task.cancel``: the request stayed in the table,
    assigned to its connection, for good."""
    async with FakeUpstream(**MODES[mode]) as up:
        up.default = Reply.text("tick ", endless=True, delay=0.001)
        client = UpstreamClient(settings(up))
        try:
            for i in range(60):
                request = client.http.build_request("POST", up.base_url + "/chat/completions",
                                                    json={"model": "m", "stream": True})
                response = await client.http.send(request, stream=True)
                rec = (await up.wait_for_requests(i + 1, SAFETY))[i]
                await asyncio.wait_for(rec.streaming.wait(), SAFETY)
                task = asyncio.create_task(response.aclose())
                for _ in range(1 + i % 3):  # the close has started
                    await asyncio.sleep(0)
                task.cancel()
                for _ in range(i % 5):
                    await asyncio.sleep(0)
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
                await asyncio.wait_for(rec.hung_up.wait(), SAFETY)
            counts = pool_of(client).counts()
        finally:
            await client.aclose()
    assert counts["requests"] == 0 and counts["active"] == 0
