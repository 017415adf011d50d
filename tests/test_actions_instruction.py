"""instruction.py: ``vc:`` comments in each language's comment syntax, found and removed."""

from __future__ import annotations

import pytest

from vc_lsp.actions import instruction
from vc_lsp.actions.tracking import Span


@pytest.mark.parametrize(("line", "language", "expected"), [
    ("# vc: make this async", "python", ("make this async", 0)),
    ("    #vc:   add retries  ", "python", ("add retries", 4)),
    ("# VC: Shout", "python", ("Shout", 0)),
    ("// vc: use a map", "go", ("use a map", 0)),
    ("x := 1 // vc: rename x", "go", ("rename x", 7)),
    ("-- vc: make it local", "lua", ("make it local", 0)),
    ("; vc: tail recursion", "clojure", ("tail recursion", 0)),
    ("% vc: use align", "latex", ("use align", 0)),
    ("<!-- vc: shorter -->", "markdown", ("shorter", 0)),
    ("/* vc: flexbox */", "css", ("flexbox", 0)),
    ("/* vc: const */", "javascript", ("const", 0)),
    ("# vc: anything", "unknown-language", ("anything", 0)),
    ("// vc: anything", "unknown-language", ("anything", 0)),
])
def test_parse_line(line: str, language: str, expected: tuple[str, int]) -> None:
    assert instruction.parse_line(line, language) == expected


@pytest.mark.parametrize(("line", "language"), [
    ("# just a comment", "python"),
    ("// vc: is not a python comment", "python"),
    ('s = "#vc: in a string"', "python"),
    ("# vc:", "python"),
    ("x = vc: 1", "python"),
])
def test_not_an_instruction(line: str, language: str) -> None:
    assert instruction.parse_line(line, language) is None


def test_find_inside_the_selection_and_remove_the_line() -> None:
    text = "def f():\n    # vc: return two\n    return 1\n"
    found = instruction.find(text, Span(0, len(text)), "python")
    assert found is not None and found.text == "return two" and found.whole_line
    assert instruction.remove(text, found) == "def f():\n    return 1\n"


def test_find_just_above_the_selection() -> None:
    text = "x = 1\n# vc: make this async\n# (it is slow)\ndef f():\n    pass\n"
    region = Span(text.index("def"), len(text))
    found = instruction.find(text, region, "python")
    assert found is not None and found.text == "make this async"
    assert found.line == Span(text.index("# vc"), text.index("# (it"))


def test_not_found_above_past_code() -> None:
    text = "# vc: old\nx = 1\ndef f():\n    pass\n"
    assert instruction.find(text, Span(text.index("def"), len(text)), "python") is None


def test_a_trailing_comment_is_cut_from_its_line() -> None:
    text = "total = a+b  # vc: use sum()\nprint(total)\n"
    found = instruction.find(text, Span(0, len(text)), "python")
    assert found is not None and not found.whole_line
    assert instruction.remove(text, found) == "total = a+b\nprint(total)\n"


def test_is_instruction_only_for_whole_comment_lines() -> None:
    assert instruction.is_instruction("  # vc: do it", "python")
    assert not instruction.is_instruction("x = 1  # vc: do it", "python")
