"""Every request gets exactly one answer or error, whatever it contains; the server keeps running.

Raw bytes over the real server's stdio (``tests/rawlsp.py``): the envelope, the params, the
session's state (before ``initialize``, after ``shutdown``) and the framing itself.
"""

from __future__ import annotations

import asyncio
import json
import socket
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import options
from tests.fakes.upstream import FakeUpstream
from tests.rawlsp import RawServer, frame, key

URI = "file:///project/app.py"
TEXT = "def add(a, b):\n    return a + b\n"
Start = Callable[..., Awaitable[RawServer]]


@pytest.fixture
async def raw(upstream: FakeUpstream, tmp_path: Path) -> AsyncIterator[Start]:
    started: list[RawServer] = []

    async def start(*, initialize: bool = True, **settings: Any) -> RawServer:
        server = await RawServer.start(tmp_path / f"server-{len(started)}.log",
                                       env={"VC_LSP_BASE_URL": upstream.base_url})
        started.append(server)
        if initialize:
            await server.initialize(options(upstream, {"inline": {"debounceMs": 0}}, settings))
        return server

    yield start
    for server in started:
        server.kill()
        await server.proc.wait()


def open_doc(server: RawServer, uri: str = URI, text: str = TEXT) -> None:
    server.notify("textDocument/didOpen", {"textDocument": {
        "uri": uri, "languageId": "python", "version": 0, "text": text}})


def error_code(answer: dict[str, Any]) -> int | None:
    return answer["error"]["code"] if "error" in answer else None


def pos(line: Any, character: Any = 0) -> dict[str, Any]:
    return {"line": line, "character": character}


def inline(position: Any, **extra: Any) -> dict[str, Any]:
    return {"textDocument": {"uri": URI}, "position": position,
            "context": {"triggerKind": 1}, **extra}


def code_action(**fields: Any) -> dict[str, Any]:
    params: dict[str, Any] = {"textDocument": {"uri": URI},
                              "range": {"start": pos(0), "end": pos(1)},
                              "context": {"diagnostics": []}}
    params.update(fields)
    return {k: v for k, v in params.items() if v is not ...}


INVALID_PARAMS = [
    ("textDocument/inlineCompletion", inline(pos(-1)), "a negative line"),
    ("textDocument/inlineCompletion", inline(pos(0, -5)), "a negative character"),
    ("textDocument/inlineCompletion", inline(pos(2 ** 31)), "a line of 2^31"),
    ("textDocument/inlineCompletion", inline(pos(0, 2 ** 40)), "a character of 2^40"),
    ("textDocument/inlineCompletion", inline(pos("x")), "a line that is a string"),
    ("textDocument/inlineCompletion", inline(None), "position null"),
    ("textDocument/inlineCompletion", {"textDocument": {"uri": URI}, "position": pos(0)},
     "no context"),
    ("textDocument/inlineCompletion", inline(pos(0), context={"triggerKind": 9}),
     "an unknown trigger kind"),
    ("textDocument/codeAction", code_action(context=...), "a missing context"),
    ("textDocument/codeAction", code_action(range=None), "range null"),
    ("textDocument/codeAction", code_action(range={"start": pos(0)}), "a range without end"),
    ("textDocument/codeAction", code_action(context={"diagnostics": "no"}),
     "diagnostics that are a string"),
    ("textDocument/codeAction", "params", "params that are a string"),
    ("textDocument/codeAction", [1, 2], "params that are an array"),
    ("textDocument/codeAction", None, "params null"),
    ("workspace/executeCommand", {"arguments": []}, "no command"),
    ("workspace/executeCommand", {"command": "vc.nope"}, "an unknown command"),
]


async def test_invalid_params_are_answered_32602_and_the_server_keeps_going(raw: Start) -> None:
    server = await raw()
    open_doc(server)
    ids = {}
    for method, params, why in INVALID_PARAMS:
        ids[why] = server.send_request(method, params)
    await server.wait_answered(list(ids.values()))
    for why, msg_id in ids.items():
        answers = server.answers[key(msg_id)]
        assert [error_code(a) for a in answers] == [-32602], (why, answers)
        assert answers[0]["error"]["message"].lower().startswith("invalid params"), why
    await server.alive()
    assert (await server.request("textDocument/codeAction", code_action())).get("result")


