"""Positions with CJK and emoji, in every encoding a client may negotiate."""

from __future__ import annotations

import pytest
from lsprotocol import types

from tests.conftest import change, inline_texts, open_doc
from tests.fakes.upstream import FakeUpstream, Reply
from tests.prompts import as_sent

URI = "file:///project/名前.py"
HOLE = "<FILL_HERE>"


def units(text: str, encoding: str) -> int:
    if encoding == "utf-8":
        return len(text.encode("utf-8"))
    if encoding == "utf-16":
        return len(text.encode("utf-16-le")) // 2
    return len(text)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16", "utf-32"])
async def test_cursor_after_cjk_and_emoji(lsp, upstream: FakeUpstream, encoding: str) -> None:
    line = 'greeting = "你好😀, 世界🎉" + '
    upstream.enqueue(Reply.text("<completion>name</completion>"))
    async with lsp(encoding=encoding) as client:
        open_doc(client, URI, f"# 注释 🚀\n{line}\nprint(greeting)\n")
        assert await inline_texts(client, URI, 1, units(line, encoding)) == ["name"]
    assert f"{line}{HOLE}\nprint(greeting)" in as_sent(upstream.chat_requests[0].json)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16"])
async def test_mid_line_cursor_between_emoji(lsp, upstream: FakeUpstream, encoding: str) -> None:
    before, after = 'items = ["🍎", ', '"🍐"]'
    upstream.enqueue(Reply.text('<completion>"🍌", </completion>'))
    async with lsp(encoding=encoding) as client:
        open_doc(client, URI, f"{before}{after}\n")
        assert await inline_texts(client, URI, 0, units(before, encoding)) == ['"🍌", ']
    assert f"{before}{HOLE}{after}" in upstream.chat_requests[0].json["messages"][-1]["content"]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16"])
async def test_incremental_edits_with_emoji(lsp, upstream: FakeUpstream, encoding: str) -> None:
    upstream.enqueue(Reply.text("<completion> + 1</completion>"))
    async with lsp(encoding=encoding) as client:
        open_doc(client, URI, "x = '你好'\n")
        change(client, URI, 1, 0, units("x = '你好", encoding), "😀")
        end = units("x = '你好😀'", encoding)
        assert await inline_texts(client, URI, 0, end) == [" + 1"]
    assert f"x = '你好😀'{HOLE}" in upstream.chat_requests[0].json["messages"][-1]["content"]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16"])
async def test_completion_fallback_range_in_client_units(lsp, upstream: FakeUpstream,
                                                         encoding: str) -> None:
    before = "msg = '你好😀'.up"
    upstream.enqueue(Reply.text("<completion>per()</completion>"))
    async with lsp(inline=False, encoding=encoding) as client:
        open_doc(client, URI, f"{before}\n")
        result = await client.text_document_completion_async(types.CompletionParams(
            text_document=types.TextDocumentIdentifier(uri=URI),
            position=types.Position(line=0, character=units(before, encoding))))
    assert isinstance(result, types.CompletionList)
    [item] = result.items
    assert isinstance(item.text_edit, types.TextEdit)
    assert item.text_edit.new_text == "upper()"
    assert item.filter_text == "upper()"
    assert item.text_edit.range == types.Range(
        start=types.Position(line=0, character=units("msg = '你好😀'.", encoding)),
        end=types.Position(line=0, character=units(before, encoding)))


@pytest.mark.parametrize("other", ["\f", "\x0b", "\x85", "\u2028", "\u2029"])
async def test_characters_that_are_not_lsp_line_breaks_keep_the_hole_on_its_line(
        lsp, upstream: FakeUpstream, other: str) -> None:
    """LSP breaks lines only at \\n, \\r\\n and \\r: a form feed or U+2028 above the cursor
    must not move the hole a line down."""
    upstream.enqueue(Reply.text("<completion>total</completion>"))
    async with lsp() as client:
        open_doc(client, URI, f"# page one{other}page two\nvalue = \nprint(value)\n")
        change(client, URI, 1, 1, 8, "1 + ")
        assert await inline_texts(client, URI, 1, 12) == ["total"]
    sent = as_sent(upstream.chat_requests[0].json)
    assert sent == f"# page one{other}page two\nvalue = 1 + {HOLE}\nprint(value)\n"


async def test_a_cr_only_document(lsp, upstream: FakeUpstream) -> None:
    upstream.enqueue(Reply.text("<completion>2</completion>"))
    async with lsp() as client:
        open_doc(client, URI, "a = 1\rb = \rprint(b)\r")
        assert await inline_texts(client, URI, 1, 4) == ["2"]
    assert f"b = {HOLE}\rprint(b)" in as_sent(upstream.chat_requests[0].json)
