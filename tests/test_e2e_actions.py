"""Code actions end to end: the real server, the fake upstream, an editor that applies edits.

Every test awaits events (the editor's edits and progress, the fake upstream's hang-ups, the
server's messages); timeouts are only safety nets and nothing asserts on time.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest
from lsprotocol import types

from tests.conftest import SAFETY
from tests.editor_client import Editor, opener
from tests.fakes.upstream import FakeUpstream, Reply

URI = "file:///project/app.py"
SOURCE = (
    "import json\n"
    "\n"
    "\n"
    "def load(path):\n"
    "    f = open(path)\n"
    "    data = json.load(f)\n"
    "    f.close()\n"
    "    return data\n"
    "\n"
    "\n"
    'print(load("x.json"))\n'
)
LOAD = (3, 8)  # the lines of load(): 3 to 7, the range ends at the start of line 8
NEW_LOAD = (
    "def load(path):\n"
    "    with open(path) as f:\n"
    "        data = json.load(f)\n"
    "    return data\n"
)


@pytest.fixture
def open_editor(upstream: FakeUpstream, tmp_path: Any) -> Any:
    return opener(upstream, tmp_path)


def lines_range(first: int, end: int) -> dict[str, Any]:
    return {"start": {"line": first, "character": 0}, "end": {"line": end, "character": 0}}


def fenced(code: str, language: str = "python") -> str:
    return f"```{language}\n{code}```\n"


async def execute(ed: Editor, command: str, **argument: Any) -> Any:
    return await ed.client.workspace_execute_command_async(
        types.ExecuteCommandParams(command=command, arguments=[argument] if argument else []))


async def code_actions(ed: Editor, uri: str, start: tuple[int, int], end: tuple[int, int],
                       diagnostics: list[types.Diagnostic] | None = None
                       ) -> list[types.CodeAction]:
    result = await ed.client.text_document_code_action_async(types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=uri),
        range=types.Range(types.Position(*start), types.Position(*end)),
        context=types.CodeActionContext(diagnostics=diagnostics or [],
                                        trigger_kind=types.CodeActionTriggerKind.Invoked)))
    return [a for a in result or [] if isinstance(a, types.CodeAction)]


async def run_action(ed: Editor, action: types.CodeAction) -> None:
    """What an editor does with a code action that carries a command."""
    assert action.command is not None and action.edit is None
    await ed.client.workspace_execute_command_async(types.ExecuteCommandParams(
        command=action.command.command, arguments=action.command.arguments))


def replaced(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1
    return text.replace(old, new)


def touched_lines(ed: Editor, uri: str) -> set[int]:
    return {line for r in ed.edits_for(uri) for e in r.edits
            for line in range(e.range.start.line, e.range.end.line + 1)}


# -- listing -----------------------------------------------------------------------------------


async def test_listing_actions_is_free_and_every_action_is_a_listed_command(
        open_editor: Any, upstream: FakeUpstream) -> None:
    async with open_editor() as ed:
        ed.open(URI, SOURCE)
        problem = types.Diagnostic(range=types.Range(types.Position(4, 8), types.Position(4, 12)),
                                   message="Use a context manager", source="pylint")
        actions = await code_actions(ed, URI, (4, 4), (4, 4), [problem])
        commands = ed.client.init_result.capabilities.execute_command_provider.commands
    titles = [a.title for a in actions]
    assert titles[0] == "Fix: Use a context manager"
    assert {"Explain this code", "Simplify this code", "Add type hints", "Add a docstring",
            "Add error handling", "Write a unit test for this"} <= set(titles)
    assert all(a.command and a.command.command in commands for a in actions)
    assert {"vc.explain", "vc.edit", "vc.fix", "vc.cancel", "vc.revert", "vc.undo"} <= \
        set(commands)
    assert upstream.chat_requests == []  # listing costs no tokens


# -- edits that complete ------------------------------------------------------------------------


async def test_edit_with_an_instruction_streams_line_by_line(
        open_editor: Any, upstream: FakeUpstream) -> None:
    upstream.enqueue(Reply.lines("Here is the updated function:\n" + fenced(NEW_LOAD)))
    async with open_editor() as ed:
        ed.open(URI, SOURCE)
        assert await execute(ed, "vc.edit", uri=URI, range=lines_range(*LOAD),
                             instruction="use a with statement") is None
        reports = await ed.wait_progress_end()
        assert ed.text(URI) == replaced(SOURCE, SOURCE[SOURCE.index("def"):SOURCE.index(
            "\n\n\nprint") + 1], NEW_LOAD)
        assert len(ed.edits_for(URI)) > 1  # intermediate edits, one or more lines each
        assert touched_lines(ed, URI) <= set(range(4, 8))  # the def line and the rest: untouched
        assert all(r.version is not None for r in ed.received)  # versioned TextDocumentEdits
        assert any(isinstance(r, types.WorkDoneProgressReport) and "line" in (r.message or "")
                   for r in reports)
        assert ed.client.messages == []  # success speaks for itself
    [request] = upstream.chat_requests
    prompt = request.json["messages"][-1]["content"]
    assert "use a with statement" in prompt and "app.py" in prompt and "def load" in prompt
    assert request.json["model"] == "fake-model"


async def test_instruction_from_a_comment_for_clients_that_cannot_prompt(
        open_editor: Any, upstream: FakeUpstream) -> None:
    source = replaced(SOURCE, "def load", "# vc: make it return {} for a missing file\ndef load")
    answer = ("def load(path):\n"
              "    try:\n"
              "        f = open(path)\n"
              "    except FileNotFoundError:\n"
              "        return {}\n"
              "    data = json.load(f)\n"
              "    f.close()\n"
              "    return data\n")
    upstream.enqueue(Reply.lines(fenced(answer)))
    async with open_editor(encoding="utf-32") as ed:
        ed.open(URI, source)
        # Helix: the cursor on the comment is a one-character selection
        actions = await code_actions(ed, URI, (3, 2), (3, 3))
        [edit] = [a for a in actions if a.title.startswith("Edit:")]
        assert edit.title == "Edit: make it return {} for a missing file"
        await run_action(ed, edit)
        await ed.wait_progress_end()
        assert ed.text(URI) == replaced(source, source[source.index("# vc"):source.index(
            "\n\n\nprint") + 1], answer)
        assert len(ed.edits_for(URI)) > 1
    prompt = upstream.chat_requests[0].json["messages"][-1]["content"]
    assert "make it return {} for a missing file" in prompt
    assert "# vc:" not in prompt  # the model sees the code without the instruction


async def test_preset_in_a_neovim_like_client(open_editor: Any, upstream: FakeUpstream) -> None:
    """UTF-8 columns, version numbers that jump, didChange debounced and batched."""
    source = ('LABEL = "résumé 😀"\n'
              "\n"
              "def shout(text):\n"
              "    # 把文字变大 😀\n"
              "    return text.upper() + '!'\n")
    answer = ('def shout(text):\n'
              '    """Shout ``text``.\n'
              "\n"
              "    Returns it in capitals, with an exclamation mark. 😀\n"
              '    """\n'
              "    # 把文字变大 😀\n"
              "    return text.upper() + '!'\n")
    upstream.enqueue(Reply.lines(fenced(answer), delay=0.1))
    async with open_editor(encoding="utf-8", version_step=3, echo_delay=0.15) as ed:
        ed.open(URI, source)
        actions = await code_actions(ed, URI, (4, 12), (4, 12))  # no selection: the function
        [docs] = [a for a in actions if a.title == "Add a docstring"]
        await run_action(ed, docs)
        await ed.wait_progress_end()
        assert ed.text(URI) == source[:source.index("def")] + answer
        assert len(ed.edits_for(URI)) > 1
        assert all(e.range.start == e.range.end for r in ed.edits_for(URI)
                   for e in r.edits)  # pure insertions: no existing line was rewritten
        assert ed.changes_sent < len(ed.edits_for(URI)) + 2  # echoes were batched
    assert "Document this code" in upstream.chat_requests[0].json["messages"][-1]["content"]