async def test_a_request_without_params_is_answered(raw: Start) -> None:
    server = await raw()
    for params in ({}, None, []):
        answer = await server.request("vc/stats", params)
        assert "tokens" in answer["result"]
    answer = await server.request("vc/stats")  # no "params" member at all (issue 12)
    assert answer["result"]["protocol"]["requestFutures"] <= 1
    assert error_code(await server.request("textDocument/codeAction")) == -32602


ENVELOPES: list[tuple[bytes, str]] = [
    (b"{not json", "invalid JSON"),
    (b"", "an empty body"),
    (b'{"jsonrpc": "2.0", "id": 1, "method": "vc/stats"', "cut JSON"),
    (b'\xff\xfe{"jsonrpc": "2.0"}', "invalid UTF-8"),
    (b'{"jsonrpc": "2.0", "id": 1, "method": "vc/stats", "params": {"x": NaN}}', "NaN"),
    (b"[" * 100_000 + b"]" * 100_000, "nesting 100,000 deep"),
    (b'{"jsonrpc": "2.0", "id": 1, "method": "vc/stats", "params": 1' + b"0" * 5000 + b"}",
     "a number of 5000 digits"),
]
INVALID_REQUESTS: list[tuple[Any, str]] = [
    ([{"jsonrpc": "2.0", "id": 1, "method": "vc/stats"}], "a batch"),
    (42, "a number"),
    ("vc/stats", "a string"),
    ({"jsonrpc": "2.0", "id": 1.5, "method": "vc/stats"}, "a float id"),
    ({"jsonrpc": "2.0", "id": True, "method": "vc/stats"}, "a boolean id"),
    ({"jsonrpc": "2.0", "id": {"a": 1}, "method": "vc/stats"}, "an object id"),
    ({"jsonrpc": "2.0", "id": None, "method": "vc/stats"}, "id null"),
    ({"jsonrpc": "2.0"}, "no method and no id"),
]


async def test_malformed_messages_get_their_json_rpc_error(raw: Start) -> None:
    server = await raw()
    for body, _ in ENVELOPES:
        server.send(frame(body=body))
    for message, _ in INVALID_REQUESTS:
        server.send(frame(message))
    expected = [-32700] * len(ENVELOPES) + [-32600] * len(INVALID_REQUESTS)
    await server.wait_null_errors(len(expected))
    await server.alive()
    assert [error_code(a) for a in server.null_errors] == expected, server.null_errors


async def test_bad_envelopes_with_an_id_are_answered_with_that_id(raw: Start) -> None:
    server = await raw()
    cases = {
        "s-1": ({"jsonrpc": "1.0", "id": "s-1", "method": "vc/stats"}, -32600),
        "s-2": ({"id": "s-2", "method": "vc/stats"}, -32600),
        "s-3": ({"jsonrpc": "2.0", "id": "s-3", "method": 17}, -32600),
        "s-4": ({"jsonrpc": "2.0", "id": "s-4", "method": "no/such"}, -32601),
        "s-5": ({"jsonrpc": "2.0", "id": "s-5", "method": "$/no.such"}, -32601),
        "s-6": ({"jsonrpc": "2.0", "id": "s-6"}, -32600),
        "s-7": ({"jsonrpc": "2.0", "id": "s-7", "method": "textDocument/didChange",
                 "params": {"textDocument": {"uri": "file:///nowhere", "version": 1},
                            "contentChanges": [{"text": ""}]}}, -32601),  # a notification
    }
    for message, _ in cases.values():
        server.send(frame(message))
    server.notify("no/such/notification", {})
    server.notify("$/cancelRequest", {"id": 123456})  # for no request: ignored
    server.notify("$/cancelRequest", {"nope": 1})  # malformed: dropped
    await server.wait_answered(list(cases))
    for msg_id, (_, code) in cases.items():
        assert [error_code(a) for a in server.answers[key(msg_id)]] == [code], msg_id
    await server.alive()


