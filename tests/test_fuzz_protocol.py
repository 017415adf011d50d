"""Fuzz: whatever a client sends, every request gets exactly one answer or a proper error, and
the server keeps running.

One real server over raw stdio for the whole module (``tests/rawlsp.py``), against the fake
upstream; Hypothesis, seeded (``derandomize``), draws a few hundred examples from these classes:

- raw frames: header spellings, extra and broken headers, lengths that lie (short, long,
  absurd), bodies that are not JSON, not UTF-8, not objects, or carry bad ids;
- params of the wrong shape for every method the server registers (a valid seed per method,
  with a field removed, nulled or replaced by a value of another type);
- out-of-range positions and ranges, and unknown or malformed document URIs;
- documents with odd line breaks (form feed, VT, NEL, U+2028/9, CR-only, mixed) and
  non-BMP text, opened, edited and asked about at any position;
- ``$/cancelRequest`` for requests of the same example.

Each example ends with a ``vc/stats`` probe and waits for every request it sent; at the end
every id sent has exactly one answer, and no answer names an id that was never sent. The
server runs in a private event loop on a thread so that Hypothesis drives plain functions.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import threading
from collections.abc import Coroutine, Iterator
from dataclasses import dataclass, field
from typing import Any, TypeVar

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import options
from tests.fakes.upstream import FakeUpstream, Reply
from tests.rawlsp import SAFETY, RawServer, frame, key
from vc_lsp.app import create_server

T = TypeVar("T")
PROPER = {-32700, -32600, -32601, -32602, -32002, -32800, -32801, -32802, -32803}
PAD = b"\r\n" * 40  # after each raw frame: a lying Content-Length eats blanks, not the probe
BREAKS = ["\n", "\r\n", "\r", "\f", "\v", "\x85", "\u2028", "\u2029", "\x1c", "\x1e"]
OPEN = ["file:///fuzz/a.py", "file:///fuzz/b.ts", "file:///fuzz/%E4%B8%AD.py"]
UNKNOWN = ["file:///fuzz/never-opened.py", "untitled:Untitled-1", "", "not a uri", "file://",
           "file:///%zz", "file:///" + "a" * 3000, "file:///etc/hostname"]
# VC_LSP_FUZZ_EXAMPLES=5000 VC_LSP_FUZZ_RANDOM=1 explores further than the suite's seeded run
FUZZ = settings(max_examples=int(os.environ.get("VC_LSP_FUZZ_EXAMPLES", "300")),
                derandomize=not os.environ.get("VC_LSP_FUZZ_RANDOM"), database=None,
                deadline=None, suppress_health_check=list(HealthCheck))


# -- the session: one server, driven from plain functions --------------------------------------


class Portal:
    """An event loop on a thread; ``run`` waits for one coroutine there."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self._thread.start()

    def run(self, coro: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(SAFETY * 2)

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(SAFETY)
        self.loop.close()


@dataclass
class Session:
    portal: Portal
    server: RawServer
    upstream: FakeUpstream
    good_settings: dict[str, Any]
    sent: list[Any] = field(default_factory=list)

    def play(self, messages: list[bytes], ids: list[Any]) -> None:
        """Send one example's bytes, then a probe; wait for all its answers."""
        async def go() -> None:
            for data in messages:
                self.server.send(data)
            await self.server.wait_answered([*ids, self.server.send_request("vc/stats")])
        self.sent += ids
        self.portal.run(go())
        for msg_id in ids:
            check_answer(self.server.answers[key(msg_id)], msg_id)


def check_answer(answers: list[dict[str, Any]], msg_id: Any) -> None:
    assert len(answers) == 1, (msg_id, answers)
    answer = answers[0]
    assert ("result" in answer) != ("error" in answer), answer
    if "error" in answer:
        error = answer["error"]
        assert error["code"] in PROPER, answer  # -32603 would be a crash in a handler
        assert isinstance(error["message"], str) and error["message"], answer


@pytest.fixture(scope="module")
def session(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Session]:
    tmp = tmp_path_factory.mktemp("fuzz")
    portal = Portal()

    async def start() -> Session:
        upstream = await FakeUpstream(default=Reply.text("<completion>x = 1</completion>")
                                      ).start()
        server = await RawServer.start(tmp / "server.log", env={
            "XDG_CACHE_HOME": str(tmp / "cache"), "TMPDIR": str(tmp / "tmp"),
            "VC_LSP_BASE_URL": upstream.base_url})
        opts = options(upstream, {"inline": {"debounceMs": 0, "completionFallback": "always"},
                                  "actions": {"throttleMs": 0}}, None)
        await server.initialize(opts)
        for uri in OPEN:
            server.notify("textDocument/didOpen", {"textDocument": {
                "uri": uri, "languageId": "python", "version": 0,
                "text": "def f(x):\r    return x\f\n\x85y = 1\u2028z = 'é😀'\r\n"}})
        return Session(portal, server, upstream, {"vcLsp": opts})

    fuzz = portal.run(start())
    try:
        yield fuzz
        code = portal.run(fuzz.server.stop())
        answers = fuzz.server.answers
        assert code == 0, fuzz.server.log_tail()
        sent = {key(i) for i in fuzz.sent + fuzz.server.requested}
        assert set(answers) <= sent, set(answers) - sent  # no answer to an id never sent
        for msg_id in fuzz.sent + fuzz.server.requested:
            check_answer(answers[key(msg_id)], msg_id)
    finally:
        fuzz.server.kill()
        portal.run(fuzz.upstream.stop())
        portal.close()


# -- what a client may send ---------------------------------------------------------------


def _registered() -> tuple[set[str], set[str]]:
    fm = create_server().protocol.fm
    return set(fm.features) | set(fm.builtin_features), set(fm.commands)


METHODS, COMMANDS = _registered()
METHODS.add("textDocument/completion")  # registered at initialize for clients that want it
NOT_FUZZED = {"initialize", "shutdown", "exit"}  # the session's own; see test_protocol.py

leaves = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-2 ** 63, max_value=2 ** 63),
    st.sampled_from([-1, 2 ** 31 - 1, 2 ** 31, 2 ** 53]),
    st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=20))
