"""The status the editor is told (``didChangeStatus``, Copilot's shape) and ``$/progress``, each
kind produced by the situation that causes it, against a real server and the fake upstream."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from lsprotocol import types

from tests.conftest import SAFETY, inline_params, inline_texts, open_doc
from tests.fakes.upstream import FakeUpstream, Reply
from tests.status_client import status_sessions

URI = "file:///project/app.py"
OK = Reply.text("<completion>done()</completion>")
KINDS = {"Normal", "Warning", "Error", "Inactive"}


@pytest.fixture
def session(upstream: FakeUpstream, tmp_path: Path) -> Any:
    return status_sessions(upstream, tmp_path)


def shaped_like_copilot(status: dict[str, Any]) -> None:
    assert status["kind"] in KINDS
    assert isinstance(status["message"], str) and status["message"]
    assert isinstance(status["busy"], bool)
    if "command" in status:
        assert {"title", "command"} <= set(status["command"])


async def test_ready_once_initialized(session: Any) -> None:
    async with session() as client:
        first = await client.wait_status(lambda s: True)
        shaped_like_copilot(first)
        assert (first["kind"], first["state"], first["busy"]) == ("Normal", "idle", False)


async def test_working_while_a_request_is_in_flight_then_ready(session: Any,
                                                                upstream: FakeUpstream) -> None:
    upstream.enqueue(Reply.text("<completion>slow()</completion>", first_delay=0.3))
    async with session() as client:
        open_doc(client, URI, "x = \n")
        await client.wait_status(lambda s: s["state"] == "idle")
        asked = len(client.statuses)
        texts = asyncio.ensure_future(inline_texts(client, URI, 0, 4, invoked=True))
        working = await client.wait_status(lambda s: s["state"] == "working", after=asked)
        shaped_like_copilot(working)
        assert working["busy"] is True and working["kind"] == "Normal"
        assert await texts == ["slow()"]
        ready = await client.wait_status(lambda s: s["state"] == "idle",
                                         after=client.statuses.index(working))
        assert ready["busy"] is False


async def test_paused_after_429_with_the_reason_then_ready_again(session: Any,
                                                                 upstream: FakeUpstream) -> None:
    upstream.enqueue(Reply.error(429, retry_after=0.5))
    async with session() as client:
        open_doc(client, URI, "x = \n")
        assert await inline_texts(client, URI, 0, 4, invoked=True) == []
        paused = await client.wait_status(lambda s: s["state"] == "paused")
        shaped_like_copilot(paused)
        assert paused["kind"] == "Warning"
        assert "429" in paused["message"] and "0.5 s" in paused["message"]
        assert paused["command"]["command"] == "vc.why"
        # The pause ends by itself, and the status says so without any request.
        await client.wait_status(lambda s: s["state"] == "idle",
                                 after=client.statuses.index(paused))


async def test_error_with_the_next_step_until_a_request_succeeds(session: Any,
                                                                 upstream: FakeUpstream) -> None:
    upstream.enqueue(Reply.error(401), OK)
    async with session() as client:
        open_doc(client, URI, "x = \n")
        assert await inline_texts(client, URI, 0, 4, invoked=True) == []
        error = await client.wait_status(lambda s: s["kind"] == "Error")
        shaped_like_copilot(error)
        assert error["state"] == "error"
        assert "VISIONCODER_API_KEY" in error["message"]  # what to check: the next step
        assert await inline_texts(client, URI, 0, 4, invoked=True) == ["done()"]
        await client.wait_status(lambda s: s["state"] == "idle",
                                 after=client.statuses.index(error))


async def test_error_at_start_up_when_the_model_list_lacks_the_model(
        session: Any, upstream: FakeUpstream) -> None:
    async with session(settings={"model": "no-such-model"}) as client:
        error = await client.wait_status(lambda s: s["kind"] == "Error")
        assert "no-such-model" in error["message"] and "vc-lsp models" in error["message"]


async def test_inactive_for_an_excluded_file_with_the_reason(session: Any,
                                                             upstream: FakeUpstream) -> None:
    secret = "file:///project/.env"
    async with session() as client:
        open_doc(client, secret, "TOKEN=\n", language="dotenv")
        open_doc(client, URI, "x = \n")
        assert await inline_texts(client, secret, 0, 6, invoked=True) == []
        off = await client.wait_status(lambda s: s["kind"] == "Inactive")
        shaped_like_copilot(off)
        assert off["state"] == "disabled" and off["uri"] == secret
        assert ".env" in off["message"] and "excluded" in off["message"]
        upstream.enqueue(OK)
        assert await inline_texts(client, URI, 0, 4, invoked=True) == ["done()"]
        back = await client.wait_status(lambda s: s["kind"] == "Normal",
                                        after=client.statuses.index(off))
        assert "uri" not in back
    assert len(upstream.chat_requests) == 1  # nothing of .env was sent


async def test_inactive_when_completions_are_turned_off(session: Any,
                                                        upstream: FakeUpstream) -> None:
    async with session(settings={"inline": {"enabled": False}}) as client:
        open_doc(client, URI, "x = \n")
        assert await inline_texts(client, URI, 0, 4, invoked=True) == []
        off = await client.wait_status(lambda s: s["kind"] == "Inactive")
        assert "inline.enabled" in off["message"]
    assert upstream.chat_requests == []


async def test_budget_of_zero_says_so_and_keeps_only_invoked_completions(
        session: Any, upstream: FakeUpstream) -> None:
    async with session(settings={"usage": {"dailyBudget": 0}}) as client:
        open_doc(client, URI, "x = \n")
        assert await inline_texts(client, URI, 0, 4) == []  # automatic: no request
        budget = await client.wait_status(lambda s: s["state"] == "budget")
        shaped_like_copilot(budget)
        assert budget["kind"] == "Warning" and "budget" in budget["message"].lower()
        assert budget["command"]["command"] == "vc.usage"
        assert upstream.chat_requests == []
        upstream.enqueue(OK)
        assert await inline_texts(client, URI, 0, 4, invoked=True) == ["done()"]
    assert len(upstream.chat_requests) == 1


async def test_no_status_when_turned_off(session: Any, upstream: FakeUpstream) -> None:
    upstream.enqueue(Reply.error(401))
    async with session(settings={"status": {"notify": False}}) as client:
        open_doc(client, URI, "x = \n")
        assert await inline_texts(client, URI, 0, 4, invoked=True) == []
        await client.protocol.send_request_async("vc/why", None)  # a round trip after it
        assert client.statuses == []


async def test_progress_on_the_token_the_request_carries(session: Any,
                                                         upstream: FakeUpstream) -> None:
    upstream.enqueue(OK)
    async with session(progress=True) as client:
        open_doc(client, URI, "x = \n")
        token = "client-token-1"
        client.progress_reports[token] = []  # the client created it
        params = inline_params(URI, 0, 4, invoked=True)
        params.work_done_token = token
        result = await client.text_document_inline_completion_async(params)
        assert result and result[0].insert_text == "done()"
        kinds = [type(r) for r in client.progress_reports[token]]
        assert kinds == [types.WorkDoneProgressBegin, types.WorkDoneProgressEnd]


async def test_progress_per_burst_when_asked_for_never_per_keystroke(
        session: Any, upstream: FakeUpstream) -> None:
    async with session(progress=True, settings={"status": {"progress": True}}) as client:
        open_doc(client, URI, "x = \ny = \n")
        await client.wait_status(lambda s: s["state"] == "idle")
        for line in range(2):
            upstream.enqueue(OK)
            assert await inline_texts(client, URI, line, 4, invoked=True) == ["done()"]
            await client.wait_status(lambda s: s["state"] == "idle" and not s["busy"],
                                     after=len(client.statuses) - 1)

        def ended() -> list[Any]:
            return [t for t, reports in client.progress_reports.items()
                    if any(isinstance(r, types.WorkDoneProgressEnd) for r in reports)]

        while len(ended()) < 2:
            await asyncio.wait_for(client.wait_for_notification(types.PROGRESS), SAFETY)
        for token in ended():
            reports = client.progress_reports[token]
            assert isinstance(reports[0], types.WorkDoneProgressBegin)
            assert reports[0].title == "vc-lsp"
    assert len(client.progress_reports) == 2  # one per burst: two requests, two bursts
