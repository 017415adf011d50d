"""vc-lsp's status in Emacs's mode line, with Eglot and with lsp-mode set up as
editors/emacs/README.md says: `vc-lsp` when ready, what is wrong and what to do after a 401,
well again after an answer; `C-c v w` says why the empty answer was empty."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import SAFETY
from tests.editors.test_emacs import (
    EGLOT,
    LSP_MODE,
    SOURCE,
    Emacs,
    attach,
    emacs,
    lsp_attach,
    wait_message,
)
from tests.fakes.upstream import FakeUpstream, Reply

# Tell the test each status vc-lsp.el receives, through its public hook.
TELL = ("(add-hook 'vc-lsp-status-functions (lambda (s) (vc-test-tell \"status\" "
        "(list :kind (plist-get s :kind) :line (vc-lsp-status-string)))))\n")


async def status(ed: Emacs, kind: str) -> dict[str, Any]:
    while (event := await ed.channel.event("status"))["kind"] != kind:
        pass
    return dict(event)


async def mode_line(ed: Emacs, shows: str = "") -> tuple[str, str]:
    """The selected window's mode line as Emacs renders it, and its row on the screen (the
    first 80 columns of it), once that row ``shows`` the given text if it ever does (tmux's
    copy of the screen can lag Emacs's redisplay)."""
    text = str(await ed.channel.expr("(format-mode-line mode-line-format)"))

    async def row() -> str:
        while True:  # each round asks Emacs to redraw, then reads the terminal: no sleep
            await ed.channel.expr("(progn (force-mode-line-update t) (redisplay t))")
            screen = await ed.terminal.screen()
            found = next((line for line in screen.split("\n")
                          if "demo.py" in line and " L" in line), "")
            if shows in found:
                return found
    try:
        return text, await asyncio.wait_for(row(), SAFETY / 2)
    except asyncio.TimeoutError:
        screen = await ed.terminal.screen()
        return text, next((line for line in screen.split("\n")
                           if "demo.py" in line and " L" in line), "")


@pytest.mark.parametrize(("client", "place"), [("eglot", "t"), ("lsp-mode", "'front")])
async def test_emacs_mode_line_shows_the_servers_status(upstream: FakeUpstream, tmp_path: Path,
                                                        client: str, place: str) -> None:
    """At the end of the mode line (the default: cut off in an 80-column terminal with
    Eglot's own indicator, so checked in what Emacs renders) and before the modes (on the
    screen)."""
    (tmp_path / "demo.py").write_text(SOURCE, encoding="utf-8")
    setup = EGLOT if client == "eglot" else LSP_MODE
    extra = TELL + f"(setq vc-lsp-mode-line {place})\n"
    async with emacs(tmp_path, upstream, setup, "demo.py", extra) as ed:
        if client == "eglot":
            await attach(ed, "eglot")
        else:
            await lsp_attach(ed)
        ready = await status(ed, "Normal")
        assert ready["line"] == "vc-lsp"
        text, row = await mode_line(ed)
        assert "vc-lsp" in text and ("vc-lsp" in row or place == "t"), (text, row)

        upstream.default = Reply.error(401)  # company's own requests (lsp-mode) too
        await ed.goto_line(2)
        await ed.keys("C-e", "C-M-i")
        error = await status(ed, "Error")
        assert error["line"].startswith("vc-lsp: API key rejected by 127.0.0.1")
        text, row = await mode_line(ed, "vc-lsp: API key rejected" if place == "'front" else "")
        assert "vc-lsp: API key rejected" in text
        if place == "'front":
            assert "vc-lsp: API key rejected" in row, row

        await ed.keys("C-c", "v", "w")  # why the last completion was empty
        said = await wait_message(ed, "demo.py")
        assert "rejected the API key" in said or "VISIONCODER_API_KEY" in said, said
