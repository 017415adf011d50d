"""The usage ledger against the fake upstream's own log: ``vc-lsp usage`` after real servers ran
(tokens equal to what the fake counted, cancelled calls counted), acceptance as the editors
report it, the daily budget across servers, and two servers writing the file at once."""

from __future__ import annotations

import asyncio
import json
import math
from pathlib import Path
from typing import Any

import pytest
from lsprotocol import types

from tests.conftest import inline_params, inline_texts, open_doc
from tests.fakes.upstream import FakeUpstream, RecordedRequest, Reply, _apply_stop, _usage
from tests.status_client import StatusClient, status_sessions, usage_json, vc_cli

URI = "file:///project/app.py"
TEXT = "".join(f"v{i} = \n" for i in range(40))


@pytest.fixture
def session(upstream: FakeUpstream, tmp_path: Path) -> Any:
    return status_sessions(upstream, tmp_path)


def fake_usage(req: RecordedRequest) -> tuple[int, int]:
    """What the fake itself billed for a request it answered to the end (its usage chunk)."""
    reply = req.reply
    assert reply is not None and req.completed
    usage = _usage(reply, [_apply_stop(reply.pieces[0], req.json.get("stop"))])
    return usage["prompt_tokens"], usage["completion_tokens"]


def estimate(req: RecordedRequest) -> int:
    """The ledger's estimate of a cancelled call's prompt: its characters / 4."""
    chars = sum(len(m["content"]) for m in req.json["messages"])
    return math.ceil(chars / 4)


async def test_usage_matches_the_fake_upstreams_log(session: Any, upstream: FakeUpstream,
                                                    tmp_path: Path) -> None:
    answers = [Reply.text(f"<completion>value_{i}()</completion>") for i in range(3)]
    upstream.enqueue(*answers)
    upstream.enqueue(Reply.text("<completion>slow_" + "x" * 40, endless=True, delay=0.02))
    upstream.enqueue(Reply.error(500))
    upstream.enqueue(Reply.text("<completion>after()</completion>"))
    async with session() as client:
        open_doc(client, URI, TEXT)
        for line in range(3):
            assert await inline_texts(client, URI, line, 5, invoked=True) == [f"value_{line}()"]
        # A request cancelled mid-stream: superseded by the next one once tokens flowed.
        cancelled = asyncio.ensure_future(inline_texts(client, URI, 3, 5, invoked=True))
        streaming = (await upstream.wait_for_requests(4))[3]
        await streaming.wait_for_chunks(4)
        assert await inline_texts(client, URI, 4, 5, invoked=True) == []  # the 500
        assert await cancelled == []
        assert await inline_texts(client, URI, 5, 5, invoked=True) == ["after()"]
    log = upstream.chat_requests
    assert len(log) == 6 and log[3].hung_up_at is not None
    data = await usage_json(tmp_path / "state")
    today = data["today"]
    assert today["calls"] == len(log)
    assert (today["answered"], today["cancelled"], today["failed"]) == (4, 1, 1)
    answered = [fake_usage(r) for r in (*log[:3], log[5])]
    by = data["byOutcome"]
    assert by["answered"]["promptTokens"] == sum(p for p, _ in answered)
    assert by["answered"]["completionTokens"] == sum(c for _, c in answered)
    assert by["answered"]["estimatedCalls"] == 0
    # The cancelled call: the text streamed before the hang-up, and its prompt estimated.
    assert by["cancelled"]["estimatedCalls"] == 1
    assert 3 <= by["cancelled"]["completionTokens"] <= log[3].chunks_sent - 1
    assert by["cancelled"]["promptTokens"] == estimate(log[3])
    assert by["failed"]["calls"] == 1 and by["failed"]["completionTokens"] == 0
    assert data["byFeatureModel"][0]["feature"] == "inline"
    assert data["byFeatureModel"][0]["model"] == "fake-model"
    # The same figures for a person.
    code, out, _ = await vc_cli("usage", state=tmp_path / "state")
    assert code == 0
    row = next(line for line in out.splitlines() if line.startswith("Today"))
    assert row.split()[1:5] == ["6", "4", "1", "1"]  # calls, answered, cancelled, failed
    assert f"{today['promptTokens']:,}" in row and f"{today['completionTokens']:,}" in row
    assert "1 call(s) ended before the service counted their tokens" in out


async def test_costs_with_prices(session: Any, upstream: FakeUpstream, tmp_path: Path) -> None:
    upstream.enqueue(Reply.text("<completion>abcdefghij</completion>",
                                usage={"prompt_tokens": 1000, "completion_tokens": 200,
                                       "total_tokens": 1200,
                                       "prompt_tokens_details": {"cached_tokens": 400}}))
    async with session() as client:
        open_doc(client, URI, TEXT)
        assert await inline_texts(client, URI, 0, 5, invoked=True) == ["abcdefghij"]
    prices = json.dumps({"fake-model": {"input": 2.0, "cachedInput": 0.5, "output": 8.0}})
    data = await usage_json(tmp_path / "state", "--set", f"usage.prices={prices}")
    expected = (600 * 2.0 + 400 * 0.5 + 200 * 8.0) / 1_000_000
    assert data["today"]["cachedTokens"] == 400
    assert data["today"]["cost"] == pytest.approx(expected)
    code, out, _ = await vc_cli("usage", "--set", f"usage.prices={prices}",
                                state=tmp_path / "state")
    assert code == 0 and "$0.0030" in out


