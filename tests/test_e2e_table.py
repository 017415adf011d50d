"""The post-processing table, end to end: every case through the real server, both paths.

Each case's raw answer is streamed by the fake upstream (in 4-character chunks, honouring the
``</completion>`` stop sequence as a real server does); the editor must receive exactly the
expected insert, from ``textDocument/inlineCompletion`` and from the completion fallback alike.
"""

from __future__ import annotations

import re
from typing import Any

from lsprotocol import types

from tests.conftest import inline_texts, open_doc
from tests.fakes.upstream import FakeUpstream, Reply
from tests.test_postprocess import CLEAN_CASES, CURSOR, EXTENSIONS

_WORD = re.compile(r"[\w$]*$")


def _cases() -> list[tuple[str, str, str, str, str, str]]:
    out = []
    for i, case in enumerate(CLEAN_CASES):
        language, doc, raw, expected = case.values
        uri = f"file:///table/case{i}.{EXTENSIONS.get(language, 'txt')}"
        out.append((str(case.id), uri, language, doc, raw, expected))
    return out


def _max_lines(client: Any, expected: str) -> None:
    """The table's line-limit case runs with ``inline.maxLines`` 4, as in the unit test."""
    lines = 4 if "print(0)" in expected else 12
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams(
        settings={"vcLsp": {"inline": {"maxLines": lines, "completionBudgetMs": 30000}}}))


def _position(doc: str) -> tuple[str, types.Position]:
    before, after = doc.split(CURSOR)
    line_before = before.rsplit("\n", 1)[-1]
    units = len(line_before.encode("utf-16-le")) // 2
    return before + after, types.Position(line=before.count("\n"), character=units)


async def test_every_table_case_through_inline_completion(lsp, upstream: FakeUpstream) -> None:
    failures: list[Any] = []
    async with lsp() as client:
        for case_id, uri, language, doc, raw, expected in _cases():
            text, pos = _position(doc)
            open_doc(client, uri, text, language=language)
            upstream.enqueue(Reply.text(raw))
            _max_lines(client, expected)
            got = await inline_texts(client, uri, pos.line, pos.character, invoked=True)
            if got != ([expected] if expected else []):
                failures.append((case_id, got, expected))
    assert failures == []


async def test_every_table_case_through_the_completion_fallback(lsp, upstream: FakeUpstream
                                                                ) -> None:
    failures: list[Any] = []
    budget = {"inline": {"completionBudgetMs": 30000}}
    async with lsp(inline=False, settings=budget) as client:
        for case_id, uri, language, doc, raw, expected in _cases():
            text, pos = _position(doc)
            open_doc(client, uri, text, language=language)
            upstream.enqueue(Reply.text(raw))
            _max_lines(client, expected)
            result = await client.text_document_completion_async(types.CompletionParams(
                text_document=types.TextDocumentIdentifier(uri=uri), position=pos))
            assert isinstance(result, types.CompletionList)
            typed = _WORD.search(doc.split(CURSOR)[0].rsplit("\n", 1)[-1])
            want = [typed.group() + expected] if expected and typed else []
            got = [i.text_edit.new_text for i in result.items
                   if isinstance(i.text_edit, types.TextEdit)]
            if got != want:
                failures.append((case_id, got, want))
    assert failures == []
