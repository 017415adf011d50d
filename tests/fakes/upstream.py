"""A fake OpenAI-compatible upstream: a real HTTP server on 127.0.0.1, plain, TLS or HTTP/2.

Why: the end-to-end tests run vc-lsp as a subprocess that talks to its upstream over TCP with
httpx, so the fake must be a genuine socket server speaking the exact OpenAI SSE framing. Replies
are scripted (including faults), and every exchange is logged with timestamps and asyncio Events
so tests can assert on latency and cancellation without sleeping. HTTP/1.1 (plain or TLS) is
served by our own asyncio code, which also sees each connection open; HTTP/2 by hypercorn with a
trustme certificate, through the same replies and the same log.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import logging
import ssl
import tempfile
import time
from collections import deque
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from http.client import responses
from pathlib import Path
from types import TracebackType
from typing import Any

CREATED = 1779438767
DEFAULT_MODELS = ["fake-model", "fast-model"]
PROXIED_HOST = "upstream.test"  # in the TLS certificate; tests/fakes/proxy.py resolves it

_ERROR_DEFAULTS: dict[int, tuple[str, str, str | None]] = {
    400: ("Invalid request.", "invalid_request_error", None),
    401: ("Incorrect API key provided.", "invalid_request_error", "invalid_api_key"),
    403: ("Forbidden.", "invalid_request_error", None),
    404: ("The model does not exist.", "invalid_request_error", "model_not_found"),
    429: ("Rate limit reached for requests.", "requests", "rate_limit_exceeded"),
}


def error_body(
    status: int, message: str | None = None, type: str | None = None, code: str | None = None,
    param: str | None = None,
) -> dict[str, Any]:
    """Build the inner OpenAI error object, with realistic defaults per HTTP status."""
    d_msg, d_type, d_code = _ERROR_DEFAULTS.get(
        status, ("The server had an error while processing your request.", "server_error", None))
    return {"message": message or d_msg, "type": type or d_type, "param": param,
            "code": code if code is not None else d_code}


@dataclass
class Reply:
    """One scripted answer to a chat completion request (a normal stream or a fault)."""

    pieces: list[list[str]] = field(default_factory=lambda: [_split("fake completion", 4)])
    n: int | None = None  # None: repeat the single choice as many times as the request's `n`
    reasoning: list[str] = field(default_factory=list)  # sent as delta.reasoning_content first
    delay: float = 0.0  # seconds before every SSE event but the first
    first_delay: float = 0.0  # seconds before the first event (after headers) / JSON answer
    finish_reason: str = "stop"
    usage: dict[str, int] | None = None  # None: computed; sent if stream_options.include_usage
    endless: bool = False  # cycle the content chunks until the client hangs up
    status: int = 200  # != 200: JSON error body instead of a completion
    error_body: dict[str, Any] | None = None  # None: defaults for `status`
    headers: dict[str, str] = field(default_factory=dict)  # extra response headers
    error_chunk: bool = False  # `data: {"error": ...}` after the first content chunk, then end
    malformed: bool = False  # `data: {not json` after the first content chunk
    drop: bool = False  # close the socket after the content, no finish_reason/[DONE]
    hang: bool = False  # send the headers, then nothing until the client hangs up
    no_headers_hang: bool = False  # never answer at all
    # Stream this many SSE events (the role chunk counts), then wait for ``resume`` to be set:
    # lets a test act while an answer is half written, without sleeping.
    pause_after: int | None = None
    resume: asyncio.Event | None = None

    @classmethod
    def text(cls, content: str = "", *, chunks: list[str] | None = None,
             chunk_size: int | None = None, n: int | None = None, **opts: Any) -> Reply:
        """A streamed answer: `content` split every `chunk_size` (4) chars, or exact `chunks`;
        `opts` are the other fields of Reply."""
        pieces = list(chunks) if chunks is not None else _split(content, chunk_size)
        return cls(pieces=[pieces] * (n or 1), n=n, **opts)

    @classmethod
    def lines(cls, content: str, *, delay: float = 0.05, **opts: Any) -> Reply:
        """The answer streamed one line per chunk, ``delay`` seconds apart (as edits stream)."""
        return cls.text(content, chunks=content.splitlines(keepends=True), delay=delay, **opts)

    @classmethod
    def choices(cls, contents: list[str], *, chunk_size: int | None = None,
                **opts: Any) -> Reply:
        """An n>1 answer: the choices' chunks are interleaved, each tagged with its index."""
        return cls(pieces=[_split(c, chunk_size) for c in contents], n=len(contents), **opts)

    @classmethod
    def error(cls, status: int, message: str | None = None, *, type: str | None = None,
              code: str | None = None, param: str | None = None, retry_after: float | None = None,
              headers: dict[str, str] | None = None, first_delay: float = 0.0) -> Reply:
        """An HTTP error with an OpenAI-style JSON body (and Retry-After if given)."""
        hdrs = dict(headers or {})
        if retry_after is not None:
            hdrs["Retry-After"] = f"{retry_after:g}"
        return cls(status=status, error_body=error_body(status, message, type, code, param),
                   headers=hdrs, first_delay=first_delay)


