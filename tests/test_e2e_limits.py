"""Answers that never end: each feature reads at most its budget, hangs up, says so once, and
the total time limit fires even while chunks keep coming."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from tests.conftest import SAFETY, inline_texts, open_doc, wait_message
from tests.editor_client import opener
from tests.fakes.upstream import FakeUpstream, Reply
from tests.test_e2e_actions import LOAD, SOURCE, URI, execute, lines_range

RUNAWAY = ["```python\n", "def load(path):\n", "    return load(path)  # again and again\n"]


@pytest.fixture
def open_editor(upstream: FakeUpstream, tmp_path: Any) -> Any:
    return opener(upstream, tmp_path)


async def test_an_edit_answer_past_its_line_budget_is_hung_up_and_changes_nothing(
        open_editor: Any, upstream: FakeUpstream) -> None:
    upstream.enqueue(Reply.text(chunks=RUNAWAY, endless=True))
    async with open_editor(settings={"actions": {"maxAnswerLines": 40}}) as ed:
        ed.open(URI, SOURCE)
        await execute(ed, "vc.edit", uri=URI, range=lines_range(*LOAD), instruction="x")
        [request] = await upstream.wait_for_requests(1)
        await asyncio.wait_for(request.hung_up.wait(), SAFETY)
        message = await ed.wait_message("maxAnswerLines")
        await ed.wait_progress_end()
        assert ed.text(URI) == SOURCE  # nothing of a runaway answer stays in the file
        assert len([m for m in ed.client.messages if "maxAnswerLines" in m.message]) == 1
        assert "(40)" in message.message
    assert not request.completed


async def test_a_completion_past_its_character_budget_is_hung_up(
        lsp: Any, upstream: FakeUpstream) -> None:
    upstream.enqueue(Reply.text(chunks=["<completion>total = ", "x + " * 50], endless=True))
    async with lsp(settings={"inline": {"maxAnswerChars": 300}}) as client:
        open_doc(client, URI, "def f(x):\n    \n")
        items = await inline_texts(client, URI, 1, 4, invoked=True)
        assert all(len(item) <= 300 for item in items)  # (this runaway line is dropped)
        [request] = upstream.chat_requests
        await asyncio.wait_for(request.hung_up.wait(), SAFETY)
        await wait_message(client, "maxAnswerChars")


async def test_the_total_time_limit_fires_while_chunks_keep_coming(
        open_editor: Any, upstream: FakeUpstream) -> None:
    upstream.enqueue(Reply.text(chunks=RUNAWAY, endless=True))  # as fast as it can
    settings = {"timeouts": {"totalMs": 400},
                "actions": {"maxAnswerLines": 10**9, "maxAnswerChars": 10**9}}
    async with open_editor(settings=settings) as ed:
        ed.open(URI, SOURCE)
        await execute(ed, "vc.edit", uri=URI, range=lines_range(*LOAD), instruction="x")
        [request] = await upstream.wait_for_requests(1)
        await asyncio.wait_for(request.hung_up.wait(), SAFETY)
        message = await ed.wait_message("timeouts.totalMs")
        await ed.wait_progress_end()
        assert ed.text(URI) == SOURCE
        assert "failed" in message.message
