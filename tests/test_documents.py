"""The document model against a plain string: every change, offset and position agrees.

Blocks are made tiny here so that random edits split and merge them all the time; the texts mix
every LSP line break with the characters ``str.splitlines`` would wrongly break at, and CJK,
emoji and combining marks for the three position encodings.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lsprotocol import types

from vc_lsp import documents
from vc_lsp.documents import Document, Text, index_of, new_document, units
from vc_lsp.lines import split_lines, strip_break

ENCODINGS = ["utf-8", "utf-16", "utf-32"]
PIECES = ["a", "bc", " ", "\t", "\n", "\r\n", "\r", "\f", "\x0b", "\x85", "\u2028", "é", "中",
          "😀", "e\u0301", "{", "}"]
texts = st.lists(st.sampled_from(PIECES), max_size=60).map("".join)


@pytest.fixture(autouse=True)
def tiny_blocks(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(documents, "BLOCK_TARGET", 3)
    monkeypatch.setattr(documents, "BLOCK_MAX", 5)
    monkeypatch.setattr(documents, "BLOCK_MIN", 2)
    yield


def _units(text: str, encoding: str) -> int:
    if encoding == "utf-8":
        return len(text.encode("utf-8", "surrogatepass"))
    if encoding == "utf-16":
        return sum(2 if ord(c) > 0xFFFF else 1 for c in text)
    return len(text)


def reference_position(source: str, offset: int, encoding: str) -> types.Position:
    """The position of an offset, counting lines with LSP's breaks, the slow obvious way."""
    lines = split_lines(source)
    start = 0
    for n, line in enumerate(lines):
        body = strip_break(line)
        if offset <= start + len(body) or (offset < start + len(line)):
            return types.Position(n, _units(body[:offset - start], encoding))
        start += len(line)
    if lines and not lines[-1].endswith(("\n", "\r")):
        return types.Position(len(lines) - 1, _units(strip_break(lines[-1]), encoding))
    return types.Position(len(lines), 0)


@settings(max_examples=300, deadline=None)
@given(texts, st.lists(st.tuples(st.integers(0, 80), st.integers(0, 80), texts), max_size=12))
def test_replacing_by_offsets_matches_string_slicing(start: str,
                                                     edits: list[tuple[int, int, str]]) -> None:
    text, model = Text(start), start
    for a, b, new in edits:
        a, b = sorted((min(a, len(model)), min(b, len(model))))
        text.replace(a, b, new)
        model = model[:a] + new + model[b:]
        assert len(text) == len(model)
        assert text.line_count == len(split_lines(model))
    assert text.source == model
    for n, line in enumerate(split_lines(model)):
        assert text.line(n) == line
        assert text.line_start(n) == sum(map(len, split_lines(model)[:n]))
    for a in range(len(model) + 1):
        assert text.slice(a, a + 7) == model[a:a + 7]


def _reference_common(a: str, b: str, cap: int | None) -> tuple[int, int]:
    short = min(len(a), len(b))
    prefix = next((i for i in range(short) if a[i] != b[i]), short)
    prefix = prefix if cap is None else min(prefix, cap)
    tail = next((i for i in range(short) if a[-1 - i] != b[-1 - i]), short)
    return prefix, min(tail, short - prefix)


@settings(max_examples=300, deadline=None)
@given(texts, st.lists(st.tuples(st.integers(0, 80), st.integers(0, 80), texts), max_size=4),
       st.one_of(st.none(), st.integers(0, 80)))
def test_common_affixes_of_two_versions_match_the_strings(
        start: str, edits: list[tuple[int, int, str]], cap: int | None) -> None:
    """Versions share blocks; ``common`` must still count exactly what the strings share."""
    old = Text(start)
    new, model = old.copy(), start
    for a, b, piece in edits:
        a, b = sorted((min(a, len(model)), min(b, len(model))))
        new.replace(a, b, piece)
        model = model[:a] + piece + model[b:]
    assert old.common(new, prefix_at_most=cap) == _reference_common(start, model, cap)
    assert new.common(old, prefix_at_most=cap) == _reference_common(model, start, cap)


