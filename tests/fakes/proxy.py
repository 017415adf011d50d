"""A small HTTP CONNECT proxy on 127.0.0.1, as corporate networks put in the way.

It answers ``CONNECT host:port`` by opening that TCP connection and relaying bytes both ways, and
records every tunnel it was asked for (target, the ``Proxy-Authorization`` it got). It can demand
credentials (407) or refuse a target (403), the two answers users meet. Anything but CONNECT
gets 405: a client that sends its requests (and its key) to the proxy in clear is a bug.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
from dataclasses import dataclass, field
from types import TracebackType


@dataclass
class Tunnel:
    target: str
    authorization: str | None
    status: int
    bytes_up: int = 0
    closed: asyncio.Event = field(default_factory=asyncio.Event)


class ConnectProxy:
    def __init__(self, *, credentials: tuple[str, str] | None = None,
                 refuse: set[str] | None = None, hosts: dict[str, str] | None = None) -> None:
        self.credentials = credentials
        self.refuse = refuse or set()
        # Names only the proxy can resolve, as on a corporate network: the client must not look
        # them up itself (a loopback target would never be sent through a proxy at all).
        self.hosts = {"upstream.test": "127.0.0.1", **(hosts or {})}
        self.tunnels: list[Tunnel] = []
        self.rejected: list[str] = []  # request lines that were not CONNECT
        self.port = 0
        self._server: asyncio.Server | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def __aenter__(self) -> ConnectProxy:
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                        tb: TracebackType | None) -> None:
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()

    def _expected_auth(self) -> str | None:
        if self.credentials is None:
            return None
        user, password = self.credentials
        return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)  # type: ignore[arg-type]
        try:
            await self._serve(reader, writer)
        except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
            pass
        except asyncio.CancelledError:
            pass  # __aexit__; asyncio logs a cancelled connection callback as an error
        finally:
            self._tasks.discard(task)  # type: ignore[arg-type]
            writer.close()
            with contextlib.suppress(OSError):
                await writer.wait_closed()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1")
        request_line, *lines = head.split("\r\n")
        headers = {k.strip().lower(): v.strip() for k, _, v in
                   (line.partition(":") for line in lines if line)}
        method, target, _ = request_line.split(" ", 2)
        if method != "CONNECT":
            self.rejected.append(request_line)
            writer.write(b"HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n")
            await writer.drain()
            return
        auth = headers.get("proxy-authorization")
        tunnel = Tunnel(target, auth, 200)
        self.tunnels.append(tunnel)
        expected = self._expected_auth()
        if expected is not None and auth != expected:
            tunnel.status = 407
            writer.write(b"HTTP/1.1 407 Proxy Authentication Required\r\n"
                         b'Proxy-Authenticate: Basic realm="corp"\r\nContent-Length: 0\r\n\r\n')
            await writer.drain()
            return
        if target in self.refuse:
            tunnel.status = 403
            writer.write(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n")
            await writer.drain()
            return
        host, _, port = target.rpartition(":")
        host = host.strip("[]")
        up_reader, up_writer = await asyncio.open_connection(self.hosts.get(host, host), int(port))
        writer.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
        await writer.drain()

        async def pump(src: asyncio.StreamReader, dst: asyncio.StreamWriter,
                       count: bool) -> None:
            with contextlib.suppress(OSError):
                while data := await src.read(65536):
                    if count:
                        tunnel.bytes_up += len(data)
                    dst.write(data)
                    await dst.drain()
            with contextlib.suppress(OSError):
                dst.close()

        try:
            await asyncio.gather(pump(reader, up_writer, True), pump(up_reader, writer, False))
        finally:
            up_writer.close()
            tunnel.closed.set()
