"""Every config block in the READMEs of the editors we test is loaded by a real-editor test."""

from __future__ import annotations

import pytest

from tests.editors import readme, test_config_files, test_emacs, test_neovim, test_vim

USED = {"emacs": test_emacs.USED, "vim": test_vim.USED, "neovim": test_neovim.USED}
# Editors CI cannot run: every block but the shell ones (install, doctor) is fed to the server
# by test_config_files.py, config files and `vc:` examples alike.
EMULATED = {"helix": test_config_files.HELIX_USED, "sublime": test_config_files.SUBLIME_USED,
            "zed": test_config_files.ZED_USED}


@pytest.mark.parametrize("editor", sorted(USED))
def test_every_config_block_is_run_by_a_test(editor: str) -> None:
    blocks = readme.config_blocks(editor)
    assert blocks, f"editors/{editor}/README.md has no config block"
    unused = [b.name for b in blocks if b not in USED[editor]]
    assert unused == [], f"not run by any test: {unused}"


@pytest.mark.parametrize("editor", sorted(EMULATED))
def test_every_block_of_an_emulated_editor_is_run_by_a_test(editor: str) -> None:
    blocks = [b for b in readme.blocks(editor) if b.language != "sh"]
    assert blocks, f"editors/{editor}/README.md has no block to test"
    unused = [b.name for b in blocks if b not in EMULATED[editor]]
    assert unused == [], f"not run by any test: {unused}"


def test_blocks_are_found_under_their_headings() -> None:
    [block] = [b for b in readme.blocks("vim") if b.heading == "Quick start" and b.index == 1]
    assert block.language == "vim" and "vc-lsp.vim" in block.code
    assert not block.code.startswith(" ")  # the list item's indentation is removed
