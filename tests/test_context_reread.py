"""Large documents are re-read on a worker thread, never on the event loop.

A stand-in for ``symbols.index`` records which thread calls it and holds there until the test
lets it go, so "the request did not wait for the re-read" is a fact the test can see without
a clock: the request has returned while the re-read is still held. The stand-in calls the
real ``index`` once let go, so what the read finds is real. Closing, changing, reopening the
document and shutting down while a read is held; a read that raises; and the index walk a
range at a time finding exactly what one query over the whole tree finds, in every language.
"""

from __future__ import annotations

import asyncio
import contextvars
import dataclasses
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.test_context_definitions import CASES
from vc_lsp.config import Settings
from vc_lsp.context import ContextService, PromptContext, reader
from vc_lsp.context import documents as docs_module
from vc_lsp.context import symbols as syms
from vc_lsp.context.documents import STALE_CHANGES, SYNC_CHARS, Documents, OpenDocument
from vc_lsp.context.languages import EXTENSIONS
from vc_lsp.documents import Document, Text, new_document
from vc_lsp.work import Kind, Work

SAFETY = 20.0  # seconds: only ends a hung test, never part of what is checked
REAL_INDEX = syms.index


def large_module(functions: int, extra: str = "") -> str:
    """A Python file well over ``SYNC_CHARS``: one small function after another."""
    text = "".join(f"def helper_{k}(value):\n    return value + {k}\n\n\n"
                   for k in range(functions)) + extra
    assert len(text) > SYNC_CHARS
    return text


BIG = large_module(1200)


class Held:
    """``symbols.index`` that notes its thread, then waits to be let go (or raises)."""

    def __init__(self, fail: bool = False) -> None:
        self.threads: list[int] = []
        self.entered = threading.Event()
        self.release = threading.Event()
        self.left = threading.Event()
        self.fail = fail
        self.switch = 0.0
        self.contexts: list[contextvars.Context] = []

    def __call__(self, language: str, source: bytes, tree: Any = None, *,
                 stop: Callable[[], bool] | None = None) -> syms.FileSymbols | None:
        self.threads.append(threading.get_ident())
        self.contexts.append(contextvars.copy_context())  # (to_thread runs in the task's)
        self.switch = sys.getswitchinterval()
        self.entered.set()
        try:
            if not self.release.wait(SAFETY):
                raise AssertionError("never let go")
            if self.fail:
                raise RuntimeError("a bug in the index walk")
            return REAL_INDEX(language, source, tree, stop=stop)
        finally:
            self.left.set()

    async def wait_entered(self) -> None:
        assert await asyncio.to_thread(self.entered.wait, SAFETY), "the re-read never started"


@pytest.fixture
def held(monkeypatch: pytest.MonkeyPatch) -> Held:
    h = Held()
    monkeypatch.setattr(syms, "index", h)
    return h


class Editor:
    """A context service as the server has it (with its work registry), and one document."""

    def __init__(self, tmp_path: Path) -> None:
        (tmp_path / "pyproject.toml").write_text("")
        self.work = Work()
        self.settings = Settings()
        self.svc = ContextService(self.settings, lambda: [str(tmp_path)], work=self.work)
        self.uri = (tmp_path / "big.py").as_uri()
        self.live: Document | None = None

    def open(self, text: str) -> None:
        self.live = new_document(self.uri, text, version=0, language_id="python")
        self.svc.on_open(self.live)

    def type(self, text: str) -> None:
        """The whole text replaced (the context hooks see only the new text)."""
        assert self.live is not None
        self.live = new_document(self.uri, text, version=(self.live.version or 0) + 1,
                                 language_id="python")
        self.svc.on_change(self.live, [])

    @property
    def doc(self) -> OpenDocument:
        doc = self.svc.docs.get(self.uri)
        assert doc is not None
        return doc

    def ask(self, offset: int | None = None) -> PromptContext:
        assert self.live is not None
        text = self.live.text.copy()
        offset = len(text) if offset is None else offset
        return self.svc.inline(self.uri, text, offset, "python", self.live.version,
                               (max(0, offset - 2000), offset), self.settings)

    def act(self) -> None:
        """A code action on the last line (it asks for the document's symbols, not typing)."""
        assert self.live is not None
        text = self.live.text.copy()
        end = len(text)
        self.svc.region(self.uri, text, max(0, end - 10), end, "python", self.live.version,
                        (max(0, end - 10), end), self.settings)

    def rereads(self) -> list[Any]:
        return self.work.jobs(kind=Kind.REREAD)

    async def reread_ends(self) -> None:
        tasks = [job.task for job in self.rereads() if job.task is not None]
        if tasks:
            _, pending = await asyncio.wait(tasks, timeout=SAFETY)
            assert not pending, "the re-read never ended"


