"""The real server as a subprocess over stdio, spoken to in raw bytes (a hostile client's view).

pytest-lsp's client only sends well-formed messages; these tests also need bytes that are not
LSP at all. ``RawServer`` writes any bytes, reads every frame the server writes, records each
answer by its id, and answers the server's own requests the way an editor would so that it
never waits on us. Waiting is always for an event (an answer arriving), never a sleep.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import os
import sys
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.conftest import SECRET

SAFETY = 30.0  # seconds; only guards against a hung test, never part of an assertion
_MISSING = object()


def frame(message: Any = None, *, body: bytes | None = None, name: bytes = b"Content-Length",
          extra: bytes = b"") -> bytes:
    """One message as LSP frames it (or ``body`` as is, under any spelling of the header)."""
    data = body if body is not None else json.dumps(message).encode()
    return name + b": %d\r\n" % len(data) + extra + b"\r\n" + data


def key(msg_id: Any) -> str:
    """1 and "1" are different ids."""
    return json.dumps(msg_id)


class RawServer:
    def __init__(self, proc: asyncio.subprocess.Process, log_file: Path) -> None:
        self.proc = proc
        self.log_file = log_file
        self.answers: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self.null_errors: list[dict[str, Any]] = []
        self.notifications: list[dict[str, Any]] = []
        self.server_requests: list[dict[str, Any]] = []
        self.garbage: list[bytes] = []  # anything on stdout that is not a well-formed frame
        # method -> the whole response to send to the server's request (default: an editor's)
        self.reply_with: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {}
        self.requested: list[Any] = []  # ids sent with send_request
        self._arrived = asyncio.Event()
        self._ids = itertools.count(1_000_000)
        self._reader = asyncio.ensure_future(self._read())

    @classmethod
    async def start(cls, log_file: Path, env: dict[str, str] | None = None,
                    level: str = "DEBUG") -> RawServer:
        server_env = {k: v for k, v in os.environ.items() if not k.startswith("VC_LSP_")}
        server_env.update({"VISIONCODER_API_KEY": SECRET,
                           "XDG_CONFIG_HOME": str(log_file.parent / f"{log_file.stem}-config"),
                           **(env or {})})
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "vc_lsp", "--log-level", level, "--log-file", str(log_file),
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, env=server_env,
            limit=2 ** 26)
        return cls(proc, log_file)

    # -- sending ---------------------------------------------------------------------------

    def send(self, data: bytes) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(data)

    async def drain(self) -> None:
        assert self.proc.stdin is not None
        await self.proc.stdin.drain()

    def next_id(self) -> int:
        return next(self._ids)

    def send_request(self, method: str, params: Any = _MISSING, msg_id: Any = None) -> Any:
        msg_id = self.next_id() if msg_id is None else msg_id
        message: dict[str, Any] = {"jsonrpc": "2.0", "id": msg_id, "method": method}
        if params is not _MISSING:
            message["params"] = params
        self.requested.append(msg_id)
        self.send(frame(message))
        return msg_id

    def notify(self, method: str, params: Any = _MISSING) -> None:
        message: dict[str, Any] = {"jsonrpc": "2.0", "method": method}
        if params is not _MISSING:
            message["params"] = params
        self.send(frame(message))

    async def request(self, method: str, params: Any = _MISSING) -> dict[str, Any]:
        """Send a request and return its one answer."""
        return await self.answer(self.send_request(method, params))

    async def answer(self, msg_id: Any) -> dict[str, Any]:
        await self.wait_answered([msg_id])
        return self.answers[key(msg_id)][0]

    async def wait_answered(self, ids: list[Any]) -> None:
        async def wait() -> None:
            while not all(self.answers.get(key(i)) for i in ids):
                if self._reader.done():
                    raise AssertionError(f"the server ended without answering; log: "
                                         f"{self.log_tail()}")
                self._arrived.clear()
                await self._arrived.wait()
        await self.drain()
        await asyncio.wait_for(wait(), SAFETY)

    async def wait_null_errors(self, count: int) -> None:
        async def wait() -> None:
            while len(self.null_errors) < count and not self._reader.done():
                self._arrived.clear()
                await self._arrived.wait()
        await self.drain()
        await asyncio.wait_for(wait(), SAFETY)

    async def alive(self) -> None:
        """Prove the server still reads and answers: a ``vc/stats`` round trip."""
        answer = await self.request("vc/stats")
        assert "result" in answer, answer

    async def initialize(self, options: dict[str, Any] | None = None,
                         capabilities: dict[str, Any] | None = None) -> dict[str, Any]:
        answer = await self.request("initialize", {
            "processId": None, "rootUri": None,
            "capabilities": capabilities if capabilities is not None else {
                "textDocument": {"inlineCompletion": {}, "completion": {}},
                "workspace": {"applyEdit": True},
                "window": {"showDocument": {"support": True}, "workDoneProgress": True}},
            "initializationOptions": options or {}})
        assert "result" in answer, answer
        self.notify("initialized", {})
        return answer

    async def stop(self) -> int:
        """shutdown, exit, and the process's exit code."""
        if self.proc.returncode is None and not self._reader.done():
            with contextlib.suppress(AssertionError, asyncio.TimeoutError):
                await self.request("shutdown")
            self.notify("exit")
        return await self.wait_exit()

    async def wait_exit(self) -> int:
        assert self.proc.stdin is not None
        with contextlib.suppress(OSError):
            await self.proc.stdin.drain()
        self.proc.stdin.close()
        code = await asyncio.wait_for(self.proc.wait(), SAFETY)
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await self._reader
        assert SECRET not in self.log_tail(None)
        return code

    def kill(self) -> None:
        if self.proc.returncode is None:
            self.proc.kill()

    def log_tail(self, chars: int | None = 3000) -> str:
        text = self.log_file.read_text(errors="replace") if self.log_file.exists() else ""
        return text if chars is None else text[-chars:]

    # -- reading ---------------------------------------------------------------------------

    async def _read(self) -> None:
        out = self.proc.stdout
        assert out is not None
        try:
            while True:
                length = None
                while True:
                    line = await out.readline()
                    if not line:
                        return
                    if line == b"\r\n":
                        break
                    name, sep, value = line.partition(b":")
                    if not sep or not line.endswith(b"\r\n"):
                        self.garbage.append(line)
                        continue
                    if name.strip().lower() == b"content-length":
                        length = int(value)
                if length is None:
                    self.garbage.append(b"(a header block without Content-Length)")
                    continue
                self._dispatch(json.loads(await out.readexactly(length)))
        finally:
            self._arrived.set()

    def _dispatch(self, message: dict[str, Any]) -> None:
        if "method" in message and "id" in message:
            self.server_requests.append(message)
            custom = self.reply_with.get(message["method"])
            self.send(frame(custom(message) if custom else {
                "jsonrpc": "2.0", "id": message["id"], "result": _editor_answer(message)}))
        elif "method" in message:
            self.notifications.append(message)
        elif message.get("id") is None:
            self.null_errors.append(message)
        else:
            self.answers[key(message["id"])].append(message)
        self._arrived.set()


def _editor_answer(request: dict[str, Any]) -> Any:
    """What an editor answers to the server's requests (nothing to show or apply for real)."""
    method = request["method"]
    if method == "workspace/applyEdit":
        return {"applied": True}
    if method == "window/showDocument":
        return {"success": True}
    if method == "workspace/configuration":
        return [{} for _ in request.get("params", {}).get("items", [])]
    return None
