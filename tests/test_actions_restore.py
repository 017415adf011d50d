"""A streamed edit stopped by typing: the user's characters are kept exactly once, and the rest
of the document is either the original or the clean answer, whatever the client does.

Each seeded scenario streams an answer into a region while a scripted client applies the
edits (versioned; Neovim's silent skip of a stale version as an option), reports didChange at
once or batched after a delay (Neovim, Eglot), and the user types marker characters at random
moments above and below the region and inside its first and last lines (which the original and
the answer share, so a keystroke there is carried onto whatever the region ends up holding).
The session and writer are the real ones.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Sequence

import pytest
from lsprotocol import types

from tests.client_text import ClientText
from vc_lsp.actions import catalog
from vc_lsp.actions import plan as planning
from vc_lsp.actions.edit_stream import EditSession, Outcome
from vc_lsp.actions.editor import Applied
from vc_lsp.actions.writer import RegionWriter
from vc_lsp.documents import Document, new_document

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
ANSWER = (
    "def load(path):\n"
    "    with open(path) as f:\n"
    "        data = json.load(f)\n"
    "    return data\n"
)
URI = "file:///project/app.py"
MARKS = "①②③④⑤⑥⑦⑧⑨"


class Client:
    """An editor: applies versioned edits to its own text and reports changes, perhaps late."""

    def __init__(self, rng: random.Random, *, batch_s: float, skip_stale: bool) -> None:
        self.rng = rng
        self.batch_s = batch_s
        self.skip_stale = skip_stale
        self.silently_skips_stale = skip_stale  # what the writer knows of Neovim
        self.text = ClientText(SOURCE)
        self.version = 0
        self.pending: list[types.TextDocumentContentChangeEvent] = []
        self.flush: asyncio.TimerHandle | None = None
        self.session: EditSession | None = None
        self.writer: RegionWriter | None = None
        self.typed: list[str] = []  # the marks the user typed, in order
        self.applied = 0  # edits applied so far
        self.edit_applied = asyncio.Event()

    def document(self) -> Document:
        return new_document(URI, self.text.text, version=self.version, language_id="python")

    async def apply(self, uri: str, version: int | None, edits: Sequence[types.TextEdit],
                    label: str) -> Applied:
        await asyncio.sleep(self.rng.random() * 0.004)  # the round trip
        if version is not None and version != self.version:
            if self.skip_stale and version < self.version:
                return Applied(True)  # Neovim: skipped, and still "applied"
            return Applied(False, "stale version")
        for edit in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character),
                           reverse=True):
            self.change(types.TextDocumentContentChangePartial(range=edit.range,
                                                               text=edit.new_text))
        if edits:
            self.applied += 1
            self.edit_applied.set()
        return Applied(True)

    def type(self, offset: int, mark: str) -> None:
        self.typed.append(mark)
        pos = self.text.position(offset)
        self.change(types.TextDocumentContentChangePartial(range=types.Range(pos, pos),
                                                           text=mark))

    def change(self, change: types.TextDocumentContentChangePartial) -> None:
        self.text.apply(change)
        self.version += 1
        self.pending.append(change)
        if self.batch_s <= 0:
            self.report()
        elif self.flush is None:
            self.flush = asyncio.get_running_loop().call_later(self.batch_s, self.report)

    def report(self) -> None:
        """didChange, routed the way ActionService.on_change routes it."""
        self.flush = None
        changes, self.pending = self.pending, []
        assert self.writer is not None and self.session is not None
        if changes and self.writer.on_change(self.document(), changes):
            self.session.typed()


async def scenario(seed: int) -> tuple[Client, Outcome, str]:
    rng = random.Random(seed)
    client = Client(rng, batch_s=rng.choice([0.0, 0.0, 0.003, 0.008]),
                    skip_stale=rng.random() < 0.3)
    doc = client.document()
    rng_range = types.Range(types.Position(3, 0), types.Position(8, 0))
    made = planning.make(doc, catalog.EDIT, rng_range, instruction_text="use with")
    assert isinstance(made, planning.Plan)
    writer = RegionWriter(client, doc, made.span, label="test")  # type: ignore[arg-type]
    session = EditSession(writer, made, throttle_s=0.0)
    client.session, client.writer = session, writer
    answer = f"```python\n{ANSWER}```\n"

    async def model() -> None:
        raw = ""
        for line in answer.splitlines(keepends=True):
            await asyncio.sleep(rng.random() * 0.006)
            raw += line
            session.offer(raw)
        session.finish(raw)

    async def user() -> None:
        wait_for = rng.choice([0, 1, 1, 2, 3])  # type after this many edits are in the buffer
        while client.applied < wait_for and not feeding.done():
            client.edit_applied.clear()
            await asyncio.wait([asyncio.ensure_future(client.edit_applied.wait()), feeding],
                               return_when=asyncio.FIRST_COMPLETED)
        for mark in MARKS[:rng.randint(1, 4)]:
            # the next keystrokes often land while the restore's echo is still batched
            await asyncio.sleep(rng.random() * 0.006)
            text = client.text.text
            region_start = text.find("def load")
            where = rng.choice(["above", "below", "first line", "last line"])
            offset = {"above": rng.randint(0, max(region_start - 1, 0)),
                      "below": text.find("print"),
                      "first line": region_start + rng.randint(1, 8),  # shared by both texts
                      "last line": text.find("return data") + rng.randint(0, 6)}[where]
            client.type(offset, mark)

    feeding = asyncio.ensure_future(model())
    typing = asyncio.ensure_future(user())
    outcome = await asyncio.wait_for(session.run(), 30)
    await asyncio.gather(feeding, typing)
    while client.pending or client.flush is not None:  # the last keystrokes reach the writer
        if client.flush is not None:
            client.flush.cancel()
        client.report()
    return client, outcome, answer


def _without_marks(text: str) -> str:
    return text.translate({ord(m): None for m in MARKS})


@pytest.mark.parametrize("seed", range(200))
async def test_typing_during_a_streamed_edit_keeps_every_keystroke_once(seed: int) -> None:
    client, outcome, _ = await scenario(seed)
    text = client.text.text
    assert client.typed, "every scenario types"
    for mark in client.typed:  # each keystroke kept, and once: not lost, not doubled
        assert text.count(mark) == 1, (mark, outcome, text)
    rest = _without_marks(text)
    original = SOURCE
    edited = SOURCE.replace(SOURCE[SOURCE.index("def"):SOURCE.index("\n\n\nprint") + 1], ANSWER)
    if outcome is Outcome.PARTIAL:
        return  # typed into lines only the new text has: left as it is, on purpose
    assert outcome is not Outcome.STUCK, text
    assert rest in (original, edited), (outcome, text)

