"""The test's end of an editor's event channel: a TCP socket on 127.0.0.1 that the editor dials.

Why: a test waits for what the editor does (attached, buffer changed, message shown, prompt
open) as events the editor sends itself, never by sleeping or polling its screen. Vim speaks this
framing natively (``ch_open(..., {'mode': 'json'})``); the Emacs harness speaks the same:

- editor to test: ``[n, {"event": NAME, "data": ...}]`` (``n`` > 0, ignored);
- test to editor: ``["expr", EXPRESSION, -id]``, answered ``[-id, RESULT]``; ``["ex", CMD]``
  (Vim) runs a command with no answer.

JSON values arrive back to back, with or without newlines between them.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
from typing import Any

SAFETY = 30.0  # seconds: a net for a hung editor only, never part of an assertion


class Channel:
    def __init__(self, *, newline: bool = False) -> None:
        self.newline = newline  # Emacs's harness reads one message per line
        self.port = 0
        self._server: asyncio.Server | None = None
        self._writer: asyncio.StreamWriter | None = None
        self._connected = asyncio.Event()
        self._ids = itertools.count(1)
        self._pending: dict[int, asyncio.Future[Any]] = {}
        self._backlog: list[tuple[str, Any]] = []  # received, not taken yet
        self._arrived = asyncio.Event()
        self.log: list[tuple[str, Any]] = []  # every event, in order, for failure reports
        self._reader: asyncio.Task[None] | None = None

    async def start(self) -> Channel:
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
        if self._reader is not None:  # ends on the editor's EOF; cancel only a stuck one
            with contextlib.suppress(asyncio.TimeoutError, asyncio.CancelledError, Exception):
                await asyncio.wait_for(asyncio.shield(self._reader), 5)
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if self._writer is not None:  # one editor per channel
            writer.close()
            return
        self._writer = writer
        self._connected.set()
        self._reader = asyncio.current_task()  # type: ignore[assignment]
        decoder = json.JSONDecoder()
        buf = ""
        try:
            while data := await reader.read(65536):
                buf += data.decode("utf-8", "replace")
                while True:
                    buf = buf.lstrip()
                    if not buf:
                        break
                    try:
                        message, end = decoder.raw_decode(buf)
                    except ValueError:
                        break  # incomplete: wait for more
                    buf = buf[end:]
                    self._dispatch(message)
        finally:
            for future in self._pending.values():
                if not future.done():
                    future.set_exception(EOFError("the editor closed its channel"))

    def _dispatch(self, message: Any) -> None:
        if not isinstance(message, list) or len(message) != 2:
            return
        key, body = message
        if isinstance(key, int) and key < 0:
            future = self._pending.pop(-key, None)
            if future is not None and not future.done():
                future.set_result(body)
        elif isinstance(body, dict) and "event" in body:
            event = (str(body["event"]), body.get("data"))
            self.log.append(event)
            self._backlog.append(event)
            self._arrived.set()
            self._arrived = asyncio.Event()

    async def connected(self) -> None:
        await asyncio.wait_for(self._connected.wait(), SAFETY)

    def _send(self, message: list[Any]) -> None:
        assert self._writer is not None, "the editor has not connected"
        text = json.dumps(message)
        self._writer.write((text + ("\n" if self.newline else "")).encode())

    async def expr(self, expression: str) -> Any:
        """Evaluate ``expression`` in the editor and return its value."""
        msgid = next(self._ids)
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._pending[msgid] = future
        self._send(["expr", expression, -msgid])
        return await asyncio.wait_for(future, SAFETY)

    def ex(self, command: str) -> None:
        self._send(["ex", command])

    async def event(self, name: str, timeout: float = SAFETY) -> Any:
        """The oldest ``name`` event not taken yet; other events wait for their own takers
        (several tasks may wait at once, each for its own kind)."""
        async def next_named() -> Any:
            while True:
                for i, (event, data) in enumerate(self._backlog):
                    if event == name:
                        del self._backlog[i]
                        return data
                await self._arrived.wait()
        try:
            return await asyncio.wait_for(next_named(), timeout)
        except asyncio.TimeoutError:
            raise AssertionError(f"no {name!r} event within {timeout:g} s; events so far: "
                                 f"{self.log[-15:]!r}") from None

    def drain(self, name: str) -> list[Any]:
        """Every ``name`` event already received and not taken, oldest first."""
        taken = [data for event, data in self._backlog if event == name]
        self._backlog = [(e, d) for e, d in self._backlog if e != name]
        return taken

    def seen(self, name: str) -> list[Any]:
        return [data for event, data in self.log if event == name]