def _split(content: str, size: int | None) -> list[str]:
    step = size or 4
    return [content[i:i + step] for i in range(0, len(content), step)]


@dataclass
class RecordedRequest:
    """One request as the fake saw it, plus what happened to its response."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    json: Any
    received_at: float
    connection: int = 0  # which connection it came on (a serial over HTTP/1.1, the port on h2)
    http_version: str = "1.1"
    first_byte_sent_at: float | None = None
    finished_at: float | None = None
    hung_up_at: float | None = None  # client closed (h1) or reset the stream (h2) early
    completed: bool = False  # the whole scripted response was written (incl. [DONE])
    chunks_sent: int = 0  # SSE `data:` events written
    reply: Reply | None = None
    hung_up: asyncio.Event = field(default_factory=asyncio.Event)
    done: asyncio.Event = field(default_factory=asyncio.Event)
    streaming: asyncio.Event = field(default_factory=asyncio.Event)  # first content chunk sent
    sent_more: asyncio.Event = field(default_factory=asyncio.Event)  # replaced at every chunk

    async def wait_for_chunks(self, n: int) -> None:
        """Wait until `n` SSE events were written, or the response is over."""
        while self.chunks_sent < n and not self.done.is_set():
            waiter = asyncio.ensure_future(self.sent_more.wait())
            done = asyncio.ensure_future(self.done.wait())
            await asyncio.wait({waiter, done}, return_when=asyncio.FIRST_COMPLETED)
            waiter.cancel()
            done.cancel()


class _Conn:
    """Buffered reader/writer pair, so the hang-up watcher can read without losing bytes."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer, self.buf = reader, writer, bytearray()

    async def _fill(self) -> None:
        data = await self.reader.read(65536)
        if not data:
            raise asyncio.IncompleteReadError(bytes(self.buf), None)
        self.buf += data

    async def readline(self) -> bytes:
        while (i := self.buf.find(b"\r\n")) < 0:
            await self._fill()
        line = bytes(self.buf[:i])
        del self.buf[:i + 2]
        return line

    async def readexactly(self, n: int) -> bytes:
        while len(self.buf) < n:
            await self._fill()
        data = bytes(self.buf[:n])
        del self.buf[:n]
        return data

    async def wait_eof(self) -> None:
        """Return once the peer closes; bytes read meanwhile are kept for the next request."""
        with contextlib.suppress(OSError):
            while data := await self.reader.read(65536):
                self.buf += data


class _Wire:
    """How one response goes out: HTTP/1.1 bytes on a socket, or ASGI messages (HTTP/2)."""

    async def start(self, status: int, headers: dict[str, str], *, stream: bool) -> None:
        raise NotImplementedError

    async def send(self, data: bytes) -> None:
        raise NotImplementedError

    async def finish(self) -> None:
        """The response is complete (the terminating chunk, or the last ASGI body)."""

    async def abort(self) -> None:
        """Break the response off without ending it (``Reply.drop``)."""

    async def hung_up(self) -> None:
        """Return once the client gave up on this response."""
        raise NotImplementedError