json_values = st.recursive(leaves, lambda inner: st.lists(inner, max_size=3)
                           | st.dictionaries(st.text(max_size=6), inner, max_size=3),
                           max_leaves=6)
numbers = st.one_of(st.integers(0, 12), st.sampled_from([100, 10 ** 6, 2 ** 31 - 1]),
                    st.integers(0, 2 ** 31 - 1))
uris = st.sampled_from(OPEN + UNKNOWN)


@st.composite
def positions(draw: st.DrawFn) -> dict[str, Any]:
    return {"line": draw(numbers), "character": draw(numbers)}


@st.composite
def ranges(draw: st.DrawFn) -> dict[str, Any]:
    return {"start": draw(positions()), "end": draw(positions())}


@st.composite
def seed(draw: st.DrawFn, method: str) -> Any:
    """Params of the right shape for ``method`` (the values themselves may be out of range)."""
    doc = {"uri": draw(uris)}
    if method in ("textDocument/inlineCompletion", "textDocument/completion"):
        return {"textDocument": doc, "position": draw(positions()),
                "context": {"triggerKind": draw(st.sampled_from([1, 2]))}}
    if method == "textDocument/codeAction":
        return {"textDocument": doc, "range": draw(ranges()), "context": {
            "diagnostics": [{"range": draw(ranges()), "message": "boom", "severity": 1}],
            "triggerKind": draw(st.sampled_from([1, 2]))}}
    if method == "workspace/executeCommand":
        argument = {"uri": doc["uri"], "range": draw(ranges()), "instruction": "tidy"}
        return {"command": draw(st.sampled_from(sorted(COMMANDS))),
                "arguments": draw(st.sampled_from([[argument], [], [doc["uri"]], [None]]))}
    if method == "textDocument/copilotInlineEdit":
        return {"textDocument": {**doc, "version": draw(numbers)}, "position": draw(positions()),
                "context": {"triggerKind": draw(st.sampled_from([1, 2]))}}
    if method == "textDocument/didShowInlineEdit":
        return {"item": {"command": {"title": "x", "command": "vc.nes.accept",
                                     "arguments": [draw(st.text(max_size=8))]}}}
    if method == "textDocument/didOpen":
        return {"textDocument": {**doc, "languageId": "python", "version": 1,
                                 "text": draw(odd_text())}}
    if method == "textDocument/didChange":
        return {"textDocument": {**doc, "version": draw(numbers)}, "contentChanges": [
            {"range": draw(ranges()), "text": draw(odd_text())}, {"text": draw(odd_text())}]}
    if method == "textDocument/didClose":
        return {"textDocument": doc}
    if method == "workspace/didChangeConfiguration":
        return {"settings": draw(st.sampled_from([None, {}, {"vcLsp": {}}]))}
    if method == "$/setTrace":
        return {"value": draw(st.sampled_from(["off", "messages", "verbose"]))}
    if method == "window/workDoneProgress/cancel":
        return {"token": draw(st.text(max_size=8))}
    if method == "workspace/didChangeWorkspaceFolders":
        return {"event": {"added": [{"uri": doc["uri"], "name": "x"}], "removed": []}}
    if method.startswith("notebookDocument/"):
        return {"notebookDocument": {"uri": doc["uri"], "notebookType": "jupyter", "version": 1,
                                     "cells": []}, "cellTextDocuments": []}
    if method == "vc/why":
        return draw(st.sampled_from([None, {}, doc, {**doc, "feature": "inline"}]))
    if method in ("textDocument/didShowCompletion", "textDocument/didPartiallyAcceptCompletion"):
        item = {"insertText": "x = 1", "range": draw(ranges()),
                "command": {"title": "Accepted", "command": "vc.accepted",
                            "arguments": [{"id": draw(st.text(max_size=8))}]}}
        return {"item": item, "acceptedLength": draw(numbers)}
    return draw(st.sampled_from([{}, None]))  # initialized, vc/stats, and any new method


