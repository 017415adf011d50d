"""The editor's channel: bytes from stdin (or a TCP socket) through the framing to the protocol.

Replaces pygls's readers, which read one header line at a time with an unbounded
``readline``, matched only ``Content-Length`` spelt exactly so, allocated whatever length a
header announced (``Content-Length: 1000000000000`` was a MemoryError that ended the process)
and answered nothing when a body failed to parse. Here stdin is read in chunks on a daemon
thread, at most a few chunks ahead of the event loop, and ``FrameDecoder`` bounds what is
held; the thread never keeps the process alive after ``exit``.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys
import threading
from collections.abc import Awaitable, Callable
from typing import Any, BinaryIO

from pygls.io_ import StdoutWriter
from pygls.lsp.server import LanguageServer

from .framing import FrameDecoder, Refused
from .protocol import VcProtocol

log = logging.getLogger(__name__)
CHUNK = 64 * 1024
AHEAD = 4  # chunks read but not yet handled


def serve_stdio(server: LanguageServer, stdin: BinaryIO | None = None,
                stdout: BinaryIO | None = None) -> int:
    """Serve until ``exit`` or the end of stdin; the exit code LSP asks for."""
    protocol = _protocol(server)
    protocol.set_writer(StdoutWriter(stdout or sys.stdout.buffer))

    async def main() -> None:
        reader = _ThreadReader(stdin or sys.stdin.buffer, asyncio.get_running_loop())
        await pump(protocol, reader.read)

    return _run(server, main)


def serve_tcp(server: LanguageServer, host: str, port: int) -> int:
    """One client on TCP, for debugging; ends with that client's connection."""
    protocol = _protocol(server)

    async def main() -> None:
        done = asyncio.Event()

        async def connection(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            protocol.set_writer(writer)
            try:
                await pump(protocol, lambda: reader.read(CHUNK))
            finally:
                done.set()

        tcp = await asyncio.start_server(connection, host, port)
        log.info("serving on %s", ", ".join(str(s.getsockname()) for s in tcp.sockets))
        async with tcp:
            await done.wait()

    return _run(server, main)


async def pump(protocol: VcProtocol, read: Callable[[], Awaitable[bytes]]) -> None:
    """Frames to the protocol until the input ends; each message gets its own loop turn."""
    decoder = FrameDecoder()
    while data := await read():
        for event in decoder.feed(data):
            try:
                if isinstance(event, Refused):
                    protocol.refuse(event)
                else:
                    protocol.receive(event.body)
            except Exception:  # a bug of ours must cost one message, not the session
                log.exception("a message could not be handled")
            await asyncio.sleep(0)
    for event in decoder.close():
        if isinstance(event, Refused):
            protocol.refuse(event)
    log.info("the client closed its end")


def _protocol(server: LanguageServer) -> VcProtocol:
    protocol = server.protocol
    if not isinstance(protocol, VcProtocol):
        raise TypeError("the server must be built with protocol_cls=VcProtocol")
    return protocol


def _run(server: LanguageServer, main: Callable[[], Any]) -> int:
    code = 0
    try:
        asyncio.run(main())
    except SystemExit as stop:  # pygls's exit handler: 0 after shutdown, 1 without
        code = stop.code if isinstance(stop.code, int) else 1
    except KeyboardInterrupt:
        code = 130
    finally:
        server.shutdown()  # type: ignore[no-untyped-call]
    return code


class _ThreadReader:
    """Blocking reads on a daemon thread; the event loop gets each chunk as it arrives."""

    def __init__(self, stream: BinaryIO, loop: asyncio.AbstractEventLoop) -> None:
        self._queue: asyncio.Queue[bytes] = asyncio.Queue()
        self._room = threading.Semaphore(AHEAD)
        try:  # the file descriptor itself: a thread blocked in a buffered read would hold the
            fd = stream.fileno()  # buffer's lock, which Python needs at interpreter shutdown
            self._read: Callable[[int], bytes] = lambda n: os.read(fd, n)
        except (AttributeError, OSError, ValueError):
            self._read = getattr(stream, "read1", stream.read)
        threading.Thread(target=self._run, args=(loop,), name="vc-lsp stdin",
                         daemon=True).start()

    def _run(self, loop: asyncio.AbstractEventLoop) -> None:
        while True:
            self._room.acquire()
            try:
                data = self._read(CHUNK)
            except (OSError, ValueError) as exc:
                log.error("cannot read stdin: %s", exc)
                data = b""
            try:
                loop.call_soon_threadsafe(self._queue.put_nowait, data)
            except RuntimeError:  # the loop has closed
                return
            if not data:
                return

    async def read(self) -> bytes:
        data = await self._queue.get()
        self._room.release()
        return data