class _H1Wire(_Wire):
    def __init__(self, conn: _Conn, close: bool) -> None:
        self.conn, self.close, self.chunked = conn, close, False

    async def start(self, status: int, headers: dict[str, str], *, stream: bool) -> None:
        self.chunked = stream
        if stream:
            headers = {**headers, "Transfer-Encoding": "chunked"}
        await self._write(_head(status, headers, self.close))

    async def send(self, data: bytes) -> None:
        await self._write(b"%x\r\n%s\r\n" % (len(data), data) if self.chunked else data)

    async def finish(self) -> None:
        if self.chunked:
            await self._write(b"0\r\n\r\n")

    async def _write(self, data: bytes) -> None:
        self.conn.writer.write(data)
        await self.conn.writer.drain()

    async def hung_up(self) -> None:
        await self.conn.wait_eof()


ASGIReceive = Callable[[], Awaitable[dict[str, Any]]]
ASGISend = Callable[[dict[str, Any]], Awaitable[None]]


class _AsgiWire(_Wire):
    def __init__(self, receive: ASGIReceive, send: ASGISend) -> None:
        self.receive, self._send = receive, send

    async def start(self, status: int, headers: dict[str, str], *, stream: bool) -> None:
        raw = [(k.lower().encode(), v.encode()) for k, v in headers.items()
               if k.lower() not in ("connection", "transfer-encoding")]
        await self._send({"type": "http.response.start", "status": status, "headers": raw})

    async def send(self, data: bytes) -> None:
        await self._send({"type": "http.response.body", "body": data, "more_body": True})

    async def finish(self) -> None:
        await self._send({"type": "http.response.body", "body": b"", "more_body": False})

    async def abort(self) -> None:
        """Hypercorn cannot reset a stream for the app (an exception just forgets it, and the
        client waits forever), so a dropped answer ends early: no finish, no [DONE]."""
        await self.finish()

    async def hung_up(self) -> None:
        while (await self.receive())["type"] != "http.disconnect":
            pass


async def _forever() -> None:
    await asyncio.get_running_loop().create_future()


