"""writer.py against a scripted editor: echoes on time, late, split, mixed with typing, skipped."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

from lsprotocol import types

from vc_lsp.actions.editor import Applied
from vc_lsp.actions.tracking import Span
from vc_lsp.actions.writer import RegionWriter, Status
from vc_lsp.documents import Document, new_document

TEXT = "head\nold 1\nold 2\ntail\n"
REGION = Span(5, 17)  # "old 1\nold 2\n"


class ScriptedEditor:
    """Applies edits to its own copy and reports them to the writer as a client would."""

    def __init__(self, *, echo: str = "now", skip_stale: bool = False) -> None:
        # "now", "later" (after answering), "split" (one change per edit), "held" (applied,
        # but reported only with the next keystroke: Eglot after its confirmation prompt)
        self.echo = echo
        self.skip_stale = skip_stale
        self.silently_skips_stale = skip_stale  # what the writer knows of Neovim
        self.text = TEXT
        self.version = 0
        self.writer: RegionWriter | None = None
        self.sent: list[tuple[int | None, list[types.TextEdit]]] = []
        self.typed_before_apply: str | None = None
        self.later: list[Any] = []
        self.answered = asyncio.Event()  # an edit was received and answered

    def _doc(self) -> Document:
        return new_document("file:///a", self.text, version=self.version)

    def report(self, changes: Sequence[types.TextDocumentContentChangePartial]) -> bool:
        """Hand the writer a didChange; True when it found a change that is not its own."""
        assert self.writer is not None
        return self.writer.on_change(self._doc(), list(changes))

    def change(self, rng: types.Range, text: str) -> types.TextDocumentContentChangePartial:
        change = types.TextDocumentContentChangePartial(range=rng, text=text)
        doc = self._doc()
        doc.apply_change(change)
        self.text = doc.source
        self.version += 1
        return change

    def type(self, offset: int, text: str) -> types.TextDocumentContentChangePartial:
        pos = self._doc().client_position_at_offset(offset)
        return self.change(types.Range(pos, pos), text)

    async def apply(self, uri: str, version: int | None, edits: Sequence[types.TextEdit],
                    label: str) -> Applied:
        self.sent.append((version, list(edits)))
        pending_user = []
        if self.typed_before_apply is not None:
            pending_user.append(self.type(len(self.text), self.typed_before_apply))
            self.typed_before_apply = None
        if version is not None and version != self.version:
            if self.skip_stale and version < self.version:
                return Applied(True)  # Neovim: skipped, and still "applied"
            if pending_user:
                self.report(pending_user)
            return Applied(False, "stale version")
        changes = [*pending_user]
        for edit in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character),
                           reverse=True):
            changes.append(self.change(edit.range, edit.new_text))
            if self.echo == "split":
                self.report([changes.pop()])
        if self.echo == "now" and changes:
            self.report(changes)
        elif self.echo in ("later", "held") and changes:
            self.later.append(changes)
        self.answered.set()
        return Applied(True)


def writer_for(editor: ScriptedEditor) -> RegionWriter:
    writer = RegionWriter(editor, new_document("file:///a", TEXT, version=0),  # type: ignore[arg-type]
                          REGION, label="test")
    editor.writer = writer
    return writer


async def test_an_echo_confirms_the_edit_and_moves_the_region_end() -> None:
    editor = ScriptedEditor()
    writer = writer_for(editor)
    assert await writer.write("new 1\nold 2\nnew 3\n") == Status.CONFIRMED
    assert editor.text == "head\nnew 1\nold 2\nnew 3\ntail\n"
    assert writer.current() == "new 1\nold 2\nnew 3\n" and writer.foreign == 0
    assert [v for v, _ in editor.sent] == [0]


async def test_an_echo_split_into_several_changes_is_still_ours() -> None:
    editor = ScriptedEditor(echo="split")
    writer = writer_for(editor)
    assert await writer.write("new 1\nold 2\nnew 3\n") == Status.CONFIRMED
    assert writer.foreign == 0


async def test_a_late_echo_is_waited_for() -> None:
    editor = ScriptedEditor(echo="later")
    writer = writer_for(editor)
    task = asyncio.ensure_future(writer.write("new\n"))
    await editor.answered.wait()
    assert not task.done()
    assert editor.report(editor.later.pop()) is False  # our echo, late
    assert await task == Status.CONFIRMED


async def test_typing_batched_with_the_echo_is_foreign_and_the_region_follows() -> None:
    editor = ScriptedEditor(echo="later")
    writer = writer_for(editor)
    task = asyncio.ensure_future(writer.write("old 1\nold 2\nnew 3\n"))
    await editor.answered.wait()
    changes = editor.later.pop()
    changes.append(editor.type(0, ">> "))  # the user typed above the region meanwhile
    assert editor.report(changes) is True
    assert await task == Status.INTERRUPTED
    assert writer.current() == "old 1\nold 2\nnew 3\n"  # the new line is ours, the region too


async def test_a_skipped_stale_edit_is_sent_again_without_a_version() -> None:
    editor = ScriptedEditor(skip_stale=True)
    writer = writer_for(editor)
    editor.version = 5  # the client's version moved on silently (a save)
    assert await writer.write("new\n") == Status.CONFIRMED
    assert [(v, len(e)) for v, e in editor.sent] == [(0, 1), (0, 0), (None, 1)]  # asked first
    assert editor.text == "head\nnew\ntail\n"


async def test_an_applied_edit_whose_echo_is_held_back_is_never_written_twice() -> None:
    """Eglot after its y/n prompt: the edit is in the buffer, its didChange comes with the next
    key. An editor that refuses what it skips means "applied" when it says so: the next edit
    builds on it, unversioned, and the late echo of both confirms them."""
    editor = ScriptedEditor(echo="held")
    writer = writer_for(editor)
    assert await writer.write("new\n") == Status.APPLIED
    assert [(v, len(e)) for v, e in editor.sent] == [(0, 1)]
    assert editor.text == "head\nnew\ntail\n"  # once, not twice
    assert await writer.write("new\nnewer\n") == Status.APPLIED
    assert editor.sent[-1][0] is None  # its version is unknown until the echo
    assert editor.text == "head\nnew\nnewer\ntail\n"
    keystroke = editor.type(0, "#")
    changes = [change for batch in editor.later for change in batch]
    assert editor.report([*changes, keystroke]) is True  # ours, then the user's
    assert writer.current() == "new\nnewer\n" and writer.shown == "new\nnewer\n"


async def test_a_refused_edit_after_a_keystroke_is_an_interruption() -> None:
    editor = ScriptedEditor()
    writer = writer_for(editor)
    editor.typed_before_apply = "!"
    assert await writer.write("new\n") == Status.INTERRUPTED
    assert editor.text == TEXT + "!" and writer.current() == "old 1\nold 2\n"


async def test_our_edit_then_typing_is_recognised_whatever_shape_the_client_gives_it() -> None:
    """The client reports our one inserted line as two insertions at the region's end."""
    editor = ScriptedEditor(echo="later")
    writer = writer_for(editor)
    task = asyncio.ensure_future(writer.write("old 1\nold 2\nnew\n"))
    await editor.answered.wait()
    editor.later.pop()  # replace the client's report of our edit by an equivalent one
    editor.text, editor.version = TEXT, 0
    pieces = [editor.change(types.Range(types.Position(3, 0), types.Position(3, 0)), "ne"),
              editor.change(types.Range(types.Position(3, 2), types.Position(3, 2)), "w\n")]
    keystroke = editor.type(len(editor.text), "!")
    assert editor.report([*pieces, keystroke]) is True
    assert editor.text == "head\nold 1\nold 2\nnew\ntail\n!"
    assert await task == Status.INTERRUPTED
    assert writer.current() == "old 1\nold 2\nnew\n" and writer.shown == writer.current()
