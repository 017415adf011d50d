"""Emacs 28 in a real terminal, with Eglot 1.9 or lsp-mode 8 set up as editors/emacs/README.md
says, against the fake upstream.

Emacs runs as ``emacs -nw`` in a private tmux (80x24) with a fresh HOME whose init file is the
README's ``elisp`` blocks, paths filled in; keys are typed with tmux as a person types them.
``emacs/harness.el`` (loaded after the init) dials the test's channel and reports events
(attached, changed, message, prompt), so every wait ends on an event.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import subprocess
import sys
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.conftest import SECRET
from tests.editors import readme
from tests.editors.channel import SAFETY, Channel
from tests.editors.conftest import need
from tests.editors.terminal import Terminal, tmux
from tests.fakes.upstream import FakeUpstream, RecordedRequest, Reply

HERE = Path(__file__).resolve().parent
HARNESS = HERE / "emacs" / "harness.el"
SERVER = Path(sys.executable).parent / "vc-lsp"  # the console script of this environment

COMMON = [readme.block("emacs", "Quick start", 0), readme.block("emacs", "Quick start", 1),
          readme.block("emacs", "Troubleshooting", 1)]
EGLOT = [*COMMON, readme.block("emacs", "Eglot", 0), readme.block("emacs", "Settings", 0)]
LSP_MODE = [*COMMON, *(readme.block("emacs", "lsp-mode", i) for i in range(3)),
            readme.block("emacs", "Troubleshooting", 0)]
USED = [*EGLOT, *LSP_MODE]  # for test_readme_blocks

# "[eglot] Server reports (type=3): vc-lsp: ..." / "LSP :: vc-lsp: ...": the server's own text.
_PREFIX = re.compile(r"^(\[eglot\] Server reports \(type=\d\): |LSP :: )")


def server_messages(texts: list[str]) -> list[str]:
    own = [_PREFIX.sub("", t) for t in texts if _PREFIX.match(t)]
    return [t for t in own if t.startswith("vc-lsp: ")]


@dataclass
class Emacs:
    channel: Channel
    terminal: Terminal
    log: Path
    lines: list[str] = field(default_factory=list)

    async def keys(self, *keys: str) -> None:
        await self.terminal.keys(*keys)

    async def type(self, text: str) -> None:
        await self.terminal.type(text)

    async def prompt(self) -> str:
        return str(await self.channel.event("prompt"))

    async def answer(self, text: str) -> str:
        """Wait for the minibuffer to ask, then type ``text`` and RET; returns the prompt."""
        asked = await self.prompt()
        await self.type(text)
        await self.keys("Enter")
        return asked

    async def goto_line(self, line: int) -> None:
        await self.keys("M-g", "g")
        await self.answer(str(line))

    async def until(self, wanted: Callable[[list[str]], bool],
                    timeout: float = SAFETY) -> list[list[str]]:
        """Buffer states (from ``changed`` events) until one satisfies ``wanted``."""
        states: list[list[str]] = []
        while True:
            lines = list((await self.channel.event("changed", timeout))["lines"])
            if not states or states[-1] != lines:
                states.append(lines)
            self.lines = lines
            if wanted(lines):
                return states

    async def text(self) -> list[str]:
        return list(await self.channel.expr("(vc-test-lines)"))

    def messages(self) -> list[str]:
        return [str(m) for m in self.channel.seen("message")]


def init_file(selected: list[readme.Block], log: Path, extra: str = "") -> str:
    return readme.code(selected, {
        "/path/to/vc-lsp": str(readme.ROOT),
        "/path/to/.venv/bin/vc-lsp": str(SERVER),
        '"vc-lsp" "--log-file"': f'"{SERVER}" "--log-file"',
        "/tmp/vc-lsp.log": str(log),
    }) + extra


@contextlib.asynccontextmanager
async def emacs(tmp: Path, upstream: FakeUpstream, selected: list[readme.Block], file: str,
                extra: str = "") -> AsyncIterator[Emacs]:
    need("emacs", "Emacs (apt-get install emacs-nox elpa-eglot elpa-lsp-mode elpa-company)")
    need(tmux(), "tmux (apt-get install tmux)")
    home = tmp / "home"
    (home / ".emacs.d").mkdir(parents=True)
    log = tmp / "vc-lsp.log"
    (home / ".emacs.d" / "init.el").write_text(init_file(selected, log, extra), encoding="utf-8")
    channel = await Channel(newline=True).start()
    terminal = Terminal(tmp)
    env = {"HOME": str(home), "PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8",
           "VC_LSP_BASE_URL": upstream.base_url, "VISIONCODER_API_KEY": SECRET,
           "VC_TEST_PORT": str(channel.port)}
    try:
        await terminal.start(["emacs", "-nw", "-l", str(HARNESS), file], cwd=tmp, env=env)
        await channel.connected()
        editor = Emacs(channel, terminal, log)
        yield editor
    except BaseException:
        with contextlib.suppress(Exception):
            print("--- screen ---\n" + await terminal.screen())
        print("--- events ---\n" + "\n".join(map(repr, channel.log[-40:])))
        if log.exists():
            print("--- server log (tail) ---\n" + "\n".join(
                log.read_text("utf-8", "replace").split("\n")[-60:]))
        raise
    finally:
        await terminal.close()
        await channel.close()
        if log.exists():
            assert SECRET not in log.read_text("utf-8", "replace"), "the key reached the log"


SOURCE = 'def greet(name):\n    s = "日本語😀"; n = \n\ndef total(xs):\n    \n'
OLD_LOAD = (
    "def load(path):\n"
    "    f = open(path)\n"
    "    data = json.load(f)\n"
    "    f.close()\n"
    "    return data\n"
)
APP = f'import json\n\n\n{OLD_LOAD}\n\nprint(load("x.json"))\n'  # load() is on lines 4-8
NEW_LOAD = (
    "def load(path):\n"
    "    with open(path) as f:\n"
    "        data = json.load(f)\n"
    "    return data\n"
)


def lines_of(text: str) -> list[str]:
    return text.split("\n")


def by_line(answer: str, delay: float) -> Reply:
    return Reply.text(answer, chunks=answer.splitlines(keepends=True), delay=delay)


async def attach(ed: Emacs, client: str) -> None:
    attached = await ed.channel.event("attached")
    assert attached["client"] == client
    if client == "eglot":  # vc-lsp.el's own server class, whose edits need no y/n
        assert attached["server"] == "vc-lsp-eglot-server"


async def completes(ed: Emacs, upstream: FakeUpstream) -> None:
    """C-M-i at the end of a line shows vc-lsp's suggestion and inserts it whole; a
    suggestion of two lines too."""
    upstream.enqueue(Reply.text("<completion>len(s) + 1</completion>"))
    await ed.goto_line(2)
    await ed.keys("C-e", "C-M-i")
    await ed.until(lambda lines: lines[1] == '    s = "日本語😀"; n = len(s) + 1')
    assert "<FILL_HERE>" in hole_line(upstream.chat_requests[-1])

    upstream.enqueue(Reply.text("<completion>result = sum(xs)\n    return result</completion>"))
    await ed.goto_line(5)
    await ed.keys("C-e", "C-M-i")
    done = await ed.until(lambda lines: lines[4:6] == ["    result = sum(xs)",
                                                        "    return result"])
    assert done[-1] == ["def greet(name):", '    s = "日本語😀"; n = len(s) + 1', "",
                        "def total(xs):", "    result = sum(xs)", "    return result", ""]
    state = await ed.channel.expr("(vc-test-state)")
    assert (state["line"], state["column"]) == (6, len("    return result"))


def hole_line(req: RecordedRequest) -> str:
    prompt = str(req.json["messages"][-1]["content"])
    return next(line for line in prompt.split("\n") if "<FILL_HERE>" in line)


async def streams_an_edit(ed: Emacs, upstream: FakeUpstream) -> None:
    """C-c v i in the function body, the instruction at the prompt: the edit streams in."""
    upstream.enqueue(by_line(f"```python\n{NEW_LOAD}```\n", delay=0.05))
    await ed.goto_line(5)
    await ed.keys("C-c", "v", "i")
    assert "edit" in await ed.answer("use a with block")
    edited = lines_of(APP.replace(OLD_LOAD, NEW_LOAD))
    states = await ed.until(lambda lines: lines == edited)
    assert len(states) > 1, "the edit should arrive in several steps while the model writes"
    assert "use a with block" in str(upstream.chat_requests[-1].json["messages"])


async def typing_stops(ed: Emacs, upstream: FakeUpstream, original: list[str]) -> None:
    """An edit that never ends; a keystroke elsewhere hangs up the model and is kept."""
    upstream.enqueue(Reply.text(chunks=["```python\n", "def load(path):\n",
                                        "    pass  # more\n"], endless=True, delay=0.02))
    await ed.goto_line(5)
    await ed.keys("C-c", "v", "i")
    await ed.answer("make it faster")
    await ed.until(lambda lines: lines != original)  # the first streamed line is in
    request = upstream.chat_requests[-1]
    await ed.keys("M->")
    await ed.type("#")
    await asyncio.wait_for(request.hung_up.wait(), SAFETY)
    typed = [*original[:-1], "#"]
    await ed.until(lambda lines: lines == typed)  # the region is back, the keystroke kept
    assert not request.completed
    await wait_message(ed, "stopped")


async def wait_message(ed: Emacs, contains: str) -> str:
    while True:
        for text in server_messages(ed.messages()):
            if contains in text:
                return text
        await ed.channel.event("message")


def check_messages(ed: Emacs) -> None:
    """Every message of vc-lsp's fits one line of an 80-column screen."""
    for text in server_messages(ed.messages()):
        assert "\n" not in text and len(text) <= 80, f"too long for one line: {text!r}"


