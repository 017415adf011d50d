"""Offsets at the edges of a document, in each encoding (documents.Document)."""

from __future__ import annotations

import pytest
from lsprotocol import types

from vc_lsp.documents import Document, new_document


def _doc(text: str, encoding: str = "utf-16") -> Document:
    return new_document("file:///a.py", text, encoding=encoding)


@pytest.mark.parametrize(("encoding", "column"), [("utf-8", 6), ("utf-16", 4), ("utf-32", 3)])
def test_the_end_of_a_last_line_without_a_line_break(encoding: str, column: int) -> None:
    doc = _doc("a = 1\nb😀c", encoding)
    assert doc.client_position_at_offset(len(doc.source)) == types.Position(1, column)


def test_the_end_after_a_final_line_break_is_the_next_line() -> None:
    doc = _doc("a\n")
    assert doc.client_position_at_offset(2) == types.Position(1, 0)


def test_clamped_offsets_stay_inside_the_document() -> None:
    doc = _doc("ab\ncd\n")
    assert doc.offset_at_position(types.Position(0, 99)) == 2
    assert doc.offset_at_position(types.Position(9, 0)) == 6
    assert doc.offset_at_position(types.Position(1, 1)) == 4