async def test_fix_for_a_diagnostic_uses_the_actions_model(
        open_editor: Any, upstream: FakeUpstream) -> None:
    source = ("def area(r):\n"
              "    result = 3.14159 * r ** 2 +\n"
              "    return reslt\n"
              "\n"
              "print(area(2))\n")
    # the model dropped the indentation: it is restored
    answer = "result = 3.14159 * r ** 2\nreturn result\n"
    upstream.enqueue(Reply.lines(fenced(answer)))
    problem = types.Diagnostic(range=types.Range(types.Position(1, 30), types.Position(2, 16)),
                               message="Expected expression", source="Pylance")
    async with open_editor(settings={"actions": {"model": "fast-model"}}) as ed:
        ed.open(URI, source)
        [fix] = [a for a in await code_actions(ed, URI, (1, 4), (1, 4), [problem])
                 if a.title.startswith("Fix:")]
        assert fix.title == "Fix: Expected expression"
        assert list(fix.diagnostics or []) == [problem]
        await run_action(ed, fix)
        await ed.wait_progress_end()
        assert ed.text(URI) == ("def area(r):\n"
                                "    result = 3.14159 * r ** 2\n"
                                "    return result\n"
                                "\n"
                                "print(area(2))\n")
        assert len(ed.edits_for(URI)) > 1
    request = upstream.chat_requests[0].json
    assert request["model"] == "fast-model"
    assert "line 2 (Pylance): Expected expression" in request["messages"][-1]["content"]