async def test_requests_before_initialize_get_32002_and_notifications_are_dropped(
        raw: Start, upstream: FakeUpstream) -> None:
    server = await raw(initialize=False)
    assert error_code(await server.request("vc/stats")) == -32002
    assert error_code(await server.request("textDocument/codeAction", code_action())) == -32002
    assert error_code(await server.request("shutdown")) == -32002
    open_doc(server)  # dropped: the document is not open afterwards
    assert error_code(await server.request("initialize", {"capabilities": 5})) == -32602
    await server.initialize(options(upstream, {}, None))
    assert error_code(await server.request("initialize", {"capabilities": {}})) == -32600
    assert (await server.request("textDocument/codeAction", code_action()))["result"] is None
    open_doc(server)
    assert (await server.request("textDocument/codeAction", code_action()))["result"]


async def test_requests_after_shutdown_get_32600_and_exit_ends_with_0(raw: Start) -> None:
    server = await raw()
    open_doc(server)
    assert (await server.request("shutdown"))["result"] is None
    for method, params in (("vc/stats", None), ("shutdown", None),
                           ("textDocument/codeAction", code_action())):
        answer = await server.request(method, params)
        assert error_code(answer) == -32600, answer
        assert "shutdown" in answer["error"]["message"]
    open_doc(server, "file:///project/late.py")  # dropped, and nothing breaks
    server.notify("exit")
    assert await server.wait_exit() == 0


async def test_exit_without_shutdown_ends_with_1(raw: Start) -> None:
    server = await raw()
    server.notify("exit")
    assert await server.wait_exit() == 1


async def test_headers_are_read_as_lsp_defines_them(raw: Start) -> None:
    server = await raw()
    stats = {"jsonrpc": "2.0", "method": "vc/stats"}
    body = lambda msg_id: json.dumps({**stats, "id": msg_id}).encode()  # noqa: E731
    server.send(frame(body=body(1), name=b"content-length"))
    server.send(frame(body=body(2), name=b"CONTENT-LENGTH"))
    server.send(b"Content-Length:%d\n\n" % len(body(3)) + body(3))  # bare \n, no space
    server.send(frame(body=body(4), extra=b"Content-Type: application/vscode-jsonrpc; "
                                          b"charset=utf-8\r\nX-Other: 1\r\n"))
    server.send(b"\r\n\r\n" + frame(body=body(5)))  # blank lines between messages
    server.send(frame(body=body(6), extra=b"Content-Length: %d\r\n" % len(body(6))))
    await server.wait_answered([1, 2, 3, 4, 5, 6])
    assert all(len(server.answers[key(i)]) == 1 for i in range(1, 7))


async def test_broken_frames_lose_only_themselves(raw: Start) -> None:
    """Each broken frame is followed by a good request, which is answered."""
    server = await raw()
    good = iter(range(100, 200))

    def then_good() -> int:
        msg_id = next(good)
        server.send(frame({"jsonrpc": "2.0", "id": msg_id, "method": "vc/stats"}))
        return msg_id

    ids = []
    for broken in (
        b"this is not a header\r\n\r\n",
        b"Content-Type: text/plain\r\n\r\n{}",  # no Content-Length
        b"Content-Length: ten\r\n\r\n{}",
        b"Content-Length: -5\r\n\r\n{}",
        b"Content-Length: 2\r\nContent-Length: 3\r\n\r\n{} ",  # the second one is read
        b"X-Long: " + b"x" * 20_000 + b"\r\n\r\n{}",  # a header block over the limit
        b"Content-Length: 1000000000000\r\n\r\n{",  # far over the body limit
        b"Content-Length: 99999999999999999999999999\r\n\r\n",  # not even a sane number
        b"Content-Length: 40\r\n\r\n{}",  # longer than what follows before the next header
        b"Content-Length: 1\r\n\r\n{}",  # shorter than its body
    ):
        server.send(broken)
        ids.append(then_good())
        await server.wait_answered(ids)
    assert all(len(server.answers[key(i)]) == 1 for i in ids)
    assert not server.garbage


