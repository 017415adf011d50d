"""The HTTP transport: a connection pool that closes what it cancels and stays warm.

httpx's own transport (httpcore) has three faults that cost a completion client dearly; the full
story and the measurements are in docs/transport.md:

* **HTTP/2.** Closing a response early never sends ``RST_STREAM`` (encode/httpcore #943,
  #1022; PR #1098 open): the server keeps generating and billing a cancelled answer, and h2's
  count of open streams grows by one per cancel until ``send_headers`` fails with "Max outbound
  streams is 100, 100 open". ``CancellingHTTP2Connection`` resets a stream that is closed before
  the server ended it, and gives back the flow-control window of the data it discards.
* **HTTP/1.1.** A response closed early must close its connection (the rest of the answer is
  still coming), so the next request pays a TCP and TLS handshake. ``Pool`` dials a replacement
  in the background the moment that happens, so the next request finds a warm connection.
* **The pool.** httpcore never offers an HTTP/1.1 connection that had no request yet: it
  belongs to the request it was made for. A request cancelled before its exchange began (a
  keystroke while its connection is dialled) left such a connection out of use for good;
  ``Connection`` hands it back as a spare. Every response close runs to its end, so a cancel
  cannot leave a request in the pool's table, and a request that finds every connection busy
  waits at most the ``pool`` timeout (``PoolExhausted``), never forever.

Connections are dialled by ``network.Dialer`` (proxy, CONNECT tunnel, TLS with ALPN), so the
same behaviours hold through a corporate proxy.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterable, AsyncIterator, Callable, Coroutine
from typing import Any

import h2.errors
import h2.events
import h2.exceptions
import httpcore
import httpx
from httpcore._async.connection_pool import PoolByteStream
from httpcore._async.http11 import HTTPConnectionState

from .network import Dialer

log = logging.getLogger(__name__)

WRITE_TIMEOUT_S = 10.0


class CancellingHTTP2Connection(httpcore.AsyncHTTP2Connection):
    """httpcore's HTTP/2 connection, plus ``RST_STREAM`` for every stream closed early."""

    streams_reset = 0  # per instance once set; a class default keeps the counter cheap

    async def _response_closed(self, stream_id: int) -> None:
        """Called for every stream httpcore is done with: ended, failed or abandoned.

        Runs to its end even if the task is cancelled again meanwhile (a keystroke, then the
        action's own stop): cut short, the stream would be neither reset nor released.
        """
        await whole(self._close_stream(stream_id))

    async def _close_stream(self, stream_id: int) -> None:
        pending = self._events.get(stream_id, [])
        for event in pending:  # received, never read: hand the window back to the server
            if isinstance(event, h2.events.DataReceived) and event.flow_controlled_length:
                self._h2_state.acknowledge_received_data(event.flow_controlled_length, stream_id)
        stream = self._h2_state.streams.get(stream_id)
        if stream is not None and not stream.closed:
            try:
                self._h2_state.reset_stream(stream_id, h2.errors.ErrorCodes.CANCEL)
            except h2.exceptions.ProtocolError:  # the connection itself is already closing
                pass
            else:
                self.streams_reset += 1
        await self._flush()
        await super()._response_closed(stream_id)

    async def _flush(self) -> None:
        """Send whatever h2 queued (the reset, window updates) at once, not with the next
        request: the server should stop generating now."""
        async with self._write_lock:
            data = self._h2_state.data_to_send()
            if not data or self._write_exception is not None:
                return
            try:
                await whole(self._network_stream.write(data, WRITE_TIMEOUT_S))
            except Exception as exc:  # the connection is gone: so is the stream
                self._write_exception = exc
                self._connection_error = True
                log.debug("could not send RST_STREAM for a closed stream: %r", exc)

    async def _write_outgoing_data(self, request: httpcore.Request) -> None:
        """httpcore's write, except that a cancel cannot cut it in half.

        A completion is cancelled wherever its task is, and often that is here, acknowledging
        the data just read. anyio's TLS stream marks itself broken when a send is interrupted
        (the TLS record's sequence number is spent), which would kill every stream on the
        connection and leave the cancelled one un-reset. So the write runs to its end and the
        cancel is delivered right after it.
        """
        timeouts: dict[str, Any] = request.extensions.get("timeout", {})
        async with self._write_lock:
            data = self._h2_state.data_to_send()
            if self._write_exception is not None:
                raise self._write_exception
            try:
                await whole(self._network_stream.write(data, timeouts.get("write")))
            except Exception as exc:  # as httpcore: later writes fail the same way at once
                self._write_exception = exc
                self._connection_error = True
                raise

    def open_streams(self) -> int:
        """Streams h2 counts against the server's concurrency limit (for tests and stats)."""
        return int(self._h2_state.open_outbound_streams)


