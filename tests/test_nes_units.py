"""Next-edit suggestions, the pure parts: the region, the cleanup of the answer, the minimal
edits, undo detection, the pace, and following a suggestion through typing (with a property:
typing along any edit, key by key, always leaves exactly the rest of it)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vc_lsp.context.history import EditHistory
from vc_lsp.documents import new_document
from vc_lsp.nes import clean
from vc_lsp.nes.edits import Edit, apply, diff, fingerprint, line_edits, undoes
from vc_lsp.nes.pace import Pace
from vc_lsp.nes.prompt import CURSOR, REGION_END, REGION_START, Diff, messages
from vc_lsp.nes.region import cut
from vc_lsp.nes.suggestion import Change, Suggestion, rebase
from vc_lsp.privacy import Redaction

LINES = "".join(f"line {i}\n" for i in range(100))


# -- the region ----------------------------------------------------------------------------

def test_the_region_reaches_a_third_above_the_cursor_and_the_rest_below() -> None:
    region = cut(LINES, LINES.index("line 50"), 30)
    assert region.first_line == 40 and len(region.lines) == 30
    assert region.lines[0] == "line 40" and region.lines[-1] == "line 69"
    assert region.body == LINES[region.start:region.end]
    assert region.before.endswith("line 39\n") and region.after.startswith("line 70\n")


@pytest.mark.parametrize("cursor", [0, 5, len(LINES) - 3, len(LINES)])
def test_the_region_keeps_its_size_at_the_edges_of_the_file(cursor: int) -> None:
    region = cut(LINES, cursor, 30)
    assert len(region.lines) == 30
    assert region.start <= cursor <= region.end


def test_a_region_in_a_crlf_file_without_a_final_break() -> None:
    text = "a\r\nb\r\nc"
    region = cut(text, 4, 10)
    assert region.lines == ("a", "b", "c") and region.eol == "\r\n"
    assert not region.final_break and region.starts == (0, 3, 6, 7)


def test_the_prompt_marks_the_region_and_the_cursor_and_puts_edits_first() -> None:
    text = "x = 1\ny = 2\nz = 3\n"
    region = cut(text, text.index("y") + 1, 1)
    diffs = [Diff("b.py", "--- a/b.py\n+++ b/b.py\n@@ -1 +1 @@\n-a\n+b", here=False),
             Diff("a.py", "--- a/a.py\n+++ b/a.py\n@@ -1 +1 @@\n-x\n+x = 1", here=True)]
    system, user = messages(region, "a.py", "python", diffs)
    body = user["content"]
    assert system["role"] == "system" and REGION_START in system["content"]
    assert body.index("b.py") < body.index("a.py") < body.index("<file")
    assert f"{REGION_START}\ny{CURSOR} = 2\n{REGION_END}\n" in body
    assert body.index("x = 1\n" + REGION_START) > 0 and "z = 3\n</file>" in body


def test_the_prompt_replaces_secrets() -> None:
    text = 'key = "sk-proj-abcdefghijklmnopqrstuvwx0123"\nprint(key)\n'
    region = cut(text, 0, 10)
    redaction = Redaction()
    _, user = messages(region, "a.py", "python", [], redaction)
    assert "sk-proj" not in user["content"] and "<secret-1>" in user["content"]


# -- the answer ----------------------------------------------------------------------------

REGION_TEXT = 'def f(a):\n    """Return the value."""\n    return a\n'


@pytest.mark.parametrize("raw", [
    REGION_TEXT,
    f"```python\n{REGION_TEXT}```",
    f"Sure! Here is the updated region:\n\n```python\n{REGION_TEXT}```\nDone.",
    f"<think>Rename it.</think>\n```python\n{REGION_TEXT}```",
    f"{REGION_START}\n{REGION_TEXT}{REGION_END}",
    f"```\n{REGION_START}\n{REGION_TEXT.replace('a):', 'a):' + CURSOR)}{REGION_END}\n```",
    f"<answer>\n{REGION_TEXT}</answer>",
])
def test_every_form_of_answer_gives_the_region_lines(raw: str) -> None:
    region = cut(REGION_TEXT, 0, 10)
    assert clean.answer(raw, region, "python") == list(region.lines)


def test_a_region_line_that_reads_like_prose_is_kept() -> None:
    text = "Here is the plan for the release.\n- step one\n- step two\n"
    region = cut(text, 0, 10)
    assert clean.answer(f"```text\n{text}```\n", region, "python") == list(region.lines)
    assert clean.answer(text, region, "python") == list(region.lines)


def test_an_answer_that_lost_the_base_indentation_is_shifted_back() -> None:
    text = "class A:\n    def f(self):\n        return 1\n"
    region = cut(text, len("class A:\n"), 2)  # only the method: base indentation 4
    assert region.lines == ("    def f(self):", "        return 1")
    answer = "def f(self):\n    return 2\n"
    assert clean.answer(answer, region, "python") == ["    def f(self):", "        return 2"]


def test_streaming_is_complete_once_the_block_closed() -> None:
    region = cut(REGION_TEXT, 0, 10)
    assert not clean.complete("```python\ndef f(a):\n", region, "python")
    assert not clean.complete("<think>```python\nx\n```\n", region, "python")
    assert clean.complete(f"```python\n{REGION_TEXT}```\n", region, "python")


def test_an_empty_answer_is_no_answer() -> None:
    region = cut(REGION_TEXT, 0, 10)
    assert clean.answer("```python\n```", region, "python") is None
    assert clean.answer("<think>hmm</think>", region, "python") is None


# -- minimal edits -------------------------------------------------------------------------

def edits_for(text: str, answer: str) -> list[tuple[str, str]]:
    region = cut(text, 0, 400)
    out = diff(region, answer.split("\n")[:-1] if answer.endswith("\n") else answer.split("\n"))
    assert apply(text, out) == answer or apply(text, out) + "\n" == answer
    return [(text[e.start:e.end], e.new) for e in out]


def test_a_changed_word_is_one_edit_and_lines_added_or_removed_are_whole() -> None:
    text = "a = count\nb = 2\nc = 3\n"
    assert edits_for(text, "a = total\nb = 2\nc = 3\n") == [("count", "total")]
    assert edits_for(text, "a = count\nb = 2\nx = 9\nc = 3\n") == [("", "x = 9\n")]
    assert edits_for(text, "a = count\nc = 3\n") == [("b = 2\n", "")]


def test_two_changes_far_apart_on_a_line_are_two_edits() -> None:
    old = "    Widget(int width) : width(width) {}"
    new = "    Widget(int width, int height) : width(width), height(height) {}"
    got = [(old[e.start:e.end], e.new) for e in line_edits(0, old, new)]
    assert got == [("", ", int height"), ("", "), height(height")]
    assert len(line_edits(0, "for j in range(len(ages)):", "for j, age in enumerate(ages):")) == 1


def test_blank_lines_at_the_edges_of_the_answer_are_not_edits() -> None:
    text = "\n\nx = 1\n\n"
    region = cut(text, 0, 400)
    assert diff(region, ["x = 1"]) == []
    assert diff(region, ["", "", "", "x = 1", "", "", ""]) == []


def test_lines_added_after_an_unended_last_line() -> None:
    text = "a = 1\nb = 2"
    region = cut(text, 0, 400)
    (edit,) = diff(region, ["a = 1", "b = 2", "c = 3"])
    assert apply(text, [edit]) == "a = 1\nb = 2\nc = 3"
    (edit,) = diff(region, ["a = 1"])
    assert apply(text, [edit]) == "a = 1"


def test_edits_in_a_crlf_document_keep_its_breaks() -> None:
    text = "a\r\nb\r\n"
    region = cut(text, 0, 400)
    (edit,) = diff(region, ["a", "x", "b"])
    assert apply(text, [edit]) == "a\r\nx\r\nb\r\n"


def test_an_edit_that_puts_back_the_users_change_is_an_undo() -> None:
    history = EditHistory()
    before = "def area(w, h):\n    return w * h\n"
    history.open("u", before)
    text = before.replace("(w,", "(width,")
    history.record("u", text)
    doc = new_document("u", text)
    hunks = history.hunks("u")
    back = Edit(text.index("idth"), text.index("idth") + 4, "")
    forward = Edit(text.index("w *") + 1, text.index("w *") + 1, "idth")
    assert undoes(back, text, hunks, "\n", doc.text.line_start)
    assert not undoes(forward, text, hunks, "\n", doc.text.line_start)


def test_a_fingerprint_is_the_lines_before_and_after() -> None:
    text = "a = 1\nb = count\n"
    edit = Edit(text.index("count"), len(text) - 1, "total")
    assert fingerprint(text, edit) == ("b = count", "b = total")


# -- the pace ------------------------------------------------------------------------------

def test_the_pause_follows_the_typing_speed() -> None:
    pace = Pace()
    assert pace.delay(0.35) == 0.35
    for t in range(10):
        pace.note(t * 0.1, 0.35)  # fast: the configured pause
    assert pace.delay(0.35) == 0.35
    slow = Pace()
    for t in range(10):
        slow.note(t * 0.3, 0.35)  # slow: twice the gap
    assert slow.delay(0.35) == pytest.approx(0.6)
    crawl = Pace()
    for t in range(20):
        crawl.note(t * 0.9, 0.35)  # very slow: capped at three times the pause
    assert crawl.delay(0.35) == pytest.approx(1.05)
    assert crawl.delay(0) == 0


def test_a_pause_is_not_typing_speed() -> None:
    pace = Pace()
    now = 0.0
    for _ in range(5):  # words typed 100 ms a key, with 2-second pauses between them
        for _ in range(6):
            now += 0.1
            pace.note(now, 0.35)
        now += 2.0
    assert pace.delay(0.35) == 0.35


# -- following a suggestion ----------------------------------------------------------------

TEXT = "def f(total):\n    return count + 1\n"
AT = TEXT.index("count")
SUGGESTION = Suggestion("s1", "u", 1, TEXT, (Edit(AT, AT + 5, "total"),))
TARGET = TEXT.replace("count", "total")


def after(text: str) -> tuple[str, str | None]:
    out = rebase(SUGGESTION, text, 2)
    rest = apply(text, out.suggestion.edits) if out.suggestion else None
    return out.verdict, rest


@pytest.mark.parametrize("text", [
    TEXT[:AT] + TEXT[AT + 5:],  # cw: the word deleted
    TEXT[:AT] + "to" + TEXT[AT + 5:],  # ... and the new one started
    TEXT[:AT] + "ount" + TEXT[AT + 5:],  # a backspace over its first letter
    TEXT[:AT] + "tcount" + TEXT[AT + 5:],  # its first letter typed before the old word
    "# a comment\n" + TEXT,  # elsewhere, above
    TEXT + "print(f(1))\n",  # elsewhere, below
])
def test_typing_along_or_elsewhere_keeps_the_rest(text: str) -> None:
    assert after(text) == ("kept", text.replace(TEXT, TARGET) if text.startswith("#")
                           or text.endswith("))\n") else TARGET)


@pytest.mark.parametrize("text", [
    TEXT[:AT] + "x" + TEXT[AT + 5:],  # something else over it
    TEXT[:AT] + "countx" + TEXT[AT + 5:],
    TEXT[:AT - 4] + TEXT[AT + 5:],  # deleted with the text around it
])
def test_typing_something_else_over_an_edit_rejects_it(text: str) -> None:
    assert rebase(SUGGESTION, text, 2).verdict == "rejected"


def test_applying_the_edit_finishes_the_suggestion() -> None:
    assert after(TARGET) == ("finished", None)


def test_an_edit_applied_inside_a_run_of_equal_characters_is_still_that_edit() -> None:
    text = "x = [\n    1,\n]\n"
    at = text.index("    1,")
    s = Suggestion("s", "u", 1, text, (Edit(at, at, "    1,\n"),))  # the line again
    assert rebase(s, text[:at] + "    1,\n" + text[at:], 2).verdict == "finished"


def test_a_change_on_the_lines_the_prediction_was_made_for_makes_it_stale() -> None:
    basis = (0, TEXT.index("\n") + 1)
    s = Suggestion("s", "u", 1, TEXT, SUGGESTION.edits, basis)
    assert rebase(s, TEXT.replace("f(total)", "f(totals)"), 2).verdict == "stale"
    moved = rebase(s, "# x\n" + TEXT, 2)
    assert moved.verdict == "kept" and moved.suggestion is not None
    assert moved.suggestion.basis == (4, basis[1] + 4)


def test_a_change_across_two_edits_makes_it_stale() -> None:
    text = "a\nb\n"
    s = Suggestion("s", "u", 1, text, (Edit(0, 1, "A"), Edit(2, 3, "B")))
    assert rebase(s, "", 2).verdict == "stale"


def test_an_ambiguous_insertion_is_put_at_the_edit() -> None:
    assert Change.between("aa", "aaa") == Change(2, 2, "a")
    assert Change.between("aa", "aaa", [(0, 0)]) == Change(0, 0, "a")
    assert Change.between("xaab", "xab", [(1, 2)]) == Change(1, 2, "")
    assert Change.between("aa", "a", [(0, 1)]) == Change(0, 1, "")


@settings(max_examples=200, deadline=None)
@given(st.text("ab \n", min_size=1, max_size=30), st.data())
def test_typing_any_edit_key_by_key_leaves_exactly_its_rest(text: str, data: st.DataObject
                                                            ) -> None:
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, min(len(text), start + 5)))
    new = data.draw(st.text("abc\n", max_size=6))
    if text[start:end] == new:
        return
    target = text[:start] + new + text[end:]
    s = Suggestion("s", "u", 0, text, (Edit(start, end, new),))
    current = text[:start] + text[end:]  # the old text deleted first (cw)
    outcome = rebase(s, current, 1)
    for i, ch in enumerate(new):
        assert outcome.verdict == "kept" and outcome.suggestion is not None, (text, new, i)
        assert apply(current, outcome.suggestion.edits) == target
        current = current[:start + i] + ch + current[start + i:]
        outcome = rebase(outcome.suggestion, current, i + 2)
    assert outcome.verdict in ("finished", "kept")
    assert current == target
