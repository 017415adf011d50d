"""Config blocks taken from editors/*/README.md, so the tests run exactly what users copy.

A block is a fenced code block in a config language, named by the heading it sits under. The
harnesses build each editor's init from these blocks (placeholders such as ``/path/to/vc-lsp``
replaced by the test's paths); ``test_readme_blocks.py`` checks that every config block of a
tested editor's README is used by a harness, so no config line goes untested.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EDITORS = ROOT / "editors"
CONFIG_LANGUAGES = {"elisp", "vim", "lua"}
_FENCE = re.compile(r"^(\s*)```(\w*)\s*$")
_HEADING = re.compile(r"^(#+)\s+(.*?)\s*$")


@dataclass(frozen=True)
class Block:
    readme: str  # e.g. "emacs"
    heading: str  # the nearest heading above the block
    index: int  # the block's place under that heading, from 0
    language: str
    code: str

    @property
    def name(self) -> str:
        return f"{self.readme}: {self.heading} #{self.index}"


def blocks(editor: str) -> list[Block]:
    """Every fenced block of ``editors/<editor>/README.md``, in order."""
    out: list[Block] = []
    heading, counts = "", {}
    inside: tuple[str, str, list[str]] | None = None  # indent, language, lines
    for line in (EDITORS / editor / "README.md").read_text(encoding="utf-8").split("\n"):
        fence = _FENCE.match(line)
        if inside is not None:
            if fence and fence.group(2) == "":
                indent, language, lines = inside
                index = counts.get(heading, 0)
                counts[heading] = index + 1
                out.append(Block(editor, heading, index, language,
                                 "\n".join(x[len(indent):] if x.startswith(indent) else x
                                           for x in lines) + "\n"))
                inside = None
            else:
                inside[2].append(line)
            continue
        if fence:
            inside = (fence.group(1), fence.group(2), [])
        elif match := _HEADING.match(line):
            heading = match.group(2)
    return out


def config_blocks(editor: str) -> list[Block]:
    return [b for b in blocks(editor) if b.language in CONFIG_LANGUAGES]


def block(editor: str, heading: str, index: int = 0) -> Block:
    """The ``index``-th config block under the heading that starts with ``heading``."""
    found = [b for b in config_blocks(editor) if b.heading.startswith(heading)]
    assert len(found) > index, f"editors/{editor}/README.md has no block {index} under {heading!r}"
    return found[index]


def code(selected: list[Block], replacements: dict[str, str], *, strict: bool = True) -> str:
    """The blocks' code, in order, with each placeholder replaced; with ``strict`` every
    placeholder must occur in some block, so a README change cannot silently drop what the
    test relies on."""
    text = "".join(b.code for b in selected)
    for placeholder, value in replacements.items():
        assert placeholder in text or not strict, (
            f"{placeholder!r} is in none of {[b.name for b in selected]}")
        text = text.replace(placeholder, value)
    return text