async def test_generic_fix_on_the_cursor_line_without_diagnostics(
        open_editor: Any, upstream: FakeUpstream) -> None:
    """Neovim passes only this server's own diagnostics: the fix must not need any."""
    source = "items = [3, 1, 2]\nitems.sort(reversed=True)\nprint(items)\n"
    upstream.enqueue(Reply.lines(fenced("items.sort(reverse=True)\n")))
    async with open_editor() as ed:
        ed.open(URI, source)
        [fix] = [a for a in await code_actions(ed, URI, (1, 3), (1, 3))
                 if a.title == "Fix this line"]
        await run_action(ed, fix)
        await ed.wait_progress_end()
        assert ed.text(URI) == "items = [3, 1, 2]\nitems.sort(reverse=True)\nprint(items)\n"
        assert touched_lines(ed, URI) == {1}


async def test_write_a_test_inserts_it_below_the_code(
        open_editor: Any, upstream: FakeUpstream) -> None:
    test_code = ("def test_load(tmp_path):\n"
                 '    path = tmp_path / "x.json"\n'
                 '    path.write_text("[1]")\n'
                 "    assert load(path) == [1]\n")
    upstream.enqueue(Reply.lines(fenced(test_code)))
    async with open_editor() as ed:
        ed.open(URI, SOURCE)
        await execute(ed, "vc.writeTest", uri=URI, range=lines_range(*LOAD))
        await ed.wait_progress_end()
        assert ed.text(URI) == replaced(SOURCE, "    return data\n",
                                        "    return data\n\n\n" + test_code)
        assert len(ed.edits_for(URI)) > 1


# -- explanations ---------------------------------------------------------------------------


EXPLANATION = ("`load` reads a JSON file and returns the parsed data.\n"
               "\n"
               "- It opens the file without a `with` block,\n"
               "- so an exception in `json.load` leaks the handle.\n")


async def test_explain_streams_into_a_markdown_document(
        open_editor: Any, upstream: FakeUpstream) -> None:
    upstream.enqueue(Reply.lines(EXPLANATION))
    async with open_editor() as ed:
        ed.open(URI, SOURCE)
        await execute(ed, "vc.explain", uri=URI, range={"start": {"line": 5, "character": 4},
                                                         "end": {"line": 5, "character": 4}})
        shown = await ed.wait_shown()
        await ed.wait_progress_end()
        assert shown.endswith(".md")
        assert ed.text(shown) == "# app.py, lines 4-8\n\n" + EXPLANATION
        assert len(ed.edits_for(shown)) > 1
        assert ed.text(URI) == SOURCE and not ed.edits_for(URI)
    system = upstream.chat_requests[0].json["messages"][0]["content"]
    assert "Markdown" in system