async def test_an_accepted_items_command_reaches_the_ledger(session: Any,
                                                            upstream: FakeUpstream,
                                                            tmp_path: Path) -> None:
    upstream.enqueue(Reply.text("<completion>first()</completion>"),
                     Reply.text("<completion>second()</completion>"),
                     Reply.text("<completion>third_one()</completion>"))
    async with session() as client:
        open_doc(client, URI, TEXT)
        items = []
        for line in range(3):
            result = await client.text_document_inline_completion_async(
                inline_params(URI, line, 5, invoked=True))
            assert result
            items.append(result[0])
        command = items[0].command
        assert command is not None and command.command == "vc.accepted"
        # The editor runs the item's command on accept (LSP 3.18).
        await client.workspace_execute_command_async(types.ExecuteCommandParams(
            command=command.command, arguments=command.arguments))
        # Copilot's notifications: shown, and partly accepted (UTF-16 units).
        raw = client.protocol._converter.unstructure(items[1])
        client.protocol.notify("textDocument/didShowCompletion", {"item": raw})
        raw3 = client.protocol._converter.unstructure(items[2])
        client.protocol.notify("textDocument/didPartiallyAcceptCompletion",
                               {"item": raw3, "acceptedLength": 5})
        stats = await client.protocol.send_request_async("vc/stats", None)
        assert stats.suggestions.accepted == 1
    data = await usage_json(tmp_path / "state")
    s = data["suggestions"]["inline"]
    assert (s["offered"], s["accepted"], s["shown"], s["partiallyAccepted"]) == (3, 1, 3, 1)
    assert s["acceptedChars"] == len("first()") + len("third")
    per = data["perAcceptedSuggestion"]
    assert per["calls"] == 3  # three calls were made for the one accepted suggestion
    assert per["tokens"] == data["today"]["totalTokens"]


async def test_budget_across_servers(session: Any, upstream: FakeUpstream) -> None:
    budget = {"usage": {"dailyTokens": 15}}
    upstream.enqueue(Reply.text("<completion>spend_tokens()</completion>"))
    async with session(settings=budget) as first:
        open_doc(first, URI, TEXT)
        assert await inline_texts(first, URI, 0, 5, invoked=True) == ["spend_tokens()"]
        await first.wait_status(lambda s: s["state"] == "budget")  # 10 + 7 tokens > 15
    async with session(settings=budget) as second:  # another editor, later the same day
        reached = await second.wait_status(lambda s: s["state"] == "budget")
        assert "17 of 15 tokens" in reached["message"]
        open_doc(second, URI, TEXT)
        assert await inline_texts(second, URI, 1, 5) == []
    assert len(upstream.chat_requests) == 1


async def test_two_servers_writing_at_once_lose_nothing(session: Any, upstream: FakeUpstream,
                                                        tmp_path: Path) -> None:
    per_server = 25

    async def editor(client: StatusClient, name: str) -> None:
        uri = f"file:///project/{name}.py"
        open_doc(client, uri, TEXT)
        for line in range(per_server):
            await inline_texts(client, uri, line, 5, invoked=True)

    async with session() as one, session() as two:
        await asyncio.gather(editor(one, "one"), editor(two, "two"))
    data = await usage_json(tmp_path / "state")
    assert len(upstream.chat_requests) == 2 * per_server
    assert data["today"]["calls"] == 2 * per_server
    assert data["today"]["answered"] == 2 * per_server
    assert data["suggestions"]["inline"]["offered"] == 2 * per_server


async def test_no_ledger_when_turned_off(session: Any, upstream: FakeUpstream,
                                         tmp_path: Path) -> None:
    async with session(settings={"usage": {"enabled": False}}) as client:
        open_doc(client, URI, TEXT)
        await inline_texts(client, URI, 0, 5, invoked=True)
    data = await usage_json(tmp_path / "state")
    assert data.get("recorded") is False or data["today"]["calls"] == 0


async def test_a_call_cut_by_shutdown_is_counted(session: Any, upstream: FakeUpstream,
                                                 tmp_path: Path) -> None:
    upstream.enqueue(Reply.text("<completion>never_" + "x" * 40, endless=True, delay=0.02))
    async with session() as client:
        open_doc(client, URI, TEXT)
        asked = asyncio.ensure_future(inline_texts(client, URI, 0, 5, invoked=True))
        [streaming] = await upstream.wait_for_requests(1)
        await streaming.wait_for_chunks(3)
    asked.cancel()  # the client is gone; its answer never comes
    data = await usage_json(tmp_path / "state")
    assert data["today"]["calls"] == 1 and data["today"]["cancelled"] == 1
    assert data["byOutcome"]["cancelled"]["completionTokens"] >= 1