def _head(status: int, headers: dict[str, str], close: bool) -> bytes:
    lines = [f"HTTP/1.1 {status} {responses.get(status, 'Unknown')}"]
    lines += [f"{k}: {v}" for k, v in headers.items()]
    lines.append(f"Connection: {'close' if close else 'keep-alive'}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def _dumps(obj: Any) -> str:
    return json.dumps(obj, separators=(",", ":"))


_BY_PORT: dict[int, FakeUpstream] = {}


def _install_h2_protocol() -> None:
    """Swap in hypercorn's HTTP/2 protocol with two changes, for every fake it serves:

    * every ``RST_STREAM`` a client sends is counted (``FakeUpstream.resets``, by error code);
    * a reset stream's send buffer is completed, so hypercorn forgets the stream. As shipped
      (0.17, 0.18) it keeps a reset stream that had nothing queued in its priority tree for
      good: each request gets slower, and at 1001 of them it drops the connection.
    """
    import h2.events
    import hypercorn.protocol
    from hypercorn.protocol.h2 import H2Protocol

    if getattr(hypercorn.protocol.H2Protocol, "_vc_fake", False):
        return

    class RecordingH2Protocol(H2Protocol):
        _vc_fake = True

        async def _handle_events(self, events: list[h2.events.Event]) -> None:
            for event in events:
                if isinstance(event, h2.events.StreamReset) and event.remote_reset:
                    fake = _BY_PORT.get(self.server[1] if self.server else 0)
                    if fake is not None:
                        fake.resets.append(int(event.error_code or 0))
                    buffer = self.stream_buffers.get(event.stream_id)
                    if buffer is not None:
                        buffer.set_complete()
            await super()._handle_events(events)

    hypercorn.protocol.H2Protocol = RecordingH2Protocol  # type: ignore[misc]


class FakeUpstream:
    """Scripted OpenAI-compatible server on 127.0.0.1:<random port>, in the caller's loop.

    ``tls=True`` serves HTTPS with a certificate from a throw-away CA (trustme); its PEM file is
    ``ca_file``, for the client's ``network.caBundle``. ``http2=True`` (implies TLS) serves
    through hypercorn, which offers HTTP/2 by ALPN: the same replies and the same log, with a
    reset stream (``RST_STREAM``) recorded as the hang-up it is on HTTP/2.
    """

    def __init__(self, models: list[str] | None = None, default: Reply | None = None,
                 api_key: str | None = None, *, tls: bool = False, http2: bool = False) -> None:
        self.models = list(models or DEFAULT_MODELS)
        self.api_key = api_key  # when set, /models answers 401 without "Bearer <api_key>"
        self.default = default or Reply()
        self.responder: Callable[[Any], Reply] | None = None
        self.requests: list[RecordedRequest] = []
        self.connections_opened = 0
        self.port = 0
        self.tls = tls or http2
        self.http2 = http2
        self.ca_file = ""
        self.ca: Any = None  # trustme.CA when TLS is on
        self._queue: deque[Reply] = deque()
        self._server: asyncio.Server | None = None
        self._hypercorn: asyncio.Task[None] | None = None
        self._shutdown = asyncio.Event()
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        self._tasks: set[asyncio.Task[Any]] = set()
        self._arrived = asyncio.Event()
        self._opened = asyncio.Event()
        self._ports: set[int] = set()
        self._ids = itertools.count(1)
        self.resets: list[int] = []  # HTTP/2: the error code of every RST_STREAM a client sent

    @property
    def base_url(self) -> str:
        return f"{'https' if self.tls else 'http'}://127.0.0.1:{self.port}/v1"

    def url_via(self, host: str = PROXIED_HOST) -> str:
        """``base_url`` under another name: one only a proxy resolves, to test proxies."""
        return self.base_url.replace("127.0.0.1", host)

    @property
    def chat_requests(self) -> list[RecordedRequest]:
        return [r for r in self.requests if r.path == "/v1/chat/completions"]

    def enqueue(self, *replies: Reply) -> None:
        """Queue replies, consumed one per chat request; `default` answers once it is empty."""
        self._queue.extend(replies)

    async def wait_for_requests(self, n: int = 1, timeout: float | None = 30.0
                                ) -> list[RecordedRequest]:
        """Wait until at least `n` chat requests arrived (timeout is only a safety net)."""
        async def _wait() -> None:
            while len(self.chat_requests) < n:
                await self._arrived.wait()
        await asyncio.wait_for(_wait(), timeout)
        return self.chat_requests

    async def wait_for_path(self, path: str, timeout: float | None = 30.0) -> RecordedRequest:
        """Wait for the first request to ``path`` (e.g. the start-up ``/v1/models``)."""
        async def _wait() -> RecordedRequest:
            while not (found := [r for r in self.requests if r.path == path]):
                await self._arrived.wait()
            return found[0]
        return await asyncio.wait_for(_wait(), timeout)

    async def wait_for_connections(self, n: int, timeout: float | None = 30.0) -> None:
        """Wait until `n` connections were opened in all (HTTP/1.1: accepted, with TLS done)."""
        async def _wait() -> None:
            while self.connections_opened < n:
                await self._opened.wait()
        await asyncio.wait_for(_wait(), timeout)

    def _connection_opened(self) -> None:
        self.connections_opened += 1
        self._opened.set()
        self._opened = asyncio.Event()

    async def start(self) -> FakeUpstream:
        if self.tls:
            self._make_certificates()
        if self.http2:
            await self._start_hypercorn()
            return self
        ssl_ctx = None
        if self.tls:
            ssl_ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            ssl_ctx.load_cert_chain(self._cert_file, self._key_file)
            ssl_ctx.set_alpn_protocols(["http/1.1"])
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", 0, ssl=ssl_ctx)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    def _make_certificates(self) -> None:
        import trustme  # test extra; only TLS fakes need it

        self._tmp = tempfile.TemporaryDirectory(prefix="vc-fake-")
        root = Path(self._tmp.name)
        self.ca = trustme.CA()
        cert = self.ca.issue_cert("127.0.0.1", "localhost", PROXIED_HOST)
        self.ca_file = str(root / "ca.pem")
        self.ca.cert_pem.write_to_path(self.ca_file)
        self._cert_file, self._key_file = str(root / "cert.pem"), str(root / "key.pem")
        cert.private_key_pem.write_to_path(self._key_file)
        for i, pem in enumerate(cert.cert_chain_pems):
            pem.write_to_path(self._cert_file, append=i > 0)

    async def _start_hypercorn(self) -> None:
        from hypercorn.asyncio.run import worker_serve
        from hypercorn.config import Config
        from hypercorn.utils import wrap_app

        _install_h2_protocol()

        config = Config()
        config.bind = ["127.0.0.1:0"]
        config.certfile, config.keyfile = self._cert_file, self._key_file
        config.alpn_protocols = ["h2", "http/1.1"]
        config.keep_alive_timeout = 300
        config.graceful_timeout = 0.1
        config.accesslog = None
        config.errorlog = logging.getLogger("tests.fakes.hypercorn")
        config.keep_alive_max_requests = 1_000_000
        sockets = config.create_sockets()
        listener = sockets.secure_sockets[0]
        listener.listen(128)  # connections wait in the backlog until hypercorn accepts them
        self.port = listener.getsockname()[1]
        _BY_PORT[self.port] = self
        app = wrap_app(self._asgi, config.wsgi_max_body_size, "asgi")
        self._hypercorn = asyncio.create_task(worker_serve(
            app, config, sockets=sockets, shutdown_trigger=self._shutdown.wait))

    async def stop(self) -> None:
        """Close the listener and every open connection (including hanging ones)."""
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._hypercorn is not None:
            self._shutdown.set()
            # A client that keeps its connection open never answers hypercorn's TLS close, and
            # asyncio would wait 30 s for it: give the shutdown a moment, then cut it short.
            done, _ = await asyncio.wait({self._hypercorn}, timeout=1.0)
            if not done:
                self._hypercorn.cancel()
                await asyncio.wait({self._hypercorn}, timeout=1.0)
            if self._hypercorn.done():  # cut short, hypercorn's own shutdown trips over itself
                with contextlib.suppress(BaseException):
                    self._hypercorn.exception()
            self._hypercorn = None
            _BY_PORT.pop(self.port, None)
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None

    async def __aenter__(self) -> FakeUpstream:
        return await self.start()

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                        tb: TracebackType | None) -> None:
        await self.stop()

    # -- HTTP/1.1 connections ------------------------------------------------------------

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._connection_opened()
        serial = self.connections_opened
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        conn = _Conn(reader, writer)
        try:
            while await self._one_request(conn, serial):
                pass
        except (asyncio.IncompleteReadError, OSError, ValueError):
            pass  # peer went away between requests, or sent garbage
        except asyncio.CancelledError:
            pass  # stop(); a cancelled callback task would be logged by asyncio as an error
        finally:
            self._tasks.discard(task)
            writer.close()
            with contextlib.suppress(OSError):
                await writer.wait_closed()

    async def _one_request(self, conn: _Conn, serial: int) -> bool:
        """Read and answer one request; return whether to keep the connection open."""
        method, target, _ = (await conn.readline()).decode("latin-1").split(" ", 2)
        headers: dict[str, str] = {}
        while line := (await conn.readline()).decode("latin-1"):
            key, _, value = line.partition(":")
            key, value = key.strip().lower(), value.strip()
            headers[key] = f"{headers[key]}, {value}" if key in headers else value
        if "chunked" in headers.get("transfer-encoding", "").lower():
            body = b""
            while size := int((await conn.readline()).split(b";")[0], 16):
                body += await conn.readexactly(size)
                await conn.readline()
            while await conn.readline():
                pass  # trailers
        else:
            body = await conn.readexactly(int(headers.get("content-length", "0")))
        close = headers.get("connection", "").lower() == "close"
        rec = self._record(method, target, headers, body, serial, "1.1")
        return await self._route(_H1Wire(conn, close), rec) and not close

    # -- HTTP/2 (and anything hypercorn serves) ------------------------------------------

    async def _asgi(self, scope: dict[str, Any], receive: ASGIReceive, send: ASGISend) -> None:
        if scope["type"] == "lifespan":
            while (message := await receive())["type"] != "lifespan.shutdown":
                await send({"type": "lifespan.startup.complete"})
            await send({"type": "lifespan.shutdown.complete"})
            return
        if scope["type"] != "http":
            return
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        try:
            port = int(scope["client"][1])
            if port not in self._ports:
                self._ports.add(port)
                self._connection_opened()
            body = b""
            while True:
                message = await receive()
                if message["type"] == "http.disconnect":
                    return
                body += message.get("body", b"")
                if not message.get("more_body"):
                    break
            headers: dict[str, str] = {}
            for key, value in scope["headers"]:
                name = key.decode("latin-1").lower()
                text = value.decode("latin-1")
                headers[name] = f"{headers[name]}, {text}" if name in headers else text
            target = scope["path"] + (f"?{scope['query_string'].decode()}"
                                      if scope.get("query_string") else "")
            rec = self._record(scope["method"], target, headers, body, port,
                               str(scope["http_version"]))
            await self._route(_AsgiWire(receive, send), rec)
        finally:
            self._tasks.discard(task)

    # -- what any request gets -----------------------------------------------------------

    def _record(self, method: str, target: str, headers: dict[str, str], body: bytes,
                connection: int, version: str) -> RecordedRequest:
        try:
            parsed: Any = json.loads(body) if body else None
        except ValueError:
            parsed = None
        rec = RecordedRequest(method, target.split("?", 1)[0], headers, body, parsed,
                              time.perf_counter(), connection=connection, http_version=version)
        self.requests.append(rec)
        self._arrived.set()
        self._arrived = asyncio.Event()
        return rec

    async def _route(self, wire: _Wire, rec: RecordedRequest) -> bool:
        """Answer one request; return whether the connection may carry another."""
        method, path = rec.method, rec.path
        if path == "/v1/chat/completions" and method == "POST":
            return await self._chat(wire, rec)
        if path == "/v1/models" and method == "GET":
            if self.api_key and rec.headers.get("authorization") != f"Bearer {self.api_key}":
                return await self._finish_json(wire, rec, 401, {"error": error_body(401)})
            data = [{"id": m, "object": "model", "created": CREATED, "owned_by": "fake"}
                    for m in self.models]
            return await self._finish_json(wire, rec, 200, {"object": "list", "data": data})
        err = error_body(404, f"Unknown route: {method} {path}", code="unknown_url")
        return await self._finish_json(wire, rec, 404, {"error": err})

    async def _finish_json(self, wire: _Wire, rec: RecordedRequest, status: int,
                           obj: Any) -> bool:
        try:
            return await self._send_json(wire, rec, status, obj, {})
        finally:
            rec.finished_at = time.perf_counter()
            rec.done.set()

    async def _chat(self, wire: _Wire, rec: RecordedRequest) -> bool:
        """Run the scripted reply while watching the client, so hang-ups are seen at once."""
        if self.responder is not None:
            rec.reply = self.responder(rec.json)
        else:
            rec.reply = self._queue.popleft() if self._queue else self.default
        watcher = asyncio.create_task(wire.hung_up())
        sender = asyncio.create_task(self._answer(wire, rec, rec.reply))
        try:
            await asyncio.wait({watcher, sender}, return_when=asyncio.FIRST_COMPLETED)
            if sender.done() and not isinstance(sender.exception(), OSError):
                return sender.result()  # re-raises unexpected errors from the sender
            rec.hung_up_at = time.perf_counter()
            rec.hung_up.set()
            return False
        finally:
            for t in (watcher, sender):
                t.cancel()
            await asyncio.gather(watcher, sender, return_exceptions=True)
            rec.finished_at = time.perf_counter()
            rec.done.set()

    @staticmethod
    def _sent(rec: RecordedRequest) -> None:
        if rec.first_byte_sent_at is None:
            rec.first_byte_sent_at = time.perf_counter()

    async def _send_json(self, wire: _Wire, rec: RecordedRequest, status: int, obj: Any,
                         headers: dict[str, str]) -> bool:
        body = json.dumps(obj).encode()
        hdrs = {"Content-Type": "application/json", "Content-Length": str(len(body)), **headers}
        self._sent(rec)
        await wire.start(status, hdrs, stream=False)
        await wire.send(body)
        await wire.finish()
        rec.completed = True
        return True

    async def _answer(self, wire: _Wire, rec: RecordedRequest, reply: Reply) -> bool:
        if not isinstance(rec.json, dict):
            err = error_body(400, "Request body is not a JSON object.")
            return await self._send_json(wire, rec, 400, {"error": err}, {})
        req: dict[str, Any] = rec.json
        if reply.no_headers_hang:
            await _forever()
        choices = reply.pieces if reply.n is not None else reply.pieces * int(req.get("n") or 1)
        model = str(req.get("model") or self.models[0])
        if not reply.endless:
            choices = [_apply_stop(pieces, req.get("stop")) for pieces in choices]
        if reply.status != 200:
            await asyncio.sleep(reply.first_delay)
            err = reply.error_body or error_body(reply.status)
            return await self._send_json(wire, rec, reply.status, {"error": err}, reply.headers)
        if not req.get("stream"):
            if reply.hang:
                await _forever()
            await asyncio.sleep(reply.first_delay)
            if reply.drop:
                await wire.abort()
                return False
            return await self._send_json(wire, rec, 200, self._completion(
                reply, choices, model, next(self._ids)), reply.headers)
        hdrs = {"Content-Type": "text/event-stream", "Cache-Control": "no-cache",
                **reply.headers}
        self._sent(rec)
        await wire.start(200, hdrs, stream=True)
        if reply.hang:
            await _forever()
        include_usage = bool((req.get("stream_options") or {}).get("include_usage"))
        events = _sse_events(reply, choices, model, next(self._ids), include_usage)
        for i, payload in enumerate(events):
            if reply.resume is not None and i == reply.pause_after:
                await reply.resume.wait()
            await asyncio.sleep(reply.delay if i else reply.first_delay)
            await wire.send(f"data: {payload}\n\n".encode())
            rec.chunks_sent += 1
            rec.sent_more.set()
            rec.sent_more = asyncio.Event()
            if rec.chunks_sent >= 2:  # the role chunk, then content
                rec.streaming.set()
        if reply.drop:
            await wire.abort()
            return False
        await wire.finish()
        rec.completed = True
        return True

    @staticmethod
    def _completion(reply: Reply, choices: list[list[str]], model: str, n: int) -> Any:
        message = [{"role": "assistant", "content": "".join(p)} for p in choices]
        if reply.reasoning:
            for m in message:
                m["reasoning_content"] = "".join(reply.reasoning)
        return {"id": f"chatcmpl-fake{n}", "object": "chat.completion", "created": CREATED,
                "model": model, "choices": [
                    {"index": i, "message": m, "logprobs": None,
                     "finish_reason": reply.finish_reason} for i, m in enumerate(message)],
                "usage": _usage(reply, choices)}