def names(doc: OpenDocument) -> set[str]:
    return set(doc.symbols.by_name) if doc.symbols is not None else set()


async def test_a_request_returns_while_the_large_documents_reread_is_held_on_a_thread(
        tmp_path: Path, held: Held) -> None:
    switch = sys.getswitchinterval()
    ed = Editor(tmp_path)
    ed.open(BIG + "total = helper_7(")
    pc = ed.ask()  # the first completion after opening: nothing read yet
    assert ed.doc.symbols is None and not pc.near
    await held.wait_entered()
    assert held.threads[0] != threading.get_ident(), "the re-read ran on the event loop"
    assert not held.left.is_set()
    ed.ask()  # another request while the read is held: answered, and no second read
    ed.type(BIG + "total = helper_7(1)\n")  # a keystroke too
    assert len(ed.rereads()) == 1 and len(held.threads) == 1
    held.release.set()
    await ed.reread_ends()
    assert "helper_7" in names(ed.doc)
    assert held.switch == reader.SWITCH_S < switch == sys.getswitchinterval()
    assert ed.doc in ed.svc.docs.stale()  # read from the text before the keystroke
    assert ed.svc.docs.defining("helper_7") == {ed.uri}
    pc = ed.ask()  # the next completion has them (the definition is far above the window)
    assert any("def helper_7(value)" in s.text for s in (*pc.snippets, *pc.near))


REQUEST: contextvars.ContextVar[str] = contextvars.ContextVar("request", default="")


async def test_a_reread_belongs_to_no_request(tmp_path: Path, held: Held) -> None:
    """The work's listeners (the status's why-book) see the re-read outside the context of the
    request that asked for it, and its task does not run in that context either."""
    ed = Editor(tmp_path)
    seen: list[str] = []
    ed.work.listen(lambda job: seen.append(f"{job.kind}:{REQUEST.get()}"))
    ed.open(BIG)
    token = REQUEST.set("completion 1")
    try:
        ed.ask()
    finally:
        REQUEST.reset(token)
    assert seen == [f"{Kind.REREAD}:"]
    await held.wait_entered()
    held.release.set()
    await ed.reread_ends()
    assert held.contexts[0].get(REQUEST) is None