async def whole(work: Coroutine[Any, Any, None]) -> None:
    """Run ``work`` to completion even if the caller is cancelled meanwhile, then re-raise the
    cancellation. For what must not stop halfway: a TLS write, closing a stream."""
    task = asyncio.ensure_future(work)
    cancelled = False
    while True:
        try:
            await asyncio.shield(task)
        except asyncio.CancelledError:
            if task.done():
                raise
            cancelled = True
            continue
        break
    if cancelled:
        raise asyncio.CancelledError


class HTTP11Connection(httpcore.AsyncHTTP11Connection):
    """httpcore's HTTP/1.1 connection, whose close after an unfinished answer cannot be cut
    short: interrupted by a second cancel, httpcore leaves the connection open and busy for
    good (the server streams on, the pool never reuses it)."""

    async def _response_closed(self) -> None:
        await whole(super()._response_closed())

    def untouched(self) -> bool:
        """Dialled, and no request was ever started on it: nothing was sent, nothing is owed.
        httpcore never offers such a connection to the pool (it belongs to its first request),
        so one whose request left before starting would stay out of use for good."""
        return self._state is HTTPConnectionState.NEW


class _WatchedStream:
    """A response body that tells its connection when it was closed."""

    def __init__(self, stream: AsyncIterable[bytes], closed: Callable[[], None]) -> None:
        self._stream = stream
        self._closed = closed

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for part in self._stream:
            yield part

    async def aclose(self) -> None:
        try:
            close = getattr(self._stream, "aclose", None)
            if close is not None:
                await close()
        finally:
            self._closed()