def _apply_stop(pieces: list[str], stop: Any) -> list[str]:
    """Like a real server: the answer ends before the first stop sequence, which is not sent."""
    stops = [stop] if isinstance(stop, str) else [x for x in stop or () if isinstance(x, str)]
    text = "".join(pieces)
    cut = min((text.find(x) for x in stops if x and x in text), default=-1)
    if cut < 0:
        return pieces
    out, used = [], 0
    for piece in pieces:
        if used + len(piece) >= cut:
            if cut > used:
                out.append(piece[:cut - used])
            break
        out.append(piece)
        used += len(piece)
    return out


def _usage(reply: Reply, choices: list[list[str]]) -> dict[str, int]:
    if reply.usage is not None:
        return reply.usage
    completion = sum(len(p) for p in choices)
    return {"prompt_tokens": 10, "completion_tokens": completion,
            "total_tokens": 10 + completion}


def _sse_events(reply: Reply, choices: list[list[str]], model: str, n: int,
                include_usage: bool) -> Iterator[str]:
    """Yield the `data:` payloads of one OpenAI chat.completion.chunk stream."""
    def chunk(index: int, delta: dict[str, str], finish: str | None = None) -> str:
        return _dumps({"id": f"chatcmpl-fake{n}", "object": "chat.completion.chunk",
                       "created": CREATED, "model": model,
                       "choices": [{"index": index, "delta": delta, "finish_reason": finish}]})

    for i in range(len(choices)):
        yield chunk(i, {"role": "assistant", "content": ""})
    for piece in reply.reasoning:
        for i in range(len(choices)):
            yield chunk(i, {"reasoning_content": piece})
    content = [(i, p) for row in itertools.zip_longest(*choices)
               for i, p in enumerate(row) if p is not None]
    for i, piece in content[:1]:
        yield chunk(i, {"content": piece})
    if reply.malformed:
        yield "{not json"
    if reply.error_chunk:
        yield _dumps({"error": reply.error_body or error_body(500)})
        return
    rest = itertools.chain(content[1:], itertools.cycle(content)) if reply.endless else content[1:]
    for i, piece in rest:
        yield chunk(i, {"content": piece})
    if reply.drop:
        return
    for i in range(len(choices)):
        yield chunk(i, {}, reply.finish_reason)
    if include_usage:
        yield _dumps({"id": f"chatcmpl-fake{n}", "object": "chat.completion.chunk",
                      "created": CREATED, "model": model, "choices": [],
                      "usage": _usage(reply, choices)})
    yield "[DONE]"
