"""positions.py: offsets at the edges of a document, in each encoding."""

from __future__ import annotations

import pytest
from lsprotocol import types
from pygls.workspace import PositionCodec, TextDocument

from vc_lsp import positions


def _doc(text: str, encoding: str = "utf-16") -> TextDocument:
    return TextDocument("file:///a.py", source=text, position_codec=PositionCodec(encoding))


@pytest.mark.parametrize(("encoding", "column"), [("utf-8", 6), ("utf-16", 4), ("utf-32", 3)])
def test_the_end_of_a_last_line_without_a_line_break(encoding: str, column: int) -> None:
    doc = _doc("a = 1\nb😀c", encoding)
    assert positions.position_at(doc, len(doc.source)) == types.Position(1, column)


def test_the_end_after_a_final_line_break_is_the_next_line() -> None:
    doc = _doc("a\n")
    assert positions.position_at(doc, 2) == types.Position(1, 0)


def test_clamped_offsets_stay_inside_the_document() -> None:
    doc = _doc("ab\ncd\n")
    assert positions.offset_at_clamped(doc, types.Position(0, 99)) == 2
    assert positions.offset_at_clamped(doc, types.Position(9, 0)) == 6
    assert positions.offset_at_clamped(doc, types.Position(1, 1)) == 4