# -- Eglot -----------------------------------------------------------------------------------

async def test_eglot_completes_edits_and_stops(upstream: FakeUpstream, tmp_path: Path) -> None:
    (tmp_path / "demo.py").write_text(SOURCE, encoding="utf-8")
    (tmp_path / "app.py").write_text(APP, encoding="utf-8")
    async with emacs(tmp_path, upstream, EGLOT, "demo.py") as ed:
        await attach(ed, "eglot")
        await completes(ed, upstream)
        await ed.keys("C-x", "C-f")
        await ed.answer("app.py")
        await attach(ed, "eglot")
        await streams_an_edit(ed, upstream)
        await ed.keys("C-x", "u")  # undo the edit, back to the original text
        original = lines_of(APP)
        await ed.until(lambda lines: lines == original)
        await typing_stops(ed, upstream, original)
        assert not [p for p in ed.channel.seen("prompt") if "Server wants to edit" in str(p)]
        check_messages(ed)


# -- lsp-mode ---------------------------------------------------------------------------------

async def lsp_attach(ed: Emacs) -> None:
    """lsp-mode asks once where the project root is; a person answers ``i`` (import)."""
    asked = await ed.prompt()
    assert "project" in asked.lower(), asked
    await ed.keys("i")
    await attach(ed, "lsp-mode")


