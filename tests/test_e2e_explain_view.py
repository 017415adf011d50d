"""Explanations in a client's own view (``vc/explanation``), end to end: the real server, the
fake upstream and an editor that declares ``vcLspClient.explanation`` as vc-lsp.el and
vc-lsp.vim do (Eglot 1.9, lsp-mode 8 and ALE have no ``window/showDocument``)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from tests.conftest import SAFETY
from tests.editor_client import opener
from tests.fakes.upstream import FakeUpstream, Reply
from tests.test_e2e_actions import EXPLANATION, LOAD, SOURCE, URI, execute, lines_range
from vc_lsp.config import section_of


@pytest.fixture
def open_editor(upstream: FakeUpstream, tmp_path: Any) -> Any:
    return opener(upstream, tmp_path)


@pytest.mark.parametrize("show_document", [False, True])
async def test_the_explanation_streams_into_the_view(open_editor: Any, upstream: FakeUpstream,
                                                     show_document: bool) -> None:
    """The view opens at once, then shows the text so far at each update, the whole text at
    the end; no message, no document: the client's own view wins over showDocument."""
    upstream.enqueue(Reply.lines(EXPLANATION))
    async with open_editor(explanation_view=True, show_document=show_document) as ed:
        ed.open(URI, SOURCE)
        await execute(ed, "vc.explain", uri=URI, range=lines_range(*LOAD))
        last = await ed.wait_explanation(lambda e: e["done"])
        await ed.wait_progress_end()
        updates = ed.explanations
        assert updates[0]["text"] == "" and not updates[0]["done"]
        assert last is updates[-1]
        assert last == {"id": updates[0]["id"], "uri": URI, "title": "app.py, lines 4-8",
                        "text": EXPLANATION, "done": True, "stopped": None}
        assert all(u["id"] == last["id"] and u["id"].startswith("vc-lsp:explanation/")
                   for u in updates)
        texts = [u["text"] for u in updates]
        assert len([t for t in texts if t]) > 1, "it should fill in while the model writes"
        assert all(EXPLANATION.startswith(t) for t in texts)
        assert not ed.shown and not ed.received
        assert not [m for m in ed.client.messages if "JSON" in m.message]


async def test_closing_the_view_stops_that_explanation_only(open_editor: Any,
                                                            upstream: FakeUpstream) -> None:
    """``vc.cancel`` with the view's id (sent when its view is closed) hangs up that
    explanation; another one in the same file streams on."""
    upstream.enqueue(Reply.text(chunks=["It loops.\n"], endless=True, delay=0.02),
                     Reply.lines(EXPLANATION, delay=0.2))
    async with open_editor(explanation_view=True) as ed:
        ed.open(URI, SOURCE)
        await execute(ed, "vc.explain", uri=URI, range=lines_range(*LOAD))
        [endless] = await upstream.wait_for_requests(1)
        first = await ed.wait_explanation(lambda e: "loops" in e["text"])
        await execute(ed, "vc.explain", uri=URI, range=lines_range(0, 1))
        [_, other] = await upstream.wait_for_requests(2)
        await execute(ed, "vc.cancel", uri=first["id"])
        await asyncio.wait_for(endless.hung_up.wait(), SAFETY)
        stopped = await ed.wait_explanation(lambda e: e["id"] == first["id"] and e["done"])
        assert stopped["stopped"] == "cancelled" and stopped["text"].startswith("It loops.")
        second = await ed.wait_explanation(lambda e: e["id"] != first["id"] and e["done"])
        assert second["text"] == EXPLANATION and second["stopped"] is None
        assert not other.hung_up.is_set()


async def test_a_failure_ends_the_view_with_the_reason(open_editor: Any,
                                                       upstream: FakeUpstream) -> None:
    upstream.enqueue(Reply.error(500, "the model crashed"))
    async with open_editor(explanation_view=True) as ed:
        ed.open(URI, SOURCE)
        await execute(ed, "vc.explain", uri=URI, range=lines_range(*LOAD))
        last = await ed.wait_explanation(lambda e: e["done"])
        assert last["text"] == "" and "HTTP 500" in last["stopped"]
        message = await ed.wait_message("stopped")
        assert "\n" not in message.message and len(message.message) <= 80


def test_the_client_section_is_not_a_setting() -> None:
    """A bare settings object next to ``vcLspClient`` keeps it out of the settings (an
    unknown key would be reported as a misspelt setting)."""
    assert section_of({"model": "m", "vcLspClient": {"explanation": True}}) == {"model": "m"}
    assert section_of({"vcLsp": {"model": "m"}, "vcLspClient": {}}) == {"model": "m"}
