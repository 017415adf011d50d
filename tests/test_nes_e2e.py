"""Next-edit suggestions end to end: the real server, the fake upstream, an editor's typing.

Typing after a suggestion rebases it without a new request, or drops it once it no longer
applies; a rejected (typed over or dismissed) suggestion is not offered again for that text; a
keystroke hangs up a prediction in flight; every edit names the document's version; the
prediction starts by itself after a pause, and only then; the setting turns it all off.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from lsprotocol import types

from tests.conftest import SAFETY
from tests.fakes.upstream import FakeUpstream, Reply
from tests.nes_cases import PY_AREA, E
from tests.nes_client import Doc, Session, session

URI = "file:///nes/area.py"
RENAMED = E(0, "def area(", "w", "width").apply(PY_AREA)
PREDICTED = RENAMED.replace("if w ", "if width ").replace('"w must', '"width must') \
    .replace("return w ", "return width ")


def fenced(text: str) -> Reply:
    return Reply.text(f"```python\n{text}```\n")


async def renamed(s: Session, answer: str = PREDICTED, uri: str = URI) -> tuple[Doc, int]:
    """The user renames ``w`` to ``width`` in the signature; the model will answer ``answer``."""
    s.replies[Path(uri).name] = fenced(answer)
    doc = s.open(uri, PY_AREA, "python")
    start = PY_AREA.index("w")
    s.replace(doc, start, start + 1, "width")
    return doc, start + len("width")


def spans(doc: Doc, edits: list[dict]) -> list[tuple[int, int, str]]:
    out = []
    for e in edits:
        rng = types.Range(types.Position(**e["range"]["start"]),
                          types.Position(**e["range"]["end"]))
        out.append((doc.text.offset(rng.start), doc.text.offset(rng.end), e["text"]))
    return out


async def test_typing_elsewhere_rebases_the_suggestion_without_a_request(
        upstream: FakeUpstream, tmp_path: Path) -> None:
    async with session(upstream, tmp_path) as s:
        doc, cursor = await renamed(s)
        first = spans(doc, await s.inline_edit(doc, cursor))
        assert len(upstream.chat_requests) == 1
        # A comment typed at the top of the file, key by key: every edit moves down.
        s.type(doc, 0, "# area\n")
        edits = await s.inline_edit(doc, cursor + 7)
        assert [e["textDocument"]["version"] for e in edits] == [doc.version]
        assert spans(doc, edits) == [(a + 7, b + 7, t) for a, b, t in first]
        # Applying what is offered, each time, reaches the model's text: one request in all.
        for _ in range(3):
            (edit,) = await s.inline_edit(doc, cursor)
            rng = types.Range(types.Position(**edit["range"]["start"]),
                              types.Position(**edit["range"]["end"]))
            s.apply_range(doc, rng, edit["text"])
        assert doc.text.text == "# area\n" + PREDICTED
        assert len(upstream.chat_requests) == 1


async def test_typing_part_of_the_suggestion_offers_the_rest(upstream: FakeUpstream,
                                                             tmp_path: Path) -> None:
    async with session(upstream, tmp_path) as s:
        doc, cursor = await renamed(s)
        [(start, end, text)] = spans(doc, await s.inline_edit(doc, cursor))
        at = RENAMED.index("w <=") + 1
        assert (start, end, text) == (at, at, "idth")
        at = s.type(doc, start, "id")  # the user types the first two letters themselves
        assert spans(doc, await s.inline_edit(doc, at)) == [(at, at, "th")]
        s.type(doc, at, "th")  # ... and the rest: that edit is done, the next one is offered
        [(start2, _, text2)] = spans(doc, await s.inline_edit(doc, at + 2))
        assert text2 == "idth" and doc.text.text[:start2].endswith('ValueError("w')
        assert len(upstream.chat_requests) == 1


async def test_a_suggestion_that_no_longer_applies_is_dropped(upstream: FakeUpstream,
                                                              tmp_path: Path) -> None:
    async with session(upstream, tmp_path) as s:
        doc, cursor = await renamed(s)
        assert await s.inline_edit(doc, cursor)
        # The user deletes the lines the edits were for: nothing of that suggestion is left.
        body = doc.text.text.index("    if w")
        s.replace(doc, body, len(doc.text.text), "    return 0\n")
        s.replies[Path(URI).name] = fenced(doc.text.text)  # the model now sees nothing to do
        assert await s.inline_edit(doc, len(doc.text.text)) == []
        assert len(upstream.chat_requests) == 2  # the old answer was not reused
        assert "return 0" in upstream.chat_requests[-1].json["messages"][-1]["content"]


async def test_a_suggestion_typed_over_is_not_offered_again_for_that_text(
        upstream: FakeUpstream, tmp_path: Path) -> None:
    async with session(upstream, tmp_path) as s:
        doc, cursor = await renamed(s)
        [(start, _, text)] = spans(doc, await s.inline_edit(doc, cursor))
        assert text == "idth"
        s.type(doc, start, "x")  # something else where the edit was: rejected
        s.replace(doc, start, start + 1, "")  # and taken back: the text is as it was
        edits = spans(doc, await s.inline_edit(doc, cursor))
        assert len(upstream.chat_requests) == 2  # a new prediction for the new edits ...
        # ... whose answer holds the same edit again: it is not offered, the others are.
        assert (start, start, "idth") not in edits and len(edits) == 1


async def test_a_dismissed_suggestion_is_not_offered_again(upstream: FakeUpstream,
                                                           tmp_path: Path) -> None:
    async with session(upstream, tmp_path) as s:
        doc, cursor = await renamed(s)
        (edit,) = await s.inline_edit(doc, cursor)
        s.client.protocol.notify("textDocument/didShowInlineEdit",
                                 {"item": {"command": edit["command"]}})
        await s.execute("vc.nes.reject", edit["command"]["arguments"])
        assert await s.inline_edit(doc, cursor, automatic=True) == []
        assert len(upstream.chat_requests) == 1  # dismissed: no new request for this text
        # The user edits elsewhere; the model answers the same edits: none is offered again.
        s.type(doc, len(doc.text.text), "# end\n")
        s.replies[Path(URI).name] = fenced(PREDICTED + "# end\n")
        assert await s.inline_edit(doc, len(doc.text.text)) == []
        assert len(upstream.chat_requests) == 2


async def test_a_keystroke_hangs_up_the_prediction_in_flight(upstream: FakeUpstream,
                                                             tmp_path: Path) -> None:
    async with session(upstream, tmp_path) as s:
        doc, cursor = await renamed(s)
        s.replies[Path(URI).name] = Reply.text(chunks=["```python\n", "def area("],
                                               endless=True, delay=0.05)
        asking = asyncio.ensure_future(s.inline_edit(doc, cursor))
        [request] = await upstream.wait_for_requests(1)
        await asyncio.wait_for(request.streaming.wait(), SAFETY)
        s.type(doc, cursor, "_")
        await asyncio.wait_for(request.hung_up.wait(), SAFETY)
        assert await asyncio.wait_for(asking, SAFETY) == []  # never a stale answer
        assert not request.completed


async def test_the_prediction_starts_after_a_pause_by_itself_once_the_editor_asked(
        upstream: FakeUpstream, tmp_path: Path) -> None:
    async with session(upstream, tmp_path, {"nes": {"debounceMs": 50, "regionLines": 400,
                                                    "waitMs": 20000}}) as s:
        other = s.open("file:///nes/other.py", "x = 1\n", "python")
        s.type(other, 0, "y = 2\n")  # an edit before the editor showed it wants predictions
        assert await s.code_actions(other, 0, automatic=True) == []  # a light bulb: no interest
        assert await s.code_actions(other, 0) == []  # the user opens the menu: interest
        assert len(upstream.chat_requests) == 1  # ... and the edit made is predicted now
        doc, cursor = await renamed(s)
        [_, request] = await upstream.wait_for_requests(2)  # no editor request was sent
        assert "def area(width, h):" in request.json["messages"][-1]["content"]
        actions = await s.code_actions(doc, cursor)
        assert [a.title for a in actions] == [
            "Apply suggested edit (line 2)", "Apply suggested edit (line 3)",
            "Apply suggested edit (line 4)", "Apply all 3 suggested edits"]
        assert len(upstream.chat_requests) == 2


async def test_a_stale_version_gets_nothing_and_edits_name_the_current_one(
        upstream: FakeUpstream, tmp_path: Path) -> None:
    async with session(upstream, tmp_path) as s:
        doc, cursor = await renamed(s)
        assert await s.inline_edit(doc, cursor, version=doc.version - 1) == []
        s.type(doc, len(doc.text.text), "\n")
        for edit in await s.inline_edit(doc, cursor):
            assert edit["textDocument"] == {"uri": URI, "version": doc.version}
        for action in await s.code_actions(doc, cursor):
            assert action.edit is not None and action.edit.document_changes
            for change in action.edit.document_changes:
                assert isinstance(change, types.TextDocumentEdit)
                assert change.text_document.version == doc.version


async def test_an_insertion_at_the_cursor_is_also_an_inline_completion(
        upstream: FakeUpstream, tmp_path: Path) -> None:
    async with session(upstream, tmp_path) as s:
        doc = s.open(URI, "def area(w, h):\n    return w * h\n", "python")
        s.replace(doc, 9, 10, "wid")  # typing the new name: the model finishes it
        s.replies[Path(URI).name] = fenced("def area(width, h):\n    return width * h\n")
        assert await s.inline_edit(doc, 12)
        result = await s.client.text_document_inline_completion_async(
            types.InlineCompletionParams(
                text_document=types.TextDocumentIdentifier(uri=URI),
                position=doc.text.position(12),
                context=types.InlineCompletionContext(
                    trigger_kind=types.InlineCompletionTriggerKind.Automatic)))
        items = result.items if isinstance(result, types.InlineCompletionList) else result
        assert [i.insert_text for i in items or []] == ["th"]
        assert len(upstream.chat_requests) == 1  # from the suggestion, not a new request


async def test_turned_off_nothing_is_predicted(upstream: FakeUpstream, tmp_path: Path) -> None:
    async with session(upstream, tmp_path, {"nes": {"enabled": False, "debounceMs": 0}}) as s:
        doc, cursor = await renamed(s)
        assert await s.inline_edit(doc, cursor) == []
        assert await s.code_actions(doc, cursor) == []
        s.type(doc, cursor, "_")
        await s.client.workspace_execute_command_async(types.ExecuteCommandParams(
            command="vc.nes.accept", arguments=["nes-1"]))  # harmless, and answered
        assert not upstream.chat_requests


async def test_an_excluded_file_gets_no_prediction(upstream: FakeUpstream,
                                                   tmp_path: Path) -> None:
    async with session(upstream, tmp_path, {"nes": {"debounceMs": 0, "regionLines": 40},
                                            "exclude": ["*.py"]}) as s:
        doc, cursor = await renamed(s)
        assert await s.inline_edit(doc, cursor) == []
        assert not upstream.chat_requests


@pytest.mark.parametrize("params", [
    {"position": {"line": 0, "character": 0}},
    {"textDocument": {"uri": URI}, "position": {"line": -1, "character": 0}},
    {"textDocument": {"uri": 3}, "position": {"line": 0, "character": 0}},
])
async def test_bad_copilot_params_are_refused(upstream: FakeUpstream, tmp_path: Path,
                                              params: dict) -> None:
    from pygls.exceptions import JsonRpcInvalidParams

    async with session(upstream, tmp_path) as s:
        with pytest.raises(JsonRpcInvalidParams):
            await s.client.protocol.send_request_async("textDocument/copilotInlineEdit",
                                                       params)


async def test_only_the_region_around_the_cursor_is_sent_and_edited(
        upstream: FakeUpstream, tmp_path: Path) -> None:
    """A long file: the model sees the marked region (40 lines by default) and answers it; the
    edits land in those lines of the document, whatever lies outside."""
    import re

    text = "".join(f"def f{i}(count):\n    return count + {i}\n\n" for i in range(100))

    def answer(body: dict) -> Reply:
        prompt = str(body["messages"][-1]["content"])
        region = re.search(r"<\|editable_region_start\|>\n(.*?)<\|editable_region_end\|>",
                           prompt, re.S)
        assert region is not None
        body_text = region[1].replace("<|user_cursor_is_here|>", "")
        return Reply.text(f"Here it is:\n```python\n{body_text.replace('count', 'total')}```\n")

    async with session(upstream, tmp_path, {"nes": {"debounceMs": 5000}}) as s:
        uri = "file:///nes/long.py"
        doc = s.open(uri, text, "python")
        at = text.index("def f50(count)") + len("def f50(")
        s.replace(doc, at, at + len("count"), "total")
        upstream.responder = answer
        first = 150 - 40 // 3  # the cursor's line, less a third of the region
        uses = sum("count" in line for line in doc.text.text.split("\n")[first:first + 40])
        offered = []
        for _ in range(uses):  # each use in the region, one edit at a time
            (edit,) = await s.inline_edit(doc, at)
            rng = types.Range(types.Position(**edit["range"]["start"]),
                              types.Position(**edit["range"]["end"]))
            offered.append(rng.start.line)
            s.apply_range(doc, rng, edit["text"])
        prompt = upstream.chat_requests[0].json["messages"][-1]["content"]
        region = prompt.split("<|editable_region_start|>\n", 1)[1].split(
            "<|editable_region_end|>", 1)[0]
        assert region.count("\n") == 40  # the region: 40 lines
        lines = doc.text.text.split("\n")
        assert all(first <= n < first + 40 for n in offered), (first, offered)
        assert all("count" in line for line in lines[:first] if line.strip())
        assert all("count" in line for line in lines[first + 40:] if line.strip()), \
            [n for n, line in enumerate(lines) if line.strip() and "count" not in line]
        assert not any("count" in line for line in lines[first:first + 40])
        assert len(upstream.chat_requests) == 1


async def test_a_runaway_answer_is_hung_up_and_dropped(upstream: FakeUpstream,
                                                       tmp_path: Path) -> None:
    async with session(upstream, tmp_path) as s:
        doc, cursor = await renamed(s)
        s.replies[Path(URI).name] = Reply.text(chunks=["```python\n", "x = 1\n" * 50],
                                               endless=True)
        assert await s.inline_edit(doc, cursor) == []
        [request] = upstream.chat_requests
        await asyncio.wait_for(request.hung_up.wait(), SAFETY)
        assert not request.completed


async def test_an_answer_that_is_a_snippet_not_the_region_is_dropped(
        upstream: FakeUpstream, tmp_path: Path) -> None:
    """A completion-style answer (only the new text) would delete the region: no edit."""
    async with session(upstream, tmp_path) as s:
        doc, cursor = await renamed(s)
        s.replies[Path(URI).name] = Reply.text("<completion>len(s) + 1</completion>")
        assert await s.inline_edit(doc, cursor) == []
        assert await s.code_actions(doc, cursor) == []
        assert len(upstream.chat_requests) == 1