@settings(max_examples=200, deadline=None)
@given(texts, st.sampled_from(ENCODINGS))
def test_positions_and_offsets_round_trip(source: str, encoding: str) -> None:
    doc = new_document("file:///a.txt", source, encoding=encoding)
    for offset in range(len(source) + 1):
        position = doc.client_position_at_offset(offset)
        expected = reference_position(source, offset, encoding)
        line_text = strip_break(doc.text.line(position.line))
        if offset <= len(source) and (position.line, position.character) == (
                expected.line, expected.character):
            back = doc.offset_at_position(position)
            # inside a surrogate pair or a multi-byte character an offset rounds down
            assert back <= offset and doc.client_position_at_offset(back) == position
        else:
            pytest.fail(f"offset {offset}: {position} != {expected} in {source!r}")
        assert position.character <= units(line_text, encoding)


@settings(max_examples=200, deadline=None)
@given(texts, st.lists(st.tuples(st.integers(0, 10), st.integers(0, 12), st.integers(0, 10),
                                 st.integers(0, 12), texts), max_size=8),
       st.sampled_from(ENCODINGS))
def test_incremental_changes_by_positions_match_the_string(
        source: str, changes: list[tuple[int, int, int, int, str]], encoding: str) -> None:
    doc = new_document("file:///a.txt", source, encoding=encoding)
    model = source
    for l0, c0, l1, c1, new in changes:
        start, end = types.Position(l0, c0), types.Position(l1, c1)
        a = _reference_offset(model, start, encoding)
        b = _reference_offset(model, end, encoding)
        doc.apply_change(types.TextDocumentContentChangePartial(
            range=types.Range(start, end), text=new))
        model = model[:min(a, b)] + new + model[max(a, b):]
        assert doc.source == model


def _reference_offset(source: str, position: types.Position, encoding: str) -> int:
    """pygls's clamping: past the last line is the end; past a line's end is its end."""
    lines = split_lines(source)
    if position.line >= len(lines):
        return len(source)
    body = strip_break(lines[position.line])
    column, index = position.character, 0
    while index < len(body) and _units(body[:index + 1], encoding) <= column:
        index += 1
    return sum(map(len, lines[:position.line])) + index


def test_snapshots_do_not_follow_later_changes() -> None:
    doc = new_document("file:///a.py", "one\ntwo\nthree\nfour\nfive\nsix\nseven\n")
    frozen = doc.snapshot()
    doc.apply_change(types.TextDocumentContentChangePartial(
        range=types.Range(types.Position(1, 0), types.Position(4, 0)), text="X\n"))
    assert doc.source == "one\nX\nfive\nsix\nseven\n"
    assert frozen.source == "one\ntwo\nthree\nfour\nfive\nsix\nseven\n"
    assert frozen.offset_at_position(types.Position(2, 0)) == 8


@pytest.mark.parametrize("other", ["\f", "\x0b", "\x85", "\u2028", "\u2029", "\x1c"])
def test_only_lsp_breaks_end_a_line(other: str) -> None:
    doc = new_document("file:///a.py", f"a{other}b\nc\n")
    assert doc.offset_at_position(types.Position(1, 0)) == 4
    assert doc.client_position_at_offset(4) == types.Position(1, 0)


def test_out_of_range_positions_are_none_or_clamped() -> None:
    doc = new_document("file:///a.py", "ab\ncd")
    assert doc.offset_in_range(types.Position(0, 3)) is None
    assert doc.offset_in_range(types.Position(2, 0)) is None
    assert doc.offset_in_range(types.Position(1, 2)) == 5
    assert doc.offset_at_position(types.Position(0, 99)) == 2
    assert doc.offset_at_position(types.Position(9, 0)) == 5
    ended = new_document("file:///b.py", "ab\n")
    assert ended.offset_in_range(types.Position(1, 0)) == 3
    assert ended.client_position_at_offset(3) == types.Position(1, 0)


@pytest.mark.parametrize(("encoding", "column", "index"), [
    ("utf-16", 3, 2), ("utf-16", 2, 1), ("utf-8", 5, 2), ("utf-8", 3, 1), ("utf-32", 2, 2)])
def test_a_column_inside_a_character_rounds_down(encoding: str, column: int, index: int) -> None:
    assert index_of("a😀b", column, encoding) == index


def test_the_workspace_creates_documents() -> None:
    workspace = documents.VcWorkspace(None)
    workspace.put_text_document(types.TextDocumentItem(uri="file:///x.py", language_id="python",
                                                       version=1, text="x = 1\n"))
    assert isinstance(workspace.get_text_document("file:///x.py"), Document)