class Connection(httpcore.AsyncConnectionInterface):
    """One connection to an origin, dialled by the ``Dialer``; HTTP/2 when ALPN agrees.

    A *spare* is dialled before any request needs it (see ``Pool.replace``); until then it is
    offered to the pool as available, and a request assigned to it waits for the dial.
    """

    def __init__(self, origin: httpcore.Origin, dialer: Dialer, *,
                 keepalive_expiry: float | None, on_lost: Callable[[httpcore.Origin], None],
                 spare: bool = False) -> None:
        self._origin = origin
        self._dialer = dialer
        self._keepalive_expiry = keepalive_expiry
        self._on_lost = on_lost
        self.spare = spare
        self._inner: httpcore.AsyncConnectionInterface | None = None
        self._failed = False
        self._used = False
        self._ready_at = 0.0
        self._starting = 0  # requests given this connection whose exchange has not begun
        self._lock = asyncio.Lock()

    @property
    def http_version(self) -> str | None:
        if self._inner is None:
            return None
        return "HTTP/2" if isinstance(self._inner, httpcore.AsyncHTTP2Connection) else "HTTP/1.1"

    @property
    def inner(self) -> httpcore.AsyncConnectionInterface | None:
        return self._inner

    async def connect(self, timeout: float | None) -> None:
        async with self._lock:
            if self._inner is not None or self._failed:
                return
            try:
                stream = await self._dialer.dial(self._origin, timeout)
            except BaseException:
                self._failed = True
                raise
            self._ready_at = time.monotonic()
            ssl_object = stream.get_extra_info("ssl_object")
            if ssl_object is not None and ssl_object.selected_alpn_protocol() == "h2":
                self._inner = CancellingHTTP2Connection(
                    origin=self._origin, stream=stream, keepalive_expiry=self._keepalive_expiry)
            else:
                self._inner = HTTP11Connection(
                    origin=self._origin, stream=stream, keepalive_expiry=self._keepalive_expiry)

    async def handle_async_request(self, request: httpcore.Request) -> httpcore.Response:
        if not self.can_handle_request(request.url.origin):
            raise RuntimeError(f"request to {request.url.origin} on a connection to "
                               f"{self._origin}")
        timeouts: dict[str, Any] = request.extensions.get("timeout", {})
        unused_spare = self._waiting_spare() or (self.spare and not self._used)
        self._used = True
        self._starting += 1
        try:
            try:
                await self.connect(timeouts.get("connect"))
                if self._inner is None:  # a spare whose dial failed: the pool tries another
                    raise httpcore.ConnectionNotAvailable()
                response = await self._inner.handle_async_request(request)
            finally:
                self._starting -= 1
        except asyncio.CancelledError:
            # Cancelled before the answer's headers: httpcore closes an HTTP/1.1 connection
            # whose exchange it cut short, and no response will ever report it lost; one whose
            # exchange had not started yet goes back to the pool.
            self._left_unused()
            self._response_closed()
            raise
        except (httpcore.RemoteProtocolError, httpcore.ReadError, httpcore.WriteError) as exc:
            if not unused_spare or self._inner is None:
                raise
            # The server closed the spare while it waited (its keep-alive ran out) before any
            # of this request was answered: hand the request back to the pool for a new one.
            log.debug("spare connection was closed by the server: %r", exc)
            self._failed = True
            await self._inner.aclose()
            raise httpcore.ConnectionNotAvailable() from exc
        if isinstance(self._inner, httpcore.AsyncHTTP11Connection):
            assert isinstance(response.stream, AsyncIterable)
            response.stream = _WatchedStream(response.stream, self._response_closed)
        return response

    def _left_unused(self) -> None:
        """The request this connection was given left before starting its exchange (a
        keystroke while the connection was dialled or waited for its lock): the connection
        goes back to the pool as a spare for the next request. Kept as "in use", it would
        be neither available, idle, expired nor closed: out of the pool for good, and with
        ``max_connections`` of them every later request waits for a connection forever."""
        if self._failed or self._starting:  # another request is still on its way in
            return
        if self._inner is None or (isinstance(self._inner, HTTP11Connection)
                                   and self._inner.untouched()):
            self.spare, self._used = True, False

    def _response_closed(self) -> None:
        """An HTTP/1.1 response closed before its end closes the connection: replace it."""
        if self._inner is not None and self._inner.is_closed():
            self._on_lost(self._origin)

    def can_handle_request(self, origin: httpcore.Origin) -> bool:
        return origin == self._origin

    async def aclose(self) -> None:
        self._failed = self._failed or self._inner is None
        if self._inner is not None:
            await self._inner.aclose()

    def is_available(self) -> bool:
        if self._inner is None:
            # A spare takes one request; an https connection may turn out to be HTTP/2 and take
            # many (if it is HTTP/1.1 after all, the extra requests are handed back to the pool).
            return not self._failed and (self.spare or (
                self._dialer.http2 and self._origin.scheme == b"https"))
        # httpcore never offers an HTTP/1.1 connection that had no request yet ("NEW"): it
        # belongs to the request that made it. A spare belongs to the next request.
        return self._waiting_spare() or self._inner.is_available()

    def _waiting_spare(self) -> bool:
        """A dialled spare no request has used yet: idle, as far as the pool is concerned."""
        return self.spare and not self._used and self._inner is not None

    def has_expired(self) -> bool:
        if self._inner is None:
            return self._failed
        if self._waiting_spare():
            # httpcore never expires a connection that had no request. A readable socket is
            # no sign of a close here: TLS 1.3 session tickets arrive after the handshake.
            return time.monotonic() > self._ready_at + (self._keepalive_expiry or 0.0)
        return self._inner.has_expired()

    def is_idle(self) -> bool:
        if self._inner is None:
            return self._failed
        return self._waiting_spare() or self._inner.is_idle()

    def is_closed(self) -> bool:
        return self._failed if self._inner is None else self._inner.is_closed()

    def state(self) -> str:
        """httpcore's state (NEW, ACTIVE, IDLE, CLOSED); CONNECTING or FAILED before it."""
        if self._inner is None:
            return "FAILED" if self._failed else "CONNECTING"
        if self._waiting_spare():
            return "IDLE"
        state = getattr(self._inner, "_state", None)
        return str(state.name) if state is not None else "OTHER"

    def info(self) -> str:
        if self._inner is None:
            return "FAILED" if self._failed else "CONNECTING"
        return self._inner.info()

    def __repr__(self) -> str:
        return f"<Connection [{self.info()}]{' spare' if self.spare else ''}>"


