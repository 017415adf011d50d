"""A reason for every empty answer, each produced by the situation that causes it: ``vc/why``
(the reports as JSON), ``vc.why`` (the report opened in the editor, or one line) and
``vc-lsp explain-last`` (from the usage file, after the server is gone)."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

import pytest
from lsprotocol import types

from tests.conftest import SAFETY, change, inline_params, inline_texts, open_doc, wait_message
from tests.fakes.upstream import FakeUpstream, Reply
from tests.status_client import StatusClient, status_sessions, vc_cli

URI = "file:///project/app.py"
TEXT = "def add(a, b):\n    return a + b\n\nx = \n"
LINE, COL = 3, 4
OK = Reply.text("<completion>add(1, 2)</completion>")


@pytest.fixture
def session(upstream: FakeUpstream, tmp_path: Path) -> Any:
    return status_sessions(upstream, tmp_path)


async def empty(client: StatusClient, reason: str, **kw: Any) -> dict[str, Any]:
    """Ask once at the cursor; it must give nothing, and vc/why must say ``reason``."""
    assert await inline_texts(client, URI, LINE, COL, **kw) == []
    return await why(client, reason)


async def why(client: StatusClient, reason: str, uri: str = URI) -> dict[str, Any]:
    answer = await client.why(uri)
    report = answer["lastEmpty"]
    assert report is not None, answer
    assert report["reason"] == reason, report
    assert report["detail"] and report["summary"]
    return report


@pytest.mark.parametrize(("reply", "reason", "words"), [
    (Reply.error(500), "upstreamError", "HTTP 500"),
    (Reply.error(401), "upstreamError", "VISIONCODER_API_KEY"),
    (Reply.text("<completion>x = </completion>"), "cleanup", "echo.prefix"),
    (Reply.text("<completion>Here is the completion:\n</completion>"), "cleanup",
     "prose.preamble"),
    (Reply.text("<completion>...</completion>"), "cleanup", "prose.placeholder"),
    (Reply.text("<completion></completion>"), "modelEmpty", "returned nothing"),
    (Reply.text(""), "modelEmpty", "returned nothing"),
], ids=["500", "401", "echo", "preamble", "placeholder", "empty-tags", "no-text"])
async def test_each_upstream_answer_that_gives_nothing_says_why(
        session: Any, upstream: FakeUpstream, reply: Reply, reason: str, words: str) -> None:
    upstream.enqueue(reply)
    async with session() as client:
        open_doc(client, URI, TEXT)
        report = await empty(client, reason, invoked=True)
        assert words in report["detail"]
        assert report["calls"] and report["calls"][0]["model"] == "fake-model"
        if reason == "cleanup":  # which filter removed what, with what the model wrote
            steps = [s["filter"] for t in report["cleanup"] for s in t["steps"]]
            assert words in steps
            sent = "".join(reply.pieces[0]).split("</completion>")[0]  # the stop sequence
            assert report["cleanup"][0]["raw"] == sent


async def test_what_was_sent_is_the_exact_messages_with_secrets_replaced(
        session: Any, upstream: FakeUpstream) -> None:
    key = "sk-proj-" + "Q7f2" * 10
    upstream.enqueue(Reply.text("<completion></completion>"))
    async with session() as client:
        open_doc(client, URI, f'API_KEY = "{key}"\n' + TEXT)
        assert await inline_texts(client, URI, LINE + 1, COL, invoked=True) == []
        report = await why(client, "modelEmpty")
    sent = upstream.chat_requests[0].json["messages"]
    assert report["messages"] == [{"role": m["role"], "content": m["content"]} for m in sent]
    assert key not in json.dumps(report) and key not in json.dumps(sent)
    assert "<secret-1>" in json.dumps(report)
    assert report["model"] == "fake-model"


async def test_superseded_by_a_newer_request(session: Any, upstream: FakeUpstream) -> None:
    upstream.enqueue(Reply.text("<completion>slow()</completion>", endless=True, delay=0.05),
                     OK)
    async with session() as client:
        open_doc(client, URI, TEXT + "y = \n")
        first = asyncio.ensure_future(inline_texts(client, URI, LINE, COL, invoked=True))
        (sent,) = await upstream.wait_for_requests(1)
        await sent.streaming.wait()
        assert await inline_texts(client, URI, LINE + 1, COL, invoked=True) == ["add(1, 2)"]
        assert await first == []
        report = await why(client, "superseded")
        assert "newer request" in report["detail"]
        answer = await client.why(URI)
        assert answer["last"]["reason"] == "answered"  # the newer one answered
        assert report["calls"][0]["outcome"] == "cancelled"


async def test_debounced_when_typing_goes_on(session: Any, upstream: FakeUpstream) -> None:
    async with session(settings={"inline": {"debounceMs": 5000}}) as client:
        open_doc(client, URI, TEXT)
        asked = asyncio.ensure_future(inline_texts(client, URI, LINE, COL))
        await client.protocol.send_request_async("vc/why", None)  # the request is in
        change(client, URI, 1, LINE, COL, "a")
        assert await asked == []
        report = await why(client, "debounced")
        assert "5000 ms" in report["detail"] and report["messages"] == []
    assert upstream.chat_requests == []


async def test_excluded_file(session: Any, upstream: FakeUpstream) -> None:
    secret = "file:///project/.env"
    async with session() as client:
        open_doc(client, secret, "TOKEN=\n", language="dotenv")
        assert await inline_texts(client, secret, 0, 6, invoked=True) == []
        report = await why(client, "excluded", secret)
        assert ".env" in report["detail"] and report["messages"] == []
    assert upstream.chat_requests == []


async def test_paused_after_a_429(session: Any, upstream: FakeUpstream) -> None:
    upstream.enqueue(Reply.error(429, retry_after=30))
    async with session() as client:
        open_doc(client, URI, TEXT)
        first = await empty(client, "upstreamError", invoked=True)
        assert "rate limited" in first["detail"]
        second = await empty(client, "paused", invoked=True)
        assert "429" in second["detail"] and "nothing was sent" in second["detail"]
    assert len(upstream.chat_requests) == 1


async def test_budget_reached(session: Any, upstream: FakeUpstream) -> None:
    async with session(settings={"usage": {"dailyTokens": 0}}) as client:
        open_doc(client, URI, TEXT)
        report = await empty(client, "budget")
        assert "usage.dailyTokens" in report["detail"]
    assert upstream.chat_requests == []


async def test_turned_off(session: Any, upstream: FakeUpstream) -> None:
    async with session(settings={"inline": {"enabled": False}}) as client:
        open_doc(client, URI, TEXT)
        report = await empty(client, "disabled", invoked=True)
        assert "inline.enabled" in report["detail"]


async def test_not_ready_within_the_completion_budget(session: Any,
                                                      upstream: FakeUpstream) -> None:
    upstream.enqueue(Reply.text("<completion>late()</completion>", first_delay=1.0))
    async with session(inline=False, settings={"inline": {"completionBudgetMs": 50}}) as client:
        open_doc(client, URI, TEXT)
        result = await client.text_document_completion_async(types.CompletionParams(
            text_document=types.TextDocumentIdentifier(uri=URI),
            position=types.Position(line=LINE, character=COL)))
        assert result is not None and not result.items
        report = await why(client, "notReady")
        assert "completionBudgetMs (50 ms)" in report["detail"]


async def test_cancelled_by_the_editor(session: Any, upstream: FakeUpstream) -> None:
    upstream.enqueue(Reply.text("<completion>x</completion>", hang=True))
    async with session() as client:
        open_doc(client, URI, TEXT)
        future = client.protocol.send_request(types.TEXT_DOCUMENT_INLINE_COMPLETION,
                                              inline_params(URI, LINE, COL, invoked=True),
                                              msg_id="inline-1")
        await upstream.wait_for_requests(1)
        client.cancel_request(types.CancelParams(id="inline-1"))
        with pytest.raises(Exception, match="cancel"):
            await asyncio.wait_for(asyncio.wrap_future(future), SAFETY)
        await why(client, "cancelled")


async def test_vc_why_opens_the_report_in_the_editor(session: Any,
                                                     upstream: FakeUpstream) -> None:
    upstream.enqueue(Reply.text("<completion>...</completion>"))
    async with session(show_document=True) as client:
        open_doc(client, URI, TEXT)
        assert await inline_texts(client, URI, LINE, COL, invoked=True) == []
        await client.workspace_execute_command_async(
            types.ExecuteCommandParams(command="vc.why", arguments=[{"uri": URI}]))
        shown = client.shown_documents[-1]
    text = Path(unquote(urlparse(shown.uri).path)).read_text("utf-8")  # noqa: ASYNC240
    assert text.startswith("# Why no suggestion? app.py")
    assert "prose.placeholder" in text and "What was sent to `fake-model`" in text


async def test_vc_why_in_one_line_without_show_document(session: Any,
                                                        upstream: FakeUpstream) -> None:
    upstream.enqueue(Reply.error(500))
    async with session(show_document=False) as client:
        open_doc(client, URI, TEXT)
        assert await inline_texts(client, URI, LINE, COL, invoked=True) == []
        await client.workspace_execute_command_async(
            types.ExecuteCommandParams(command="vc.why", arguments=[]))
        message = await wait_message(client, "app.py:")
        assert len(message.message) <= 80 and "\n" not in message.message


async def test_explain_last_reads_the_report_after_the_server_is_gone(
        session: Any, upstream: FakeUpstream, tmp_path: Path) -> None:
    upstream.enqueue(Reply.text("<completion>...</completion>"), OK)
    async with session() as client:
        open_doc(client, URI, TEXT + "y = \n")
        assert await inline_texts(client, URI, LINE, COL, invoked=True) == []
        assert await inline_texts(client, URI, LINE + 1, COL, invoked=True) == ["add(1, 2)"]
    code, out, _ = await vc_cli("explain-last", "app.py", state=tmp_path / "state")
    assert code == 0
    assert "## Last request" in out and "## Last request that gave nothing" in out
    assert "prose.placeholder" in out
    assert upstream.chat_requests[0].json["messages"][-1]["content"] in out
    code, out, _ = await vc_cli("explain-last", "--json", state=tmp_path / "state")
    data = json.loads(out)
    assert data["last"]["reason"] == "answered" and data["lastEmpty"]["reason"] == "cleanup"
    code, out, err = await vc_cli("explain-last", "other.py", state=tmp_path / "state")
    assert code == 1 and "no completion request was recorded for other.py" in err


async def test_explain_last_without_prompts_kept(session: Any, upstream: FakeUpstream,
                                                 tmp_path: Path) -> None:
    upstream.enqueue(Reply.text("<completion>...</completion>"))
    async with session(settings={"status": {"rememberPrompts": False}}) as client:
        open_doc(client, URI, TEXT)
        assert await inline_texts(client, URI, LINE, COL, invoked=True) == []
        report = await why(client, "cleanup")
        assert report["messages"]  # in memory, vc/why still has them
    code, out, _ = await vc_cli("explain-last", "--json", state=tmp_path / "state")
    data = json.loads(out)
    assert code == 0
    assert data["last"]["reason"] == "cleanup" and data["last"]["messages"] == []
    assert data["last"]["cleanup"][0]["raw"] == ""