async def test_an_oversized_request_is_answered_when_its_id_can_be_read(raw: Start) -> None:
    server = await raw()
    head = b'{"jsonrpc": "2.0", "id": 77, "method": "textDocument/didOpen", "params": {"te'
    server.send(b"Content-Length: 1000000000000\r\n\r\n" + head + b"x" * 100_000)
    msg_id = server.send_request("vc/stats")
    await server.wait_answered([77, msg_id])
    assert error_code(server.answers[key(77)][0]) == -32600
    assert "over the limit" in server.answers[key(77)][0]["error"]["message"]


async def test_no_future_is_kept_per_notification(raw: Start) -> None:
    """pygls kept a finished future for every notification (20,000 didChange: 20,041)."""
    server = await raw()
    open_doc(server)
    for version in range(1, 2001):
        server.notify("textDocument/didChange", {
            "textDocument": {"uri": URI, "version": version},
            "contentChanges": [{"range": {"start": pos(0), "end": pos(0)}, "text": "#"}]})
        server.notify("$/setTrace", {"value": "off"})
    answer = await server.request("vc/stats")
    counts = answer["result"]["protocol"]
    assert counts["requestFutures"] <= 1, counts  # at most the stats request itself
    assert counts["resultTypes"] == 0, counts


async def test_a_malformed_answer_from_the_client_fails_only_its_request(raw: Start,
                                                                         upstream: FakeUpstream
                                                                         ) -> None:
    """A ``workspace/configuration`` answer that is not a response must not leave the pull
    waiting forever (pygls kept its future pending and the settings 'not ready')."""
    server = await raw(initialize=False)
    server.reply_with["workspace/configuration"] = lambda request: {
        "jsonrpc": "2.0", "id": request["id"], "error": "not an error object"}
    await server.initialize(options(upstream, {}, None),
                            capabilities={"workspace": {"configuration": True}})
    # a response to an id the server never sent, and one to a request still in flight here
    server.send(frame({"jsonrpc": "2.0", "id": "never-sent", "result": None}))
    in_flight = server.send_request("vc/stats")
    server.send(frame({"jsonrpc": "2.0", "id": in_flight, "result": {"hijack": True}}))
    await server.wait_answered([in_flight])
    assert "tokens" in server.answers[key(in_flight)][0]["result"]
    assert any(r["method"] == "workspace/configuration" for r in server.server_requests)
    counts = await settled(server)
    assert counts["resultTypes"] == 0 and counts["requestFutures"] <= 1, counts
    assert "malformed" in server.log_tail(None)


async def settled(server: RawServer, rounds: int = 500) -> dict[str, Any]:
    """The protocol's counts once only our own stats request is in flight (the pull and the
    ``initialized`` handler take a few loop turns after the answer); the last counts if never."""
    for _ in range(rounds):
        counts: dict[str, Any] = (await server.request("vc/stats"))["result"]["protocol"]
        if counts["requestFutures"] <= 1:
            break
    return counts


async def test_tcp_serves_one_client_with_the_same_protocol(upstream: FakeUpstream) -> None:
    """``--tcp`` (for debugging) reads through the same framing and protocol."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "vc_lsp", "--tcp", f"127.0.0.1:{port}", "--log-level", "INFO",
        stdin=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE)
    try:
        assert proc.stderr is not None
        while b"serving on" not in await asyncio.wait_for(proc.stderr.readline(), 30):
            pass
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        init = {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
            "capabilities": {}, "initializationOptions": options(upstream, {}, None)}}
        writer.write(frame(init) + frame(body=json.dumps(
            {"jsonrpc": "2.0", "id": 2, "method": "vc/stats"}).encode(), name=b"content-length")
            + frame({"jsonrpc": "2.0", "id": 3, "method": "shutdown"}))
        seen: dict[int, dict[str, Any]] = {}
        while len(seen) < 3:
            length = 0
            while (line := await asyncio.wait_for(reader.readline(), 30)) != b"\r\n":
                assert line, "the server closed the connection before answering"
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            message = json.loads(await reader.readexactly(length))
            if "id" in message and "method" not in message:
                seen[message["id"]] = message
        assert all("result" in seen[i] for i in (1, 2, 3)), seen
        writer.write(frame({"jsonrpc": "2.0", "method": "exit"}))
        assert await asyncio.wait_for(proc.wait(), 30) == 0
        writer.close()
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