async def test_the_completion_after_many_changes_keeps_the_old_symbols_and_rereads_off_the_loop(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ed = Editor(tmp_path)
    ed.open(BIG)
    ed.ask()
    await ed.reread_ends()  # the real index: read once
    assert "helper_3" in names(ed.doc) and ed.doc not in ed.svc.docs.stale()
    held = Held()
    monkeypatch.setattr(syms, "index", held)
    text = BIG
    for k in range(STALE_CHANGES):
        text += f"# {k}\n"
        ed.type(text)
    ed.type(text + "def brand_new(value):\n    return value\n\nbrand_")
    assert ed.doc.changes > STALE_CHANGES
    ed.ask()
    await held.wait_entered()
    assert held.threads[0] != threading.get_ident()
    assert "brand_new" not in names(ed.doc)  # the request got the old symbols
    held.release.set()
    await ed.reread_ends()
    assert "brand_new" in names(ed.doc)
    assert ed.doc.changes == 0 and ed.doc not in ed.svc.docs.stale()
    assert ed.doc.tree is not None and ed.doc.tree_source == ed.doc.text.encode()


async def test_a_pause_in_typing_rereads_off_the_loop(tmp_path: Path, held: Held) -> None:
    now = [0.0]
    ed = Editor(tmp_path)
    ed.svc = ContextService(ed.settings, lambda: [str(tmp_path)], clock=lambda: now[0],
                            work=ed.work)
    ed.open(BIG)
    now[0] += 10  # quiet long enough: what the idle timer runs, run now
    ed.svc._idle_step()
    await held.wait_entered()
    assert held.threads[0] != threading.get_ident()
    held.release.set()
    await ed.reread_ends()
    assert "helper_0" in names(ed.doc)


async def test_idle_reads_one_large_document_at_a_time_and_stops_when_typing_resumes(
        tmp_path: Path, held: Held) -> None:
    now = [0.0]
    ed = Editor(tmp_path)
    ed.svc = ContextService(ed.settings, lambda: [str(tmp_path)], clock=lambda: now[0],
                            work=ed.work)
    uris = [(tmp_path / f"big_{k}.py").as_uri() for k in range(3)]
    for uri in uris:
        ed.svc.on_open(new_document(uri, BIG, version=0, language_id="python"))
    now[0] += 10
    ed.svc._idle_step()
    await held.wait_entered()
    assert len(ed.rereads()) == 1 and ed.svc.docs.next_wanted() is None
    ed.svc.on_change(new_document(uris[0], BIG + "\n", version=1, language_id="python"), [])
    held.release.set()  # the user typed again before the read ended
    await ed.reread_ends()
    assert not ed.rereads() and ed.svc.docs.next_wanted() is None
    assert len(held.threads) == 1  # the most recent one; the others wait for the next pause
    assert {d.uri for d in ed.svc.docs.stale()} == {uris[0], uris[1]}


async def test_closing_the_document_during_its_reread_stops_it_and_keeps_nothing(
        tmp_path: Path, held: Held) -> None:
    ed = Editor(tmp_path)
    ed.open(BIG)
    ed.ask()
    await held.wait_entered()
    [job] = ed.rereads()
    doc = ed.doc
    ed.svc.on_close(ed.uri)
    ed.work.on_close(ed.uri)  # as the lifecycle does after the features' hooks
    with pytest.raises(asyncio.CancelledError):
        await asyncio.wait_for(job.task, SAFETY)  # the task ends without waiting for the thread
    held.release.set()
    assert await asyncio.to_thread(held.left.wait, SAFETY)
    assert ed.svc.docs.get(ed.uri) is None and doc.symbols is None
    assert sys.getswitchinterval() > reader.SWITCH_S
    assert not ed.svc.docs.defining("helper_1") and "helper_1" not in ed.svc.docs.sorted_names
    assert not ed.rereads()


async def test_reopening_during_a_reread_gives_the_new_document_nothing_of_the_old(
        tmp_path: Path, held: Held) -> None:
    ed = Editor(tmp_path)
    ed.open(BIG)
    ed.ask()
    await held.wait_entered()
    ed.svc.on_close(ed.uri)
    ed.open(large_module(900, "def only_in_the_new_one(x):\n    return x\n"))
    held.release.set()
    await ed.reread_ends()
    assert await asyncio.to_thread(held.left.wait, SAFETY)
    assert ed.doc.symbols is None  # the old text's symbols went nowhere
    assert not ed.svc.docs.defining("helper_1000")
    ed.ask()  # and the new document is read in its turn
    await ed.reread_ends()
    assert "only_in_the_new_one" in names(ed.doc) and "helper_1000" not in names(ed.doc)


async def test_a_change_during_a_reread_keeps_the_snapshots_symbols_and_reads_again_later(
        tmp_path: Path, held: Held) -> None:
    ed = Editor(tmp_path)
    ed.open(BIG)
    ed.ask()
    await held.wait_entered()
    changed = BIG.replace("def helper_5(", "def renamed_5(") + "def added_later(x):\n    x\n"
    ed.type(changed)
    held.release.set()
    await ed.reread_ends()
    assert "helper_5" in names(ed.doc) and "added_later" not in names(ed.doc)
    assert ed.doc in ed.svc.docs.stale() and ed.doc.changes == 1
    assert ed.doc.tree is not None and not ed.rereads()
    ed.ask()  # typing along: the symbols from before the change serve, no re-read
    assert not ed.rereads()
    ed.act()  # a code action wants them up to date
    await ed.reread_ends()
    assert {"renamed_5", "added_later"} <= names(ed.doc) and "helper_5" not in names(ed.doc)
    assert ed.doc not in ed.svc.docs.stale()
    assert ed.doc.tree_source == changed.encode()  # the lent tree came back, edited
    assert ed.svc.docs.defining("helper_5") == set()
    assert ed.svc.docs.sorted_names == sorted(ed.svc.docs.names())


async def test_shutdown_does_not_wait_for_a_running_reread(tmp_path: Path, held: Held) -> None:
    ed = Editor(tmp_path)
    ed.open(BIG)
    ed.ask()
    await held.wait_entered()
    read = ed.svc.reader.running
    assert read is not None
    await asyncio.wait_for(ed.svc.shutdown(), SAFETY)  # while the thread is still held
    await asyncio.wait_for(ed.work.shutdown(), SAFETY)
    assert not held.left.is_set() and read.stopped()
    ed.svc.docs.want(ed.doc)
    ed.svc.reader.kick()
    assert not ed.rereads()  # nothing starts after shutdown
    held.release.set()
    assert await asyncio.to_thread(held.left.wait, SAFETY)


async def test_a_stopped_read_stops_in_the_parse_and_in_the_walk() -> None:
    source = BIG.encode()
    with pytest.raises(syms.Stopped):
        syms.parse("python", source, stop=lambda: True)
    tree = syms.parse("python", source)
    with pytest.raises(syms.Stopped):
        syms.index("python", source, tree, stop=lambda: True)


async def test_a_reread_that_fails_is_logged_and_not_retried_until_the_text_changes(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    held = Held(fail=True)
    held.release.set()
    monkeypatch.setattr(syms, "index", held)
    ed = Editor(tmp_path)
    ed.open(BIG)
    ed.ask()
    await held.wait_entered()
    await ed.reread_ends()
    assert "re-reading" in caplog.text and "a bug in the index walk" in caplog.text
    assert ed.doc.symbols is None and ed.doc not in ed.svc.docs.stale()
    ed.ask()
    assert not ed.rereads() and len(held.threads) == 1
    ed.type(BIG + "\n")
    assert ed.doc in ed.svc.docs.stale()


async def test_a_large_other_document_gets_its_windows_built_off_the_loop(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from vc_lsp.context import reread

    threads: list[int] = []
    real = reread.Windows.build

    def build(text: str, stop: frozenset[str]) -> Any:
        threads.append(threading.get_ident())
        return real(text, stop)

    now = [0.0]
    ed = Editor(tmp_path)
    ed.svc = ContextService(ed.settings, lambda: [str(tmp_path)], clock=lambda: now[0],
                            work=ed.work)
    ed.open(BIG)
    monkeypatch.setattr(reread.Windows, "build", staticmethod(build))
    ed.svc.on_open(new_document((tmp_path / "small.py").as_uri(), "x = 1\n", version=0,
                                language_id="python"))  # typed in last: the big one is other
    for _ in range(4):  # symbols of both, then the big one's windows
        now[0] += 10
        ed.svc._idle_step()
        await ed.reread_ends()
    assert ed.svc.docs.windows_fresh(ed.doc)
    assert threads and threading.get_ident() not in threads


def test_without_an_event_loop_the_idle_work_reads_large_documents_itself() -> None:
    """Scripts (bench/context.py) call ``warm`` until it is done; nothing is left unread."""
    svc = ContextService(Settings())
    svc.on_open(new_document("file:///big.py", BIG, version=0, language_id="python"))
    while svc.engine.warm():
        pass
    doc = svc.docs.get("file:///big.py")
    assert doc is not None and "helper_9" in names(doc)


# -- the walk a range at a time ---------------------------------------------------------------


def samples() -> list[tuple[str, str]]:
    out = []
    for case in CASES:
        for rel, text in case.files.items():
            language = EXTENSIONS.get(rel[rel.rfind("."):]) if "." in rel else None
            if language is not None and text.strip():
                out.append((language, text.replace("|", "")))
    out.append(("python", BIG + "class Box:\n    size = 1\n\n    def grow(self):\n"
                          "        return self.size\n" + "x = (\n"))  # ends in an error
    return out


def test_the_walk_a_range_at_a_time_finds_what_one_whole_query_finds(
        monkeypatch: pytest.MonkeyPatch) -> None:
    def read(language: str, source: bytes, chunk: int | None) -> Any:
        syms._queries.clear()
        if chunk is None:
            monkeypatch.setattr(syms, "split_query", lambda *_: None)
        else:
            monkeypatch.setattr(syms, "CHUNK_BYTES", chunk)
        found = syms.index(language, source, syms.parse(language, source, stop=lambda: False))
        monkeypatch.undo()
        syms._queries.clear()
        return found

    families = set()
    for language, text in samples():
        source = text.encode()
        whole = read(language, source, None)
        assert whole is not None, language
        if whole.definitions:
            families.add(whole.language)
        for chunk in (1, 64, 1 << 30):
            part = read(language, source, chunk)
            assert [dataclasses.astuple(d) for d in part.definitions] == \
                [dataclasses.astuple(d) for d in whole.definitions], (language, chunk)
            assert part.imports == whole.imports and part.package == whole.package
            assert part.default == whole.default
    assert {"python", "typescript", "javascript", "go", "rust", "java"} <= families


def test_queries_are_cut_at_their_root_or_left_whole() -> None:
    assert syms.split_query('(module (a) @d) ; (module (x) (y))\n(class (b "(module"))',
                            "module") == ("(a) @d", '(class (b "(module"))')
    assert syms.split_query("(module (a) (b))", "module") is None  # two children
    assert syms.split_query("(module (a)) @whole", "module") is None  # the root captured
    assert syms.split_query("(module . (a))", "module") is None  # anchored
    assert syms.split_query("(modules (a))", "module") == ("", "(modules (a))")


def test_many_names_at_once_keep_the_sorted_index_sorted(monkeypatch: pytest.MonkeyPatch) -> None:
    docs = Documents()
    texts = {"file:///a.py": BIG, "file:///b.py": large_module(600, "def zzz(): pass\n"),
             "file:///c.py": "def helper_1(): pass\ndef aaa(): pass\n"}
    for uri, text in texts.items():
        doc = OpenDocument(uri, None, "python", 0, Text(text), uri)
        docs.add(doc)
        docs.refresh(doc)
        assert docs.sorted_names == sorted(docs.names())
    docs.remove("file:///a.py")
    assert docs.sorted_names == sorted(docs.names()) and "helper_1000" not in docs.names()
    assert docs.defining("helper_1") == {"file:///b.py", "file:///c.py"}
    monkeypatch.setattr(docs_module, "BISECT_LIMIT", 0)
    docs.remove("file:///b.py")
    assert docs.sorted_names == sorted(docs.names()) == ["aaa", "helper_1"]
