"""The ``textDocument/completion`` fallback for clients without inline completion."""

from __future__ import annotations

from lsprotocol import types

from tests.conftest import open_doc
from tests.fakes.upstream import FakeUpstream, Reply

URI = "file:///project/main.go"


def params(line: int, character: int) -> types.CompletionParams:
    return types.CompletionParams(text_document=types.TextDocumentIdentifier(uri=URI),
                                  position=types.Position(line=line, character=character))


async def test_fallback_offered_only_without_inline_support(lsp) -> None:
    async with lsp(inline=True) as client:
        caps = client.init_result.capabilities
        assert caps.inline_completion_provider is not None
        assert caps.completion_provider is None
    async with lsp(inline=False) as client:
        assert client.init_result.capabilities.completion_provider is not None


async def test_fallback_item_inserts_cleaned_multiline_text(lsp, upstream: FakeUpstream) -> None:
    upstream.enqueue(Reply.text("<completion>\n\treturn a + b\n}</completion>"))
    async with lsp(inline=False) as client:
        open_doc(client, URI, "func add(a, b int) int {\n\n", language="go")
        result = await client.text_document_completion_async(params(0, 24))
    assert isinstance(result, types.CompletionList) and result.is_incomplete
    [item] = result.items
    assert isinstance(item.text_edit, types.TextEdit)
    assert item.text_edit.new_text == "\n\treturn a + b\n}"
    assert item.insert_text_mode == types.InsertTextMode.AsIs


async def test_slow_model_answers_empty_then_from_cache(lsp, upstream: FakeUpstream) -> None:
    """Helix waits for every server: a slow model must not hold up the menu."""
    upstream.enqueue(Reply.text("<completion>Println(x)</completion>", first_delay=1.0))
    async with lsp(inline=False, settings={"inline": {"completionBudgetMs": 10}}) as client:
        open_doc(client, URI, "fmt.\n", language="go")
        first = await client.text_document_completion_async(params(0, 4))
        assert isinstance(first, types.CompletionList) and not first.items
        [req] = await upstream.wait_for_requests(1)
        await req.done.wait()
        second = await client.text_document_completion_async(params(0, 4))
    assert isinstance(second, types.CompletionList)
    assert [i.text_edit.new_text for i in second.items if i.text_edit] == ["Println(x)"]
    assert len(upstream.chat_requests) == 1