@st.composite
def odd_text(draw: st.DrawFn) -> str:
    parts = draw(st.lists(st.sampled_from(["x = 1", "    return x", "", "é", "😀", "e\u0301",
                                           "def g():", "#"]), max_size=6))
    out = ""
    for part in parts:
        out += part + draw(st.sampled_from(BREAKS))
    return out


def paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(value, dict):
        for k, v in value.items():
            found += paths(v, (*prefix, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            found += paths(v, (*prefix, i))
    return found


@st.composite
def mutated(draw: st.DrawFn, params: Any) -> Any:
    """``params`` with one field removed or replaced by a value of any JSON type."""
    where = draw(st.sampled_from(paths(params)))
    if not where:
        return draw(json_values)
    value = json.loads(json.dumps(params))
    parent = value
    for step in where[:-1]:
        parent = parent[step]
    if isinstance(parent, dict) and draw(st.booleans()):
        del parent[where[-1]]
    else:
        parent[where[-1]] = draw(json_values)
    return value


@dataclass
class Example:
    messages: list[bytes]
    ids: list[Any]


@st.composite
def calls(draw: st.DrawFn, session_ids: Iterator[int]) -> Example:
    """One or a few messages to registered methods, valid or mutated, maybe cancelled."""
    messages: list[bytes] = []
    ids: list[Any] = []
    for _ in range(draw(st.integers(1, 4))):
        pool = REQUESTS if draw(st.integers(0, 9)) < 6 else METHODS - NOT_FUZZED - REQUESTS
        method = draw(st.sampled_from(sorted(pool)))
        params = draw(seed(method))
        if method != "workspace/didChangeConfiguration":
            for _ in range(draw(st.integers(0, 3))):
                params = draw(mutated(params))
        message: dict[str, Any] = {"jsonrpc": "2.0", "method": method}
        if draw(st.integers(0, 9)) or params is not None:
            message["params"] = params
        is_request = method in REQUESTS or draw(st.integers(0, 9)) == 0
        if is_request:
            msg_id: Any = next(session_ids)
            if draw(st.booleans()):
                msg_id = f"s{msg_id}"
            message["id"] = msg_id
            ids.append(msg_id)
        messages.append(frame(message))
    if ids and draw(st.booleans()):
        messages.append(frame({"jsonrpc": "2.0", "method": "$/cancelRequest",
                               "params": {"id": draw(st.sampled_from(ids))}}))
    return Example(messages, ids)


REQUESTS = {"textDocument/inlineCompletion", "textDocument/completion",
            "textDocument/codeAction", "workspace/executeCommand", "vc/stats", "vc/why",
            "vc/usage", "textDocument/copilotInlineEdit"}

HEADER_NAMES = [b"Content-Length", b"content-length", b"CONTENT-LENGTH", b"Content-length"]
EXTRA_HEADERS = [b"", b"Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n",
                 b"Content-Type: text/plain; charset=latin-1\r\n", b"X-Junk:\r\n",
                 b"x-a: " + b"b" * 500 + b"\r\n"]
BAD_BODIES = [b"", b"{", b"null", b"[]", b"[{}]", b"42", b'"x"', b"\xff\xfe\x00", b"{}" * 3,
              b'{"jsonrpc": "2.0", "id": 1, "method": "vc/stats", "params": NaN}',
              b'{"jsonrpc": "2.0", "id": [1], "method": "vc/stats"}',
              b'{"jsonrpc": "2.0", "id": 1.5, "method": "vc/stats"}',
              b'{"jsonrpc": "1.0", "method": "vc/stats"}', b"[" * 5000 + b"]" * 5000]
BROKEN_FRAMES = [b"not a header\r\n\r\n", b"Content-Length: x\r\n\r\n{}",
                 b"Content-Length: 1000000000000\r\n\r\n{\"jsonrpc\": \"2.0\"",
                 b"Content-Length: 99999999999999999999999\r\n\r\n",
                 b"Content-Type: a\r\n\r\n{}", b"\r\n" * 5, b"X: " + b"y" * 9000 + b"\r\n"]


@st.composite
def raw_frames(draw: st.DrawFn, session_ids: Iterator[int]) -> Example:
    """Hostile framing and bodies; well-formed requests inside must still be answered."""
    messages: list[bytes] = []
    ids: list[Any] = []
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["request", "bad body", "broken frame", "lying length"]))
        name = draw(st.sampled_from(HEADER_NAMES))
        extra = draw(st.sampled_from(EXTRA_HEADERS))
        if kind == "broken frame":
            messages.append(draw(st.sampled_from(BROKEN_FRAMES)) + PAD)
            continue
        if kind == "request":
            msg_id = next(session_ids)
            ids.append(msg_id)
            body = json.dumps({"jsonrpc": "2.0", "id": msg_id, "method": "vc/stats"}).encode()
        else:
            body = draw(st.sampled_from(BAD_BODIES))
        length = len(body)
        if kind == "lying length":
            length = max(0, length + draw(st.integers(-len(body), len(PAD) - 2)))
        line_end = draw(st.sampled_from([b"\r\n", b"\n"]))
        messages.append(name + b": %d" % length + line_end + extra + line_end + body + PAD)
    return Example(messages, ids)


