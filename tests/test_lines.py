"""LSP line breaks only: form feed, NEL and U+2028 stay inside their line."""

from __future__ import annotations

import pytest

from vc_lsp.lines import line_starts, split_lines, strip_break


@pytest.mark.parametrize("text", ["", "a", "a\n", "a\r\nb", "a\rb\r", "\n\n", "a\r\n\rb"])
def test_split_matches_splitlines_for_lsp_breaks(text: str) -> None:
    assert split_lines(text) == text.splitlines(keepends=True)
    assert "".join(split_lines(text)) == text


@pytest.mark.parametrize("other", ["\f", "\v", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"])
def test_other_breaks_stay_inside_the_line(other: str) -> None:
    text = f"one{other}two\nthree"
    assert split_lines(text) == [f"one{other}two\n", "three"]
    assert line_starts(text) == [0, 8]


def test_line_starts_and_strip() -> None:
    assert line_starts("a\r\nb\rc\n") == [0, 3, 5, 7]
    assert [strip_break(x) for x in split_lines("a\r\nb\rc\n")] == ["a", "b", "c"]