async def test_explain_without_show_document_ends_in_a_message(
        open_editor: Any, upstream: FakeUpstream) -> None:
    upstream.enqueue(Reply.lines(EXPLANATION))
    async with open_editor(show_document=False) as ed:
        ed.open(URI, SOURCE)
        await execute(ed, "vc.explain", uri=URI, range=lines_range(*LOAD))
        reports = await ed.wait_progress_end()
        message = await ed.wait_message("reads a JSON file")
        assert message.message == "app.py, lines 4-8:\n\n" + EXPLANATION.strip()
        assert any(isinstance(r, types.WorkDoneProgressReport) for r in reports)
        assert not ed.received


async def test_cancelling_one_explanation_leaves_another_running(
        open_editor: Any, upstream: FakeUpstream) -> None:
    upstream.enqueue(Reply.text(chunks=["It loops.\n"], endless=True, delay=0.02),
                     Reply.lines(EXPLANATION))
    async with open_editor() as ed:
        ed.open(URI, SOURCE)
        await execute(ed, "vc.explain", uri=URI, range=lines_range(*LOAD))
        [endless] = await upstream.wait_for_requests(1)
        first = await ed.wait_progress_begin()
        await execute(ed, "vc.explain", uri=URI, range=lines_range(0, 1))
        await upstream.wait_for_requests(2)
        ed.client.window_work_done_progress_cancel(types.WorkDoneProgressCancelParams(first))
        await asyncio.wait_for(endless.hung_up.wait(), SAFETY)
        await ed.wait_progress_end(2)
        second = await ed.wait_shown(2)
        assert ed.text(second) == "# app.py, line 1\n\n" + EXPLANATION
        assert ed.text(await ed.wait_shown(1)).endswith("*(stopped: cancelled)*\n")


# -- stopping ---------------------------------------------------------------------------------


ENDLESS = ["def load(path: str) -> dict:\n", "    with open(path) as f:\n"]


async def _stream_then_type(ed: Editor, upstream: FakeUpstream, offset_of: Any,
                            keystroke: str = "#") -> tuple[float, Any]:
    """Start an endless edit, type once it shows; return (stop latency in s, the request)."""
    upstream.enqueue(Reply.text(chunks=ENDLESS, endless=True, delay=0.02))
    ed.open(URI, SOURCE)
    await execute(ed, "vc.edit", uri=URI, range=lines_range(*LOAD), instruction="type it")
    [request] = await upstream.wait_for_requests(1)
    await ed.wait_edits(URI, 1)
    typed = time.perf_counter()
    ed.type_at(URI, offset_of(ed.text(URI)), keystroke)
    await asyncio.wait_for(request.hung_up.wait(), SAFETY)
    assert request.hung_up_at is not None
    return request.hung_up_at - typed, request


async def test_typing_stops_the_stream_and_restores_the_region(
        open_editor: Any, upstream: FakeUpstream) -> None:
    async with open_editor() as ed:
        latency, request = await _stream_then_type(
            ed, upstream, lambda text: text.index("print"))
        message = await ed.wait_message("stopped")
        await ed.wait_progress_end()
        assert ed.text(URI) == replaced(SOURCE, "print", "#print")  # keystroke kept, no garbage
        assert "app.py changed" in message.message and "original text" in message.message
        await execute(ed, "vc.revert", uri=URI)
        await ed.wait_message("already hold")
        assert ed.text(URI) == replaced(SOURCE, "print", "#print")
    assert not request.completed
    print(f"\nstop latency (keystroke sent -> upstream hang-up): {latency * 1000:.1f} ms")


async def test_a_keystroke_in_an_unchanged_line_is_carried_to_the_restored_text(
        open_editor: Any, upstream: FakeUpstream) -> None:
    async with open_editor() as ed:
        await _stream_then_type(ed, upstream, lambda text: text.index("return data"))
        await ed.wait_message("stopped")
        await ed.wait_progress_end()
        assert ed.text(URI) == replaced(SOURCE, "return data", "#return data")


