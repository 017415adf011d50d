"""The post-processing table, end to end: every case through the real server, both paths.

Each case's raw answer is streamed by the fake upstream (in 4-character chunks, honouring the
``</completion>`` stop sequence as a real server does); the editor must receive exactly the
expected insert, from ``textDocument/inlineCompletion`` and from the completion fallback alike
(each fallback item also applied the way Helix applies it).
"""

from __future__ import annotations

import re
from typing import Any

from lsprotocol import types

from tests.cleanup_cases import CURSOR, EXTENSIONS, all_cases
from tests.conftest import inline_texts, open_doc
from tests.fakes.upstream import FakeUpstream, Reply
from tests.helix_apply import apply as helix_apply

_WORD = re.compile(r"[\w$]*$")


def _cases() -> list[tuple[str, str, str, str, str, str, int]]:
    out = []
    for i, case in enumerate(all_cases()):
        uri = f"file:///table/case{i}.{EXTENSIONS.get(case.language, 'txt')}"
        out.append((case.id, uri, case.language, case.doc, case.raw, case.expected,
                    case.max_lines))
    return out


def _max_lines(client: Any, lines: int, current: list[int]) -> None:
    """Each case runs with its own ``inline.maxLines``, as in the unit test."""
    if current and current[0] == lines:
        return
    current[:] = [lines]
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams(
        settings={"vcLsp": {"inline": {"maxLines": lines, "completionBudgetMs": 30000}}}))


def _position(doc: str) -> tuple[str, types.Position]:
    before, after = doc.split(CURSOR)
    line_before = before.rsplit("\n", 1)[-1]
    units = len(line_before.encode("utf-16-le")) // 2
    return before + after, types.Position(line=before.count("\n"), character=units)


async def test_every_table_case_through_inline_completion(lsp, upstream: FakeUpstream) -> None:
    failures: list[Any] = []
    current: list[int] = []
    async with lsp() as client:
        for case_id, uri, language, doc, raw, expected, lines in _cases():
            text, pos = _position(doc)
            open_doc(client, uri, text, language=language)
            upstream.enqueue(Reply.text(raw))
            _max_lines(client, lines, current)
            got = await inline_texts(client, uri, pos.line, pos.character, invoked=True)
            if got != ([expected] if expected else []):
                failures.append((case_id, got, expected))
    assert failures == []


async def test_every_table_case_through_the_completion_fallback(lsp, upstream: FakeUpstream
                                                                ) -> None:
    failures: list[Any] = []
    current: list[int] = []
    budget = {"inline": {"completionBudgetMs": 30000}}
    async with lsp(inline=False, settings=budget) as client:
        for case_id, uri, language, doc, raw, expected, lines in _cases():
            text, pos = _position(doc)
            open_doc(client, uri, text, language=language)
            upstream.enqueue(Reply.text(raw))
            _max_lines(client, lines, current)
            result = await client.text_document_completion_async(types.CompletionParams(
                text_document=types.TextDocumentIdentifier(uri=uri), position=pos))
            assert isinstance(result, types.CompletionList)
            typed = _WORD.search(doc.split(CURSOR)[0].rsplit("\n", 1)[-1])
            want = [typed.group() + expected] if expected and typed else []
            got = [i.text_edit.new_text for i in result.items
                   if isinstance(i.text_edit, types.TextEdit)]
            before, after = doc.split(CURSOR)
            applied = [helix_apply(text, i) for i in result.items]  # as Helix accepts it
            if got != want or applied != [before + expected + after for _ in want]:
                failures.append((case_id, got, want))
    assert failures == []