async def test_lsp_mode_completes_edits_and_stops(upstream: FakeUpstream,
                                                  tmp_path: Path) -> None:
    (tmp_path / "demo.py").write_text(SOURCE, encoding="utf-8")
    (tmp_path / "app.py").write_text(APP, encoding="utf-8")
    async with emacs(tmp_path, upstream, LSP_MODE, "demo.py") as ed:
        await lsp_attach(ed)
        await completes(ed, upstream)
        await ed.keys("C-x", "C-f")
        await ed.answer("app.py")
        await attach(ed, "lsp-mode")
        await streams_an_edit(ed, upstream)
        await ed.keys("C-x", "u")
        original = lines_of(APP)
        await ed.until(lambda lines: lines == original)
        await typing_stops(ed, upstream, original)
        check_messages(ed)


def test_vc_lsp_el_byte_compiles_without_warnings(tmp_path: Path) -> None:
    emacs_binary = need("emacs", "Emacs (apt-get install emacs-nox)")
    copy = tmp_path / "vc-lsp.el"
    copy.write_bytes((readme.EDITORS / "emacs" / "vc-lsp.el").read_bytes())
    done = subprocess.run([emacs_binary, "--batch", "-Q", "--eval",
                           "(setq byte-compile-error-on-warn t)", "-f", "batch-byte-compile",
                           str(copy)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr


# -- defects the lead fixes in the actions core (strict xfail: each must still fail) ---------

async def say_yes(ed: Emacs) -> None:
    """Answer Eglot's "Server wants to edit ... Proceed?" with y, every time it asks."""
    while True:
        asked = await ed.prompt()
        if "Server wants to edit" in asked:
            await ed.keys("y")


async def test_eglot_confirming_each_edit_gets_the_right_text(upstream: FakeUpstream,
                                                              tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(APP, encoding="utf-8")
    async with emacs(tmp_path, upstream, EGLOT, "app.py",
                     "(setq vc-lsp-eglot-confirm-edits t)\n") as ed:
        await attach(ed, "eglot")
        upstream.enqueue(by_line(f"```python\n{NEW_LOAD}```\n", delay=0.05))
        await ed.goto_line(5)
        await ed.keys("C-c", "v", "i")
        await ed.answer("use a with block")
        yes = asyncio.ensure_future(say_yes(ed))
        try:
            edited = lines_of(APP.replace(OLD_LOAD, NEW_LOAD))
            await ed.until(lambda lines: lines == edited, timeout=5)
            await upstream.chat_requests[-1].done.wait()
            assert ed.lines == edited
            assert not [m for m in server_messages(ed.messages()) if "stopped" in m]
        finally:
            yes.cancel()


EXPLANATION_BUFFER = "*vc-lsp explanation*"


async def buffer_until(ed: Emacs, buffer: str, wanted: Callable[[list[str]], bool]) -> list[str]:
    """The lines of ``buffer`` once a change there satisfies ``wanted``."""
    while True:
        changed = await ed.channel.event("changed")
        if changed["buffer"] == buffer and wanted(list(changed["lines"])):
            return list(changed["lines"])


@pytest.mark.parametrize(("client", "stop"), [("eglot", "C-c C-k"), ("lsp-mode", "q")])
async def test_explain_fills_a_buffer_while_it_streams(upstream: FakeUpstream, tmp_path: Path,
                                                       client: str, stop: str) -> None:
    """C-c v e: the explanation shows in a window beside the code and fills in while the
    model writes; the cursor stays in the code. In the explanation, C-c C-k stops the model
    and says so in the header line; q closes the buffer and stops it too. Nothing is said in
    more than one line."""
    (tmp_path / "app.py").write_text(APP, encoding="utf-8")
    async with emacs(tmp_path, upstream, EGLOT if client == "eglot" else LSP_MODE,
                     "app.py") as ed:
        if client == "eglot":
            await attach(ed, "eglot")
        else:
            await lsp_attach(ed)
        upstream.enqueue(Reply.text(chunks=["`load` opens the file.\n", "It reads JSON.\n"],
                                    endless=True, delay=0.05))
        await ed.goto_line(5)
        await ed.keys("C-c", "v", "e")
        request = (await upstream.wait_for_requests(1))[-1]
        lines = await buffer_until(ed, EXPLANATION_BUFFER,
                                   lambda lines: "It reads JSON." in lines)
        assert lines[0] == "`load` opens the file."
        assert not request.completed  # while the model still writes
        state = await ed.channel.expr(
            f'(list :shown (if (get-buffer-window "{EXPLANATION_BUFFER}") t :false)'
            f' :here (buffer-name) :header (with-current-buffer "{EXPLANATION_BUFFER}"'
            ' (format-mode-line header-line-format)))')
        assert state["shown"] is True and state["here"] == "app.py"
        assert "app.py, lines 4-8" in state["header"] and "C-c C-k stops" in state["header"]
        await ed.keys("C-x", "o")  # into the explanation's window
        await ed.keys(*stop.split())
        await asyncio.wait_for(request.hung_up.wait(), SAFETY)
        if stop == "q":
            assert await ed.channel.expr(
                f'(if (get-buffer "{EXPLANATION_BUFFER}") t :false)') is False
        else:
            while True:  # the server's last update: stopped, and the text stays to read
                update = await ed.channel.event("explanation")
                if "stopped (cancelled)" in update["header"]:
                    break
            assert "It reads JSON." in await ed.channel.expr(
                f'(with-current-buffer "{EXPLANATION_BUFFER}" (buffer-string))')
        check_messages(ed)
