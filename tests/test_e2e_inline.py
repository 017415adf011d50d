"""Inline completion end to end: real server process, real HTTP fake upstream."""

from __future__ import annotations

import asyncio

import pytest
from lsprotocol import types

from tests.conftest import SAFETY, change, inline_params, inline_texts, open_doc, wait_message
from tests.fakes.upstream import FakeUpstream, Reply

URI = "file:///project/app.py"


async def test_inline_returns_cleaned_text(lsp, upstream: FakeUpstream) -> None:
    upstream.enqueue(Reply.text("```python\nreturn a + b\n```"))
    async with lsp() as client:
        open_doc(client, URI, "def add(a, b):\n    \n")
        assert await inline_texts(client, URI, 1, 4) == ["return a + b"]
    body = upstream.chat_requests[0].json
    assert body["model"] == "fake-model" and body["stream"] is True
    assert "<FILL_HERE>" in body["messages"][-1]["content"]


async def test_did_change_hangs_up_upstream_and_answers_empty(lsp, upstream: FakeUpstream) -> None:
    upstream.enqueue(Reply.text("compute(", endless=True, delay=0.05))
    async with lsp() as client:
        open_doc(client, URI, "x = \n")
        pending = asyncio.ensure_future(inline_texts(client, URI, 0, 4, invoked=True))
        [req] = await upstream.wait_for_requests(1)
        change(client, URI, 1, 0, 4, "1")
        await asyncio.wait_for(req.hung_up.wait(), SAFETY)
        assert await pending == []
        assert not req.completed


async def test_cancel_request_closes_the_upstream_stream(lsp, upstream: FakeUpstream) -> None:
    upstream.enqueue(Reply.text("compute(", endless=True, delay=0.05))
    async with lsp() as client:
        open_doc(client, URI, "x = \n")
        future = client.protocol.send_request(
            types.TEXT_DOCUMENT_INLINE_COMPLETION, inline_params(URI, 0, 4, invoked=True),
            msg_id="inline-1")
        [req] = await upstream.wait_for_requests(1)
        client.cancel_request(types.CancelParams(id="inline-1"))
        await asyncio.wait_for(req.hung_up.wait(), SAFETY)
        with pytest.raises(Exception, match="cancel"):
            await asyncio.wrap_future(future)


async def test_new_request_supersedes_the_previous(lsp, upstream: FakeUpstream) -> None:
    upstream.enqueue(Reply.text("slow(", endless=True, delay=0.05),
                     Reply.text("<completion>fast()</completion>"))
    async with lsp() as client:
        open_doc(client, URI, "x = \ny = \n")
        first = asyncio.ensure_future(inline_texts(client, URI, 0, 4, invoked=True))
        [old] = await upstream.wait_for_requests(1)
        assert await inline_texts(client, URI, 1, 4, invoked=True) == ["fast()"]
        await asyncio.wait_for(old.hung_up.wait(), SAFETY)
        assert await first == []


async def test_keystroke_burst_makes_at_most_two_requests(lsp, upstream: FakeUpstream) -> None:
    upstream.default = Reply.text("<completion>_total = 0</completion>")
    word = "running_sum_of_items"
    async with lsp(settings={"inline": {"debounceMs": 250}}) as client:
        open_doc(client, URI, "\n")
        pending = []
        for i, ch in enumerate(word):
            change(client, URI, i + 1, 0, i, ch)
            pending.append(asyncio.ensure_future(inline_texts(client, URI, 0, i + 1)))
        results = await asyncio.gather(*pending)
    assert len(upstream.chat_requests) <= 2
    assert all(r == [] for r in results[:-1])  # superseded requests never show stale text
    assert results[-1] == ["_total = 0"]
    assert f"{word}<FILL_HERE>" in upstream.chat_requests[-1].json["messages"][-1]["content"]


async def test_typing_along_a_suggestion_is_free(lsp, upstream: FakeUpstream) -> None:
    upstream.enqueue(Reply.text("<completion>compute_total(items)</completion>"))
    async with lsp() as client:
        open_doc(client, URI, "x = \n")
        assert await inline_texts(client, URI, 0, 4) == ["compute_total(items)"]
        for i, ch in enumerate("compu"):
            change(client, URI, i + 1, 0, 4 + i, ch)
            rest = "compute_total(items)"[i + 1:]
            assert await inline_texts(client, URI, 0, 5 + i) == [rest]
        change(client, URI, 6, 0, 9, "X")  # diverges from the suggestion: ask the model again
        upstream.enqueue(Reply.text("<completion>_more</completion>"))
        assert await inline_texts(client, URI, 0, 10) == ["_more"]
    assert len(upstream.chat_requests) == 2


async def test_single_line_answers_at_first_newline(lsp, upstream: FakeUpstream) -> None:
    upstream.enqueue(Reply.text("", chunks=["<completion>fo", "o(1", ")\n", "bar(2)\n"],
                                endless=True, delay=0.05))
    async with lsp() as client:
        open_doc(client, URI, "x = \n")
        assert await inline_texts(client, URI, 0, 4, invoked=True) == ["foo(1)"]
        [req] = upstream.chat_requests
        await asyncio.wait_for(req.hung_up.wait(), SAFETY)
        assert not req.completed


async def test_n_three_gives_distinct_items(lsp, upstream: FakeUpstream) -> None:
    upstream.enqueue(Reply.choices(["<completion>alpha()</completion>",
                                    "<completion>beta()</completion>",
                                    "<completion>alpha()</completion>"]))
    async with lsp(settings={"inline": {"n": 3}}) as client:
        open_doc(client, URI, "x = \n")
        assert await inline_texts(client, URI, 0, 4) == ["alpha()", "beta()"]
    assert upstream.chat_requests[0].json["n"] == 3


async def test_reasoning_is_never_inserted(lsp, upstream: FakeUpstream) -> None:
    upstream.enqueue(Reply.text("<think>the user wants a sum</think><completion>sum(xs)"
                                "</completion>", reasoning=["Let me think", " about it"]))
    async with lsp() as client:
        open_doc(client, URI, "total = \n")
        assert await inline_texts(client, URI, 0, 8) == ["sum(xs)"]


async def test_unknown_document_and_bad_position_answer_empty(lsp, upstream: FakeUpstream) -> None:
    async with lsp() as client:
        assert await inline_texts(client, "file:///nowhere.py", 0, 0) == []
        open_doc(client, URI, "x = \n")
        assert await inline_texts(client, URI, 7, 0) == []
        assert await inline_texts(client, URI, 0, 99) == []
        upstream.enqueue(Reply.text("<completion>1</completion>"))
        assert await inline_texts(client, URI, 0, 4) == ["1"]  # still serving
    assert len(upstream.chat_requests) == 1


async def test_disabled_inline_makes_no_request(lsp, upstream: FakeUpstream) -> None:
    async with lsp(settings={"inline": {"enabled": False}}) as client:
        open_doc(client, URI, "x = \n")
        assert await inline_texts(client, URI, 0, 4) == []
    assert upstream.chat_requests == []


async def test_invalid_setting_is_reported_and_default_used(lsp, upstream: FakeUpstream) -> None:
    upstream.enqueue(Reply.text("<completion>1</completion>"))
    async with lsp(settings={"inline": {"debounceMs": "fast"}}) as client:
        message = await wait_message(client, "inline.debounceMs")
        assert "default" in message.message
        open_doc(client, URI, "x = \n")
        assert await inline_texts(client, URI, 0, 4, invoked=True) == ["1"]
