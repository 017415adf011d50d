"""The edit history: coalesced hunks of whole lines, the server's own edits left out."""

from __future__ import annotations

import random

from vc_lsp.context.history import EditHistory
from vc_lsp.lines import split_lines, strip_break

URI = "file:///p/a.py"
BASE = "".join(f"line {i}\n" for i in range(30))


def typed(history: EditHistory, text: str, at: int, keys: str) -> tuple[str, int]:
    for key in keys:
        text = text[:at] + key + text[at:]
        at += 1
        history.record(URI, text)
    return text, at


def test_typing_a_line_enter_and_the_next_is_one_hunk() -> None:
    h = EditHistory()
    h.open(URI, BASE)
    at = BASE.index("line 5") + len("line 5")
    typed(h, BASE, at, " = compute()\nnew_line(1)")
    [hunk] = h.hunks(URI)
    assert hunk.start == 5 and hunk.old_start == 5
    assert hunk.old[0] == "line 5"
    assert hunk.new[:2] == ("line 5 = compute()", "new_line(1)")
    assert "-line 5\n+line 5 = compute()\n+new_line(1)" in hunk.diff("a.py")
    assert hunk.diff("a.py").startswith("--- a/a.py\n+++ b/a.py\n@@ -6")


def test_edits_far_apart_are_separate_and_numbered_in_the_old_file() -> None:
    h = EditHistory()
    h.open(URI, BASE)
    text, _ = typed(h, BASE, BASE.index("line 2") + 6, "\nadded")
    text, _ = typed(h, text, text.index("line 20") + 7, "!")
    first, second = h.hunks(URI)
    assert (first.start, second.start) == (3, 21)  # the new line is line 3
    assert second.old_start == 20  # the line number before the line added above it
    assert h.latest(URI) == second
    assert [x.seq for x in h.recent(5)] == sorted(x.seq for x in (first, second))


def test_undoing_by_hand_removes_the_hunk() -> None:
    h = EditHistory()
    h.open(URI, BASE)
    at = BASE.index("line 7")
    text, at = typed(h, BASE, at, "xy")
    for _ in range(2):
        text = text[:at - 1] + text[at:]
        at -= 1
        h.record(URI, text)
    assert text == BASE and h.hunks(URI) == []


def test_the_servers_own_edits_are_not_the_users() -> None:
    h = EditHistory()
    h.open(URI, BASE)
    text, _ = typed(h, BASE, BASE.index("line 10") + 7, " # mine")
    # an accepted suggestion above: moves the user's hunk, is no hunk itself
    at = BASE.index("line 3") + 6
    h.expect_insertion(URI, at, ["(suggested)\nmore"])
    text = text[:at] + "(suggested)\nmore" + text[at:]
    h.record(URI, text)
    # a streamed code action, told by the text it produces
    edited = text.replace("line 25", "LINE 25")
    h.expect(URI, edited)
    h.record(URI, edited)
    [hunk] = h.hunks(URI)
    assert hunk.new == ("line 10 # mine",) and hunk.start == 11


def test_typing_the_first_letter_of_a_suggestion_is_the_users() -> None:
    h = EditHistory()
    h.open(URI, BASE)
    at = BASE.index("line 4") + 6
    h.expect_insertion(URI, at, ["ok()"])
    text = BASE[:at] + "o" + BASE[at:]
    h.record(URI, text)
    assert len(h.hunks(URI)) == 1


def test_random_edits_keep_hunks_consistent_with_the_document() -> None:
    """Whatever the user does, each hunk's new lines are the document's lines there, and
    replaying old lines over the hunks gives back the document as it was."""
    rng = random.Random(11)
    for _ in range(40):
        h = EditHistory(per_document=100)
        h.open(URI, BASE)
        text = BASE
        for _ in range(25):
            at = rng.randrange(len(text) + 1)
            end = min(len(text), at + rng.choice([0, 0, 1, 3, 12]))
            insert = rng.choice(["", "x", "\n", "ab\ncd", "\r\n", "\r"])
            text = text[:at] + insert + text[end:]
            h.record(URI, text)
        lines = [strip_break(x) for x in split_lines(text)]
        if not text or text.endswith(("\n", "\r")):
            lines.append("")
        rebuilt = list(lines)
        for hunk in sorted(h.hunks(URI), key=lambda x: -x.start):
            assert list(hunk.new) == lines[hunk.start:hunk.end]
            rebuilt[hunk.start:hunk.end] = hunk.old
        if "\r" not in text:
            assert "\n".join(rebuilt) == BASE


def test_closing_forgets_and_other_documents_count_in_recent() -> None:
    h = EditHistory()
    h.open(URI, BASE)
    h.open("file:///p/b.py", BASE)
    typed(h, BASE, 0, "a")
    text = "b" + BASE
    h.record("file:///p/b.py", text)
    assert {x.uri for x in h.recent(5)} == {URI, "file:///p/b.py"}
    assert [x.uri for x in h.recent(5, lambda uri: uri != URI)] == ["file:///p/b.py"]
    h.close(URI)
    assert h.hunks(URI) == [] and len(h.recent(5)) == 1
