"""Vim 9 with ALE 3.3 in a real terminal, set up as editors/vim/README.md says, against the
fake upstream.

Vim runs in a private tmux (80x24) with a fresh HOME whose ``.vimrc`` is the README's ``vim``
blocks, paths filled in; keys are typed with tmux. ``vim/harness.vim`` (sourced with ``--cmd``,
before the vimrc) dials the test's channel in Vim's own JSON channel mode and reports events
(attached, changed, menu, completed, prompt, server-message), so every wait ends on an event.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.conftest import SECRET
from tests.editors import readme
from tests.editors.channel import SAFETY, Channel
from tests.editors.conftest import need
from tests.editors.terminal import Terminal, tmux
from tests.fakes.upstream import FakeUpstream, Reply

HERE = Path(__file__).resolve().parent
HARNESS = HERE / "vim" / "harness.vim"
SERVER = Path(sys.executable).parent / "vc-lsp"
ALE = Path("/usr/share/vim/vimfiles/pack/dist-bundle/opt/ale")  # Debian's vim-ale

VIMRC = [readme.block("vim", "Quick start", 0), readme.block("vim", "Quick start", 1),
         readme.block("vim", "Troubleshooting", 0), readme.block("vim", "Troubleshooting", 1)]
USED = VIMRC  # for test_readme_blocks


@dataclass
class Vim:
    channel: Channel
    terminal: Terminal

    async def keys(self, *keys: str) -> None:
        await self.terminal.keys(*keys)

    async def type(self, text: str) -> None:
        await self.terminal.type(text)

    async def state(self) -> dict[str, Any]:
        return dict(await self.channel.expr("VcTestState()"))


def need_ale() -> None:
    if not ALE.exists():
        need(None, "ALE (apt-get install vim-ale)")


@contextlib.asynccontextmanager
async def vim(tmp: Path, upstream: FakeUpstream, file: str) -> AsyncIterator[Vim]:
    need("vim", "Vim (apt-get install vim vim-ale)")
    need(tmux(), "tmux (apt-get install tmux)")
    need_ale()
    home = tmp / "home"
    home.mkdir()
    log = tmp / "vc-lsp.log"
    (home / ".vimrc").write_text(readme.code(VIMRC, {
        "/path/to/vc-lsp": str(readme.ROOT),
        "/path/to/.venv/bin/vc-lsp": str(SERVER),
        "/tmp/vc-lsp.log": str(log),
    }), encoding="utf-8")
    channel = await Channel().start()
    terminal = Terminal(tmp)
    env = {"HOME": str(home), "PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8",
           "VC_LSP_BASE_URL": upstream.base_url, "VISIONCODER_API_KEY": SECRET,
           "VC_TEST_PORT": str(channel.port)}
    try:
        await terminal.start(["vim", "-i", "NONE", "--cmd", f"source {HARNESS}", file],
                             cwd=tmp, env=env)
        await channel.connected()
        yield Vim(channel, terminal)
    except BaseException:
        with contextlib.suppress(Exception):
            print("--- screen ---\n" + await terminal.screen())
        print("--- events ---\n" + "\n".join(map(repr, channel.log[-40:])))
        if log.exists():
            print("--- server log (tail) ---\n" + "\n".join(
                log.read_text("utf-8", "replace").split("\n")[-40:]))
        raise
    finally:
        await terminal.close()
        await channel.close()
        if log.exists():
            assert SECRET not in log.read_text("utf-8", "replace"), "the key reached the log"


# ASCII only: ALE 3.3 sends byte columns where LSP wants UTF-16 units (see the README).
SOURCE = 'def greet(name):\n    s = "hello"; n = \n\ndef total(xs):\n    \n'
APP = ('import json\n\n\ndef load(path):\n    f = open(path)\n    data = json.load(f)\n'
       '    f.close()\n    return data\n\n\nprint(load("x.json"))\n')


async def until_input(ed: Vim) -> None:
    """Wait for an input() prompt (not the ':' command line the test typed)."""
    while await ed.channel.event("prompt") != "@":
        pass
    await ed.channel.expr("1")  # answered while input() waits for a key: the prompt is drawn


async def complete(ed: Vim, line: int) -> list[str]:
    """``<C-x><C-o>`` at the end of ``line``: the menu shows vc-lsp's item; ``<C-y>`` takes it."""
    await ed.keys("Escape")
    await ed.type(f"{line}G")
    await ed.keys("A", "C-x", "C-o")
    menu = await ed.channel.event("menu")
    assert [item["menu"] for item in menu] == ["vc-lsp"], menu
    await ed.keys("C-y")
    return list((await ed.channel.event("completed"))["lines"])


