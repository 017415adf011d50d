"""Inline completion end to end: real server process, real HTTP fake upstream."""

from __future__ import annotations

from tests.conftest import inline_texts, open_doc
from tests.fakes.upstream import FakeUpstream, Reply

URI = "file:///project/app.py"


async def test_inline_returns_cleaned_text(lsp, upstream: FakeUpstream) -> None:
    upstream.enqueue(Reply.text("<completion>return a + b</completion>"))
    async with lsp() as client:
        open_doc(client, URI, "def add(a, b):\n    \n")
        assert await inline_texts(client, URI, 1, 4) == ["return a + b"]
    body = upstream.chat_requests[0].json
    assert body["model"] == "fake-model" and body["stream"] is True
