"""Typing-aware requests end to end: what the user types decides what the model is asked.

A stream the user types along keeps going (one request, the rest of its answer); the completion
fallback tells a client asking on every keystroke from a user asking once; the adaptive
debounce is measured in ``bench/typing_costs.py``, its rules in ``tests/test_rhythm.py``.
"""

from __future__ import annotations

import asyncio
from typing import Any

from lsprotocol import types

from tests.conftest import SAFETY, change, inline_texts, open_doc
from tests.fakes.upstream import FakeUpstream, Reply

URI = "file:///project/app.py"
ANSWER = "compute_total(items)"


async def stats(client: Any) -> Any:
    return await asyncio.wait_for(client.protocol.send_request_async("vc/stats", {}), SAFETY)


def _get(obj: Any, key: str) -> Any:
    return obj[key] if isinstance(obj, dict) else getattr(obj, key)


async def written(client: Any, uri: str, chars: int) -> None:
    """Until the server has read ``chars`` characters of the running stream for ``uri``."""
    async def poll() -> None:
        while True:  # each round is a request to the server, not a sleep
            streaming = _get(_get(await stats(client), "inline"), "streaming")
            if any(_get(s, "uri") == uri and _get(s, "chars") >= chars for s in streaming):
                return
    await asyncio.wait_for(poll(), SAFETY)


async def test_typing_what_the_stream_already_wrote_keeps_it(lsp, upstream: FakeUpstream) -> None:
    resume = asyncio.Event()
    head = "<completion>compute_"
    upstream.enqueue(Reply.text(chunks=[head, "total(items)</completion>"], pause_after=2,
                                resume=resume))
    async with lsp() as client:
        open_doc(client, URI, "x = \n")
        first = asyncio.ensure_future(inline_texts(client, URI, 0, 4, invoked=True))
        [request] = await upstream.wait_for_requests(1)
        await written(client, URI, len(head))
        for i, ch in enumerate("comp"):  # four keystrokes the stream has already written
            change(client, URI, i + 1, 0, 4 + i, ch)
        later = asyncio.ensure_future(inline_texts(client, URI, 0, 8))
        await stats(client)  # answered in order: the keystrokes and the request are in
        resume.set()
        assert await asyncio.wait_for(later, SAFETY) == [ANSWER[4:]]
        assert await first == []  # asked at the old cursor: never shown there
        answered = _get(_get(await stats(client), "inline"), "answered")
    assert len(upstream.chat_requests) == 1 and request.completed and not request.hung_up_at
    assert _get(answered, "typedAlong") == 1


async def test_typing_something_else_stops_the_stream(lsp, upstream: FakeUpstream) -> None:
    resume = asyncio.Event()
    head = "<completion>compute_"
    upstream.enqueue(Reply.text(chunks=[head, "total(items)</completion>"], pause_after=2,
                                resume=resume),
                     Reply.text("<completion>unt</completion>"))
    async with lsp() as client:
        open_doc(client, URI, "x = \n")
        first = asyncio.ensure_future(inline_texts(client, URI, 0, 4, invoked=True))
        [request] = await upstream.wait_for_requests(1)
        await written(client, URI, len(head))
        change(client, URI, 1, 0, 4, "c")
        change(client, URI, 2, 0, 5, "o")
        change(client, URI, 3, 0, 6, "u")  # "cou": not what the model wrote
        await asyncio.wait_for(request.hung_up.wait(), SAFETY)
        assert await first == []
        assert await inline_texts(client, URI, 0, 7, invoked=True) == ["unt"]
    assert len(upstream.chat_requests) == 2


def completion_params(line: int, character: int, *, again: bool = False
                      ) -> types.CompletionParams:
    kind = (types.CompletionTriggerKind.TriggerForIncompleteCompletions if again
            else types.CompletionTriggerKind.Invoked)
    return types.CompletionParams(text_document=types.TextDocumentIdentifier(uri=URI),
                                  position=types.Position(line=line, character=character),
                                  context=types.CompletionContext(trigger_kind=kind))


def labels(result: Any) -> list[str]:
    assert isinstance(result, types.CompletionList)
    return [item.text_edit.new_text for item in result.items
            if isinstance(item.text_edit, types.TextEdit)]


async def test_a_client_asking_on_every_keystroke_costs_one_request(
        lsp, upstream: FakeUpstream) -> None:
    """Zed and Sublime send an "invoked" completion after each key: that is typing."""
    upstream.default = Reply.text("<completion> = 0</completion>")
    word = "running_sum_of_items"
    settings = {"inline": {"debounceMs": 250, "completionBudgetMs": 10_000}}
    async with lsp(inline=False, settings=settings) as client:
        open_doc(client, URI, "\n")
        pending = []
        for i, ch in enumerate(word):
            change(client, URI, i + 1, 0, i, ch)
            pending.append(asyncio.ensure_future(
                client.text_document_completion_async(completion_params(0, i + 1))))
        results = [labels(r) for r in await asyncio.gather(*pending)]
    assert len(upstream.chat_requests) <= 2
    assert all(r == [] for r in results[:-1])
    assert results[-1] == [word + " = 0"]


async def test_a_request_after_a_pause_is_not_debounced(lsp, upstream: FakeUpstream) -> None:
    """The user asked (Helix's C-x, eglot's C-M-i): no keystrokes before it, no waiting. With a
    debounce longer than the completion budget, a waiting request would answer empty."""
    upstream.default = Reply.text("<completion>total = 0</completion>")
    settings = {"inline": {"debounceMs": 5_000, "completionBudgetMs": 3_000}}
    async with lsp(inline=False, settings=settings) as client:
        open_doc(client, URI, "\n")
        assert labels(await client.text_document_completion_async(
            completion_params(0, 0))) == ["total = 0"]
        change(client, URI, 1, 0, 0, "t")  # one edit is not a rhythm: still asked for
        assert labels(await client.text_document_completion_async(
            completion_params(0, 1))) == ["total = 0"]


async def test_asked_again_for_an_incomplete_list_is_typing(lsp, upstream: FakeUpstream) -> None:
    upstream.default = Reply.text("<completion>total = 0</completion>")
    settings = {"inline": {"debounceMs": 5_000, "completionBudgetMs": 300}}
    async with lsp(inline=False, settings=settings) as client:
        open_doc(client, URI, "\n")
        result = await client.text_document_completion_async(completion_params(0, 0, again=True))
        assert labels(result) == [] and result.is_incomplete  # still waiting for a pause
    assert upstream.chat_requests == []
