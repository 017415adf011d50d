"""diff.py: minimal hunks, the mid-stream preview, carrying a keystroke; tracking.py: spans."""

from __future__ import annotations

import random
from typing import Any

import pytest

from vc_lsp.actions import diff
from vc_lsp.actions.tracking import Change, Span, common_change, map_span

ORIGINAL = "def f(x):\n    y = x + 1\n    return y\n"


def _apply(old: str, new: str) -> str:
    return diff.apply(old, diff.hunks(old, new))


@pytest.mark.parametrize(("old", "new"), [
    ("", "a\n"), ("a\n", ""), ("a\nb\n", "a\nb\n"), ("a\nb", "a\nb\nc"), ("a\nb\nc\n", "a\nc\n"),
    ("x\n\ty\n", "x\n    y\n"), ("héllo 😀\n", "hello 😀 wörld\n"), ("a\r\nb\r\n", "a\r\nc\r\n"),
    (ORIGINAL, "async def f(x):\n    y = await x\n    return y\n"),
])
def test_hunks_reproduce_the_new_text(old: str, new: str) -> None:
    assert _apply(old, new) == new


def test_hunks_random_texts_round_trip() -> None:
    rng = random.Random(7)
    alphabet = ["a\n", "b\n", "cc\n", "\n", "    d = 1\n", "é\n"]
    for _ in range(300):
        old = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 8)))
        new = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 8)))
        assert _apply(old, new) == new
        assert all(a.end <= b.start for a, b in zip(diff.hunks(old, new),
                                                   diff.hunks(old, new)[1:], strict=False))


def test_unchanged_lines_are_never_touched() -> None:
    new = "def f(x: int) -> int:\n    y = x + 1\n    return y\n"
    [hunk] = diff.hunks(ORIGINAL, new)
    assert ORIGINAL[:hunk.start] == "def f(x"  # only the signature line, only what differs
    assert hunk.end <= ORIGINAL.index("\n")


def test_an_inserted_line_is_a_pure_insertion() -> None:
    new = 'def f(x):\n    """Add one."""\n    y = x + 1\n    return y\n'
    assert diff.hunks(ORIGINAL, new) == [diff.Hunk(10, 10, '    """Add one."""\n')]


def test_intermediate_states_of_several_hunks() -> None:
    old, new = "a\nb\nc\nd\n", "A\nb\nC\nd\n"
    hunks = diff.hunks(old, new)
    assert len(hunks) == 2
    assert set(diff.intermediate(old, hunks)) == {"A\nb\nc\nd\n", "a\nb\nC\nd\n"}


def test_preview_keeps_the_original_lines_not_reached_yet() -> None:
    assert diff.preview(ORIGINAL, "def f(x):\n") == ORIGINAL
    assert diff.preview(ORIGINAL, "def f(x):\n    y = x + 2\n") == \
        "def f(x):\n    y = x + 2\n    return y\n"


def test_preview_replaces_a_rewritten_line_instead_of_showing_it_twice() -> None:
    assert diff.preview(ORIGINAL, "def f(x: int) -> int:\n") == \
        "def f(x: int) -> int:\n    y = x + 1\n    return y\n"


def test_preview_leaves_original_lines_after_an_insertion() -> None:
    streamed = 'def f(x):\n    """Add one."""\n'
    assert diff.preview(ORIGINAL, streamed) == streamed + "    y = x + 1\n    return y\n"


def test_preview_of_an_insertion_into_nothing() -> None:
    assert diff.preview("", "def test_f():\n") == "def test_f():\n"


def test_carry_moves_a_keystroke_onto_the_same_line() -> None:
    base = "def f(x: int) -> int:\n    y = x + 1\n    return y\n"
    at = base.index("return")
    assert diff.carry(base, ORIGINAL, at, at, "#") == "def f(x):\n    y = x + 1\n    #return y\n"


def test_carry_refuses_a_keystroke_on_a_line_only_the_new_text_has() -> None:
    base = "def f(x: int) -> int:\n    y = x + 1\n    return y\n"
    assert diff.carry(base, ORIGINAL, 3, 3, "z") is None


def test_carry_with_no_change_is_the_goal() -> None:
    assert diff.carry("a\n", "b\n", 0, 0, "") == "b\n"


def test_carry_does_not_move_an_insertion_onto_another_line() -> None:
    base, goal = "keep\nnew\n", "keep\nold\n"
    assert diff.carry(base, goal, 5, 5, "x") is None  # the start of "new": not a shared line
    assert diff.carry(base, goal, 4, 4, "x") == "keepx\nold\n"


@pytest.mark.parametrize(("change", "expected"), [
    (Change(0, 1, ""), Span(9, 19)),  # before: shifted
    (Change(10, 10, "x"), Span(11, 21)),  # inserted at the start: outside, shifted
    (Change(20, 20, "x"), Span(10, 20)),  # inserted at the end: outside
    (Change(25, 30, ""), Span(10, 20)),  # after
    (Change(12, 13, "xyz"), Span(10, 22)),  # inside
    (Change(5, 15, ""), Span(5, 10)),  # over the start
    (Change(15, 25, "ab"), Span(10, 17)),  # over the end
    (Change(5, 25, "q"), Span(5, 6)),  # over all of it
])
def test_map_span(change: Change, expected: Span) -> None:
    assert map_span(Span(10, 20), change) == expected


@pytest.mark.parametrize(("old", "new"), [
    ("abcdef", "abXdef"), ("aaa", "aaaa"), ("", "x"), ("x", ""), ("same", "same"),
    ("ab" * 1000, "ab" * 500 + "Z" + "ab" * 500),
])
def test_common_change(old: str, new: str) -> None:
    change = common_change(old, new)
    assert old[:change.start] + change.text + old[change.end:] == new
    assert old[:change.start] == new[:change.start]


def test_document_copy_replays_changes_in_order_and_in_client_units() -> None:
    from lsprotocol import types

    from vc_lsp.actions.tracking import DocumentCopy
    from vc_lsp.documents import new_document

    def at(line: int, character: int) -> types.Position:
        return types.Position(line=line, character=character)

    def doc(text: str) -> Any:
        return new_document("file:///a", text, encoding="utf-8")

    copy = DocumentCopy(doc("a😀b\ncd\n"))
    changes = [types.TextDocumentContentChangePartial(range=types.Range(at(0, 5), at(0, 6)),
                                                      text="B"),
               types.TextDocumentContentChangePartial(range=types.Range(at(1, 0), at(1, 0)),
                                                      text="x")]
    steps = copy.replay(changes, doc("a😀B\nxcd\n"))
    assert steps == [Change(2, 3, "B"), Change(4, 4, "x")]
    assert copy.text == "a😀B\nxcd\n"
    # a change the copy cannot reproduce is reported as one change, and the copy resyncs
    assert copy.replay([], doc("a😀B\nxcd!\n")) == [Change(7, 7, "!")]
    assert copy.text == "a😀B\nxcd!\n"