async def test_a_keystroke_in_a_new_line_is_kept_and_revert_restores_the_original(
        open_editor: Any, upstream: FakeUpstream) -> None:
    async with open_editor() as ed:
        await _stream_then_type(ed, upstream, lambda text: text.index("str) -> dict"))
        message = await ed.wait_message("stopped")
        await ed.wait_progress_end()
        assert "path: #str) -> dict:" in ed.text(URI)  # the user's text is never thrown away
        assert "vc.revert" in message.message
        await execute(ed, "vc.revert", uri=URI)
        await ed.wait_message("reverted")
        assert ed.text(URI) == SOURCE


async def test_typing_in_a_debouncing_client_batches_echo_and_keystroke(
        open_editor: Any, upstream: FakeUpstream) -> None:
    async with open_editor(encoding="utf-8", version_step=2, echo_delay=0.15) as ed:
        await _stream_then_type(ed, upstream, lambda text: text.index("print"), "x = 1\n")
        await ed.wait_message("stopped")
        await ed.wait_progress_end()
        assert ed.text(URI) == replaced(SOURCE, "print", "x = 1\nprint")


async def test_revert_restores_a_completed_edit(open_editor: Any,
                                                upstream: FakeUpstream) -> None:
    upstream.enqueue(Reply.lines(fenced(NEW_LOAD)))
    async with open_editor() as ed:
        ed.open(URI, SOURCE)
        await execute(ed, "vc.simplify", uri=URI, range=lines_range(*LOAD))
        await ed.wait_progress_end()
        assert ed.text(URI) != SOURCE
        ed.type(URI, 0, 0, "# top\n")  # later typing moves the region; revert follows it
        await execute(ed, "vc.undo")  # no arguments: the last edited document
        await ed.wait_message("reverted")
        assert ed.text(URI) == "# top\n" + SOURCE


async def test_a_client_that_skips_stale_edits_but_says_applied_ends_right(
        open_editor: Any, upstream: FakeUpstream) -> None:
    upstream.enqueue(Reply.lines(fenced(NEW_LOAD), delay=0.1))
    async with open_editor(encoding="utf-8", version_step=3, skip_stale=True) as ed:
        ed.open(URI, SOURCE)
        await execute(ed, "vc.edit", uri=URI, range=lines_range(*LOAD), instruction="use with")
        await ed.wait_edits(URI, 1)
        ed.bump(URI)  # `:w` in Neovim: the version moves on, no didChange
        await ed.wait_progress_end()
        assert ed.skipped >= 1  # the client did skip an edit and answered applied: true
        assert ed.text(URI) == replaced(SOURCE, SOURCE[SOURCE.index("def"):SOURCE.index(
            "\n\n\nprint") + 1], NEW_LOAD)
        assert ed.client.messages == []


async def test_cancelling_the_progress_stops_the_stream(open_editor: Any,
                                                         upstream: FakeUpstream) -> None:
    upstream.enqueue(Reply.text(chunks=ENDLESS, endless=True, delay=0.02))
    async with open_editor() as ed:
        ed.open(URI, SOURCE)
        await execute(ed, "vc.addErrorHandling", uri=URI, range=lines_range(*LOAD))
        [request] = await upstream.wait_for_requests(1)
        token = await ed.wait_progress_begin()
        await ed.wait_edits(URI, 1)
        ed.client.window_work_done_progress_cancel(types.WorkDoneProgressCancelParams(token))
        await asyncio.wait_for(request.hung_up.wait(), SAFETY)
        message = await ed.wait_message("cancelled")
        await ed.wait_progress_end()
        assert ed.text(URI) == SOURCE
        assert "original text" in message.message


async def test_vc_cancel_stops_the_stream(open_editor: Any, upstream: FakeUpstream) -> None:
    upstream.enqueue(Reply.text(chunks=ENDLESS, endless=True, delay=0.02))
    async with open_editor() as ed:
        ed.open(URI, SOURCE)
        await execute(ed, "vc.edit", uri=URI, range=lines_range(*LOAD), instruction="x")
        [request] = await upstream.wait_for_requests(1)
        await ed.wait_edits(URI, 1)
        await execute(ed, "vc.cancel", uri=URI)
        await asyncio.wait_for(request.hung_up.wait(), SAFETY)
        await ed.wait_progress_end()
        assert ed.text(URI) == SOURCE


# -- failures ---------------------------------------------------------------------------------


