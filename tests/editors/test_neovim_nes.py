"""Next-edit suggestions in a real Neovim 0.11 with editors/neovim, against the fake upstream.

The user renames a parameter in normal mode (``ciw``); after the pause the suggestion for the
next use appears on another line (extmarks, told by ``User VcNextEditShown``); the jump key
moves there, the accept key applies it, the next use follows without another request, and the
buffer ends with exactly the text the model predicted.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.editors.test_neovim import Nvim, changed_until, neovim, nvim_binary  # noqa: F401
from tests.fakes.upstream import FakeUpstream, Reply
from tests.nes_cases import PY_AREA

PREDICTED = PY_AREA.replace("w", "width")


def answer(body: Any) -> Reply:
    prompt = str(body["messages"][-1]["content"])
    if "<|editable_region_start|>" in prompt:  # a next-edit prediction
        return Reply.text(f"```python\n{PREDICTED}```\n")
    return Reply.text("")


async def press(nv: Nvim, keys: str) -> None:
    """Keys typed and run to the end before this returns (mappings included)."""
    await nv.lua("vim.api.nvim_feedkeys(vim.api.nvim_replace_termcodes(..., true, false, true),"
                 " 'mx', false)", keys)


@pytest.fixture(autouse=True)
def next_edits_on(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VC_TEST_NES", "1")  # tests/editors/nvim/init.lua turns them on


async def test_neovim_shows_the_next_edit_elsewhere_and_accepts_it(
        nvim_binary: str, upstream: FakeUpstream, tmp_path: Path) -> None:  # noqa: F811
    (tmp_path / "area.py").write_text(PY_AREA, encoding="utf-8")
    upstream.responder = answer
    async with neovim(nvim_binary, upstream, tmp_path) as nv:
        await nv.request("nvim_command", "edit area.py")
        await nv.event("attached")
        await nv.lua("vc_test_watch(vim.api.nvim_get_current_buf())")
        await nv.request("nvim_win_set_cursor", 0, [1, 9])  # on the w of area(w, h)
        await nv.keys("ciwwidth<Esc>")
        shown = await nv.event("nes-shown")
        assert shown["lines"][0] == "def area(width, h):"
        assert shown["line"] == 1 and shown["text"] == "idth"  # another line than the edit
        assert shown["cursor"][0] == 1  # the cursor is still on the renamed line
        marks = await nv.lua("return #vim.api.nvim_buf_get_extmarks(0, "
                             "require('vc_lsp.nes').namespace, 0, -1, {})")
        assert marks >= 2  # the edit itself and the hint
        await press(nv, "<M-n>")  # jump
        assert await nv.lua("return vim.api.nvim_win_get_cursor(0)") == [2, len("    if w")]
        await press(nv, "<M-y>")  # accept: applied, and the next use is offered at once
        second = await nv.event("nes-shown")
        assert second["lines"][1] == "    if width <= 0:"
        assert second["line"] == 2
        await press(nv, "<M-y>")
        third = await nv.event("nes-shown")
        assert third["line"] == 3
        assert len(upstream.chat_requests) == 1  # the later uses came from the same answer
        await press(nv, "<M-y>")
        await changed_until(nv, PREDICTED.rstrip("\n").split("\n"))
        commands = await nv.lua("return vim.tbl_keys(vim.api.nvim_get_commands({}))")
        assert {"VcNextEdit", "VcAcceptEdit", "VcDismissEdit"} <= set(commands)


async def test_neovim_dismiss_key_removes_the_suggestion(
        nvim_binary: str, upstream: FakeUpstream, tmp_path: Path) -> None:  # noqa: F811
    (tmp_path / "area.py").write_text(PY_AREA, encoding="utf-8")
    upstream.responder = answer
    async with neovim(nvim_binary, upstream, tmp_path) as nv:
        await nv.request("nvim_command", "edit area.py")
        await nv.event("attached")
        await nv.request("nvim_win_set_cursor", 0, [1, 9])
        await nv.keys("ciwwidth<Esc>")
        await nv.event("nes-shown")
        await press(nv, "<M-d>")
        marks = await nv.lua("return #vim.api.nvim_buf_get_extmarks(0, "
                             "require('vc_lsp.nes').namespace, 0, -1, {})")
        assert marks == 0
        await press(nv, "<M-y>")  # nothing left to accept: the buffer stays as it is
        lines = await nv.lua("return vim.api.nvim_buf_get_lines(0, 0, -1, false)")
        assert lines == PY_AREA.replace("(w,", "(width,").rstrip("\n").split("\n")