@st.composite
def documents(draw: st.DrawFn, session_ids: Iterator[int]) -> Example:
    """A document with odd line breaks, edited, then asked about at positions inside it
    (LSP's lines: only \\n, \\r\\n and \\r end one) and just past its ends."""
    uri = f"file:///fuzz/odd-{next(session_ids)}.py"
    text = draw(odd_text())
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")

    def position() -> dict[str, Any]:
        line = draw(st.integers(0, len(lines)))
        width = len(lines[line]) if line < len(lines) else 0
        return {"line": line, "character": draw(st.integers(0, width + 1))}

    messages = [frame({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {
        "textDocument": {"uri": uri, "languageId": "python", "version": 0, "text": text}}})]
    for version in range(1, draw(st.integers(0, 3)) + 1):
        start = position()
        messages.append(frame({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
            "textDocument": {"uri": uri, "version": version},
            "contentChanges": [{"range": {"start": start, "end": start},
                                "text": draw(st.sampled_from([*BREAKS, "x", "😀", ""]))}]}}))
    ids: list[Any] = []
    for _ in range(draw(st.integers(1, 3))):
        method = draw(st.sampled_from(["textDocument/inlineCompletion", "textDocument/completion",
                                       "textDocument/codeAction", "workspace/executeCommand"]))
        params = draw(seed(method))
        if "position" in params:
            params["position"] = position()
        if "range" in params:
            params["range"] = {"start": position(), "end": position()}
        for arg in params.get("arguments", []):
            if isinstance(arg, dict):
                arg.update(uri=uri, range={"start": position(), "end": position()})
        params.get("textDocument", {})["uri"] = uri
        ids.append(next(session_ids))
        messages.append(frame({"jsonrpc": "2.0", "id": ids[-1], "method": method,
                               "params": params}))
    if draw(st.booleans()):
        messages.append(frame({"jsonrpc": "2.0", "method": "textDocument/didClose",
                               "params": {"textDocument": {"uri": uri}}}))
    return Example(messages, ids)


_ids = itertools.count(3 * 10 ** 9)  # apart from RawServer's own ids


@FUZZ
@given(example=st.one_of(calls(_ids), raw_frames(_ids), documents(_ids)))
def test_every_request_is_answered_once_whatever_it_holds(session: Session,
                                                          example: Example) -> None:
    session.play(example.messages, example.ids)


def test_the_fuzz_covers_every_method_the_server_registers() -> None:
    """A new feature must get a seed above (or be one of the session's own methods)."""
    assert {"textDocument/inlineCompletion", "textDocument/codeAction",
            "workspace/executeCommand", "vc/stats"} <= METHODS
    assert METHODS - NOT_FUZZED - REQUESTS <= NOTIFICATIONS, METHODS - REQUESTS - NOTIFICATIONS


NOTIFICATIONS = {"initialized", "textDocument/didOpen", "textDocument/didChange",
                 "textDocument/didClose", "workspace/didChangeConfiguration", "$/setTrace",
                 "window/workDoneProgress/cancel", "workspace/didChangeWorkspaceFolders",
                 "notebookDocument/didOpen", "notebookDocument/didChange",
                 "notebookDocument/didClose", "textDocument/didShowCompletion",
                 "textDocument/didPartiallyAcceptCompletion", "textDocument/didShowInlineEdit"}