async def test_vim_ale_completes_and_offers_explain(upstream: FakeUpstream,
                                                   tmp_path: Path) -> None:
    (tmp_path / "demo.py").write_text(SOURCE, encoding="utf-8")
    async with vim(tmp_path, upstream, "demo.py") as ed:
        await ed.channel.event("attached")
        upstream.enqueue(Reply.text("<completion>len(s) + 1</completion>"))
        lines = await complete(ed, 2)
        assert lines[1] == '    s = "hello"; n = len(s) + 1'  # whole, past ALE's '(' cut
        upstream.enqueue(Reply.text("<completion>result = sum(xs)\n    return result"
                                    "</completion>"))
        lines = await complete(ed, 5)
        assert lines == ["def greet(name):", '    s = "hello"; n = len(s) + 1', "",
                         "def total(xs):", "    result = sum(xs)", "    return result"]
        state = await ed.state()
        assert (state["line"], state["col"]) == (6, len("    return result") + 1)
        assert len(upstream.chat_requests) == 2

        # Code actions: ALE cannot apply a server's edits, so Explain is all vc-lsp offers.
        await ed.keys("Escape")
        await ed.type("1G:ALECodeAction")
        await ed.keys("Enter")
        await until_input(ed)  # "Type number and <Enter>"
        offered = re.findall(r"^\d+\) (.*?)\s*$", await ed.terminal.screen(), re.MULTILINE)
        assert offered == ["Explain this code"]
        upstream.enqueue(Reply.text("`greet` says hello.\n"))
        await ed.type("1")
        await ed.keys("Enter")
        [_, _, explain] = await upstream.wait_for_requests(3)
        assert "def greet(name):" in json.dumps(explain.json["messages"])
        await asyncio.wait_for(explain.done.wait(), SAFETY)


async def test_vim_ale_shows_the_explanation(upstream: FakeUpstream, tmp_path: Path) -> None:
    """Explain from :ALECodeAction: the preview window shows the explanation while the model
    writes, the cursor stays in the code; closing the window hangs up the model."""
    (tmp_path / "app.py").write_text(APP, encoding="utf-8")
    async with vim(tmp_path, upstream, "app.py") as ed:
        await ed.channel.event("attached")
        upstream.enqueue(Reply.text(chunks=["`load` reads a JSON file.\n", "It opens it first.\n"],
                                    endless=True, delay=0.05))
        await ed.type("5G:ALECodeAction")
        await ed.keys("Enter")
        await until_input(ed)
        await ed.type("1")
        await ed.keys("Enter")
        request = (await upstream.wait_for_requests(1))[-1]
        while True:
            shown = await ed.channel.event("explanation")
            if "It opens it first." in shown["lines"]:
                break
        assert shown["lines"][0] == "`load` reads a JSON file."
        assert shown["shown"] and shown["here"] == "app.py"
        assert not request.completed  # while the model still writes
        assert "reads a JSON file" in shown["screen"]  # on the screen, in its window
        assert (await ed.state())["line"] == 5
        await ed.keys("Escape")
        await ed.type(":pclose")
        await ed.keys("Enter")
        await asyncio.wait_for(request.hung_up.wait(), SAFETY)