async def test_an_upstream_error_mid_stream_leaves_the_document_as_it_was(
        open_editor: Any, upstream: FakeUpstream) -> None:
    first = "```python\ndef load(path: str) -> dict:\n    with open(path) as f:\n"
    upstream.enqueue(Reply.text(chunks=[first, "never sent"], error_chunk=True, delay=0.5))
    async with open_editor() as ed:
        ed.open(URI, SOURCE)
        await execute(ed, "vc.edit", uri=URI, range=lines_range(*LOAD), instruction="types")
        await ed.wait_progress_end()
        assert ed.edits_for(URI)  # the answer had started to show
        assert ed.text(URI) == SOURCE
        [message] = ed.client.messages  # one clear message
        assert message.type == types.MessageType.Warning
        assert "failed" in message.message and "lines 4-8 restored" in message.message
        log = ed.log_file.read_text(encoding="utf-8")  # type: ignore[attr-defined]
        assert "had an error while processing" in log  # the chunk's own words, in full


async def test_an_http_error_changes_nothing_and_says_so_once(
        open_editor: Any, upstream: FakeUpstream) -> None:
    upstream.enqueue(Reply.error(503, "overloaded"))
    async with open_editor() as ed:
        ed.open(URI, SOURCE)
        await execute(ed, "vc.simplify", uri=URI, range=lines_range(*LOAD))
        await ed.wait_progress_end()
        assert ed.text(URI) == SOURCE and not ed.received
        [message] = ed.client.messages
        assert "app.py unchanged" in message.message and "503" in message.message


async def test_an_answer_cut_off_by_the_token_limit_is_not_applied(
        open_editor: Any, upstream: FakeUpstream) -> None:
    upstream.enqueue(Reply.lines("```python\ndef load(path):\n    with open(path) as f:\n",
                             finish_reason="length"))
    async with open_editor() as ed:
        ed.open(URI, SOURCE)
        await execute(ed, "vc.edit", uri=URI, range=lines_range(*LOAD), instruction="x")
        await ed.wait_progress_end()
        assert ed.text(URI) == SOURCE
        await ed.wait_message("actions.maxTokens")


async def test_a_selection_over_the_limit_is_refused_without_a_request(
        open_editor: Any, upstream: FakeUpstream) -> None:
    async with open_editor(settings={"actions": {"maxSelectionLines": 3}}) as ed:
        ed.open(URI, SOURCE)
        await execute(ed, "vc.explain", uri=URI, range=lines_range(*LOAD))
        message = await ed.wait_message("actions.maxSelectionLines")
        assert "5 lines" in message.message
    assert upstream.chat_requests == []


async def test_an_answer_that_changes_nothing_says_so(open_editor: Any,
                                                      upstream: FakeUpstream) -> None:
    source = "items = [3, 1, 2]\nitems.sort()\n"
    upstream.enqueue(Reply.lines(fenced("items.sort()\n")))
    async with open_editor() as ed:
        ed.open(URI, source)
        await execute(ed, "vc.fix", uri=URI, range=lines_range(1, 2),
                      diagnostics=[{"message": "not a diagnostic"}])  # unreadable: ignored
        await ed.wait_progress_end()
        assert ed.text(URI) == source and not ed.received
        message = await ed.wait_message("changed nothing")
        assert "line 2" in message.message


@pytest.mark.parametrize("source", [
    SOURCE.replace("import json\n", "import json  # page\x0cbreak, line\u2028sep, nel\x85\n"),
    SOURCE.replace("\n", "\r"),  # a CR-only (classic Mac) file
])
async def test_odd_line_breaks_above_the_region_never_shift_the_edit(
        open_editor: Any, upstream: FakeUpstream, source: str) -> None:
    eol = "\r" if "\r" in source else "\n"
    upstream.enqueue(Reply.lines(fenced(NEW_LOAD)))
    async with open_editor() as ed:
        ed.open(URI, source)
        await execute(ed, "vc.simplify", uri=URI, range=lines_range(*LOAD))
        await ed.wait_progress_end()
        old = source[source.index("def"):source.index(f"{eol}{eol}{eol}print") + 1]
        assert ed.text(URI) == source.replace(old, NEW_LOAD.replace("\n", eol))