class _PoolStream(PoolByteStream):
    """httpcore's response body in the pool, whose close runs to its end.

    httpcore closes the connection's response, then takes the request off the pool's table.
    Its shield (an anyio cancel scope) does not hold off asyncio's own ``Task.cancel``: a cancel
    that lands in the first step skips the second, and the request stays in the table for good
    (with its body: the prompt), assigned to its connection.
    """

    async def aclose(self) -> None:
        await whole(super().aclose())


class Pool(httpcore.AsyncConnectionPool):
    """httpcore's pool with our connections, and a warm spare for each one lost to a cancel.

    A request that finds every connection busy waits at most the request's ``pool`` timeout
    for one (``httpx.PoolTimeout``, reported as ``PoolExhausted``), never forever.
    """

    def __init__(self, dialer: Dialer, *, connect_timeout: float | None,
                 max_connections: int, max_keepalive_connections: int,
                 keepalive_expiry: float) -> None:
        super().__init__(max_connections=max_connections,
                         max_keepalive_connections=max_keepalive_connections,
                         keepalive_expiry=keepalive_expiry, http1=True, http2=dialer.http2)
        self.dialer = dialer
        self.connect_timeout = connect_timeout
        self.spares_dialled = 0
        self._warming: set[asyncio.Task[None]] = set()
        self._closed = False

    @property
    def max_connections(self) -> int:
        return self._max_connections

    async def handle_async_request(self, request: httpcore.Request) -> httpcore.Response:
        response = await super().handle_async_request(request)
        stream = response.stream
        if isinstance(stream, PoolByteStream):  # always, with httpcore 1.x
            response.stream = _PoolStream(stream._stream, stream._pool_request, self)
        return response

    def create_connection(self, origin: httpcore.Origin) -> httpcore.AsyncConnectionInterface:
        return Connection(origin, self.dialer, keepalive_expiry=self._keepalive_expiry,
                          on_lost=self.replace)

    def replace(self, origin: httpcore.Origin) -> None:
        """Dial a spare for ``origin`` in the background, unless one is idle or dialling."""
        if self._closed:
            return
        with self._optional_thread_lock:
            if any(conn.can_handle_request(origin) and conn.is_available()
                   for conn in self._connections):
                return  # the next request has somewhere to go already
            if len(self._connections) >= self._max_connections:
                return
            spare = Connection(origin, self.dialer, keepalive_expiry=self._keepalive_expiry,
                               on_lost=self.replace, spare=True)
            self._connections.append(spare)
        self.spares_dialled += 1
        task = asyncio.get_running_loop().create_task(self._warm(spare))
        self._warming.add(task)
        task.add_done_callback(self._warming.discard)

    async def _warm(self, spare: Connection) -> None:
        try:
            await spare.connect(self.connect_timeout)
        except Exception as exc:  # the next request dials on its own and reports the failure
            log.debug("warm connection to %s failed: %r", spare, exc)

    def connections_info(self) -> list[Connection]:
        return [c for c in self._connections if isinstance(c, Connection)]

    def counts(self) -> dict[str, int]:
        """Connections by state and requests holding or waiting for one (``vc/stats``)."""
        with self._optional_thread_lock:
            states = [c.state() if isinstance(c, Connection) else "OTHER"
                      for c in self._connections]
            queued = sum(r.is_queued() for r in self._requests)
            out = {"connections": len(states), "requests": len(self._requests) - queued,
                   "queued": queued}
        for state in ("ACTIVE", "IDLE", "CONNECTING", "NEW", "CLOSED", "FAILED"):
            out[state.lower()] = states.count(state)
        return out

    async def aclose(self) -> None:
        self._closed = True
        for task in list(self._warming):
            task.cancel()
        await asyncio.gather(*self._warming, return_exceptions=True)
        await super().aclose()


class Transport(httpx.AsyncHTTPTransport):
    """httpx's transport (request mapping, error mapping) over ``Pool`` instead of httpcore's.

    ``__init__`` of the parent is not called: it would build a pool and a TLS context we do
    not use. ``handle_async_request`` and ``aclose`` only need ``self._pool``.
    """

    def __init__(self, dialer: Dialer, *, connect_timeout: float | None,
                 limits: httpx.Limits) -> None:
        self._pool = Pool(dialer, connect_timeout=connect_timeout,
                          max_connections=limits.max_connections or 16,
                          max_keepalive_connections=limits.max_keepalive_connections or 8,
                          keepalive_expiry=limits.keepalive_expiry or 120.0)

    @property
    def pool(self) -> Pool:
        assert isinstance(self._pool, Pool)
        return self._pool
