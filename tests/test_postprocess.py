"""Post-processing entry points: ``is_complete`` on partial replies, ``block_end``, ThinkFilter.

The table of raw replies lives in tests/cleanup_cases/ (run by tests/test_cleanup_table.py and,
streamed, by tests/test_cleanup_streamed.py).
"""

from __future__ import annotations

import itertools

import pytest

from tests.cleanup_cases import at_cursor
from vc_lsp.inline.postprocess import block_end, clean, is_complete
from vc_lsp.upstream.think import PAIRS, ThinkFilter, partial_tag, split, strip_think, visible


def test_clean_ignores_a_cr_lf_document() -> None:
    ctx = at_cursor("def f(x):\r\n    |\r\n    return x\r\n")
    assert clean("y = x * 2\r\n", ctx) == "y = x * 2"
    assert clean("return x", ctx) == ""


SINGLE = "result = |\n"
MID = "print(|)\n"
BODY = "def f(x):\n    |\n    return x\n"
NEW_BODY = "def f(x):\n    |\n"
ECHO = "def area(r):\n    pi = 3.14159\n    return pi * |\n"

COMPLETE_CASES = [
    pytest.param(SINGLE, "<completion>foo(", False, id="single-open-line"),
    pytest.param(SINGLE, "<completion>foo()\n", True, id="single-line-ended"),
    pytest.param(SINGLE, "<completion>foo()</completion>", True, id="single-closing-tag"),
    pytest.param(SINGLE, "<completion>\n", False, id="single-only-tag-and-break"),
    pytest.param(SINGLE, "<comp", False, id="single-tag-arriving"),
    pytest.param(SINGLE, "```python\n", False, id="single-fence-opened"),
    pytest.param(SINGLE, "```python\nfoo()\n", True, id="single-fenced-line-ended"),
    pytest.param(SINGLE, "Here is the completion:\n", False, id="single-preamble"),
    pytest.param(SINGLE, "<think>I should call foo.\n", False, id="single-thinking"),
    pytest.param(ECHO, "def area(r):\n", False, id="single-echo-in-progress"),
    pytest.param(ECHO, "def area(r):\n    pi = 3.14159\n    return pi * r * r\n", True,
                 id="single-echo-done"),
    pytest.param(MID, "len(x", False, id="mid-line-open"),
    pytest.param(MID, "len(x))\nprint(y)", True, id="mid-line-ended"),
    pytest.param(NEW_BODY, "```python\n", False, id="multi-fence-opened"),
    pytest.param(NEW_BODY, "<completion>y = x * 2\n", False, id="multi-block-open"),
    pytest.param(NEW_BODY, "<completion>y = x * 2\n    return y\n", False,
                 id="multi-block-still-open"),
    pytest.param(NEW_BODY, "<completion>y = x * 2\n    return y\n\ndef g():\n", True,
                 id="multi-dedent-reached"),
    pytest.param(NEW_BODY, "<completion>y = x * 2\n    return y\ndef", True,
                 id="multi-dedent-on-open-line"),
    pytest.param(NEW_BODY, "```python\ny = x * 2\n```\n", True, id="multi-closing-fence"),
    pytest.param(NEW_BODY, "y = x * 2\n```\n", True, id="multi-stray-closing-fence"),
    pytest.param(BODY, "y = x\n    return x\n", True, id="multi-next-document-line"),
    pytest.param(BODY, "y = x\n    return", False, id="multi-next-line-still-typing"),
    pytest.param(NEW_BODY, "a = 1\n    b = 2\n    c = 3\n", True, id="multi-line-limit"),
    pytest.param(NEW_BODY, "print(x)\n" + "    print(x)\n" * 2, True, id="multi-loop"),
]


@pytest.mark.parametrize(("doc", "raw", "expected"), COMPLETE_CASES)
def test_is_complete(doc: str, raw: str, expected: bool) -> None:
    assert is_complete(raw, at_cursor(doc), max_lines=3) is expected


def test_completion_stops_where_clean_would_cut() -> None:
    """Streaming line by line, completion is reported no later than the line clean stops at."""
    ctx = at_cursor("class A:\n    def f(self):\n        |\n\n    def g(self):\n        pass\n")
    raw = "<completion>x = 1\n        return x\n\n    def g(self):\n        pass\n"
    prefixes = [raw[: i + 1] for i, ch in enumerate(raw) if ch == "\n"]
    first_done = next(p for p in prefixes if is_complete(p, ctx))
    assert clean(first_done, ctx) == clean(raw, ctx) == "x = 1\n        return x"


def test_block_end_is_public_and_counts_lines() -> None:
    ctx = at_cursor(NEW_BODY)
    assert block_end(["y = 1", "    z = 2", "", "def g():"], ctx) == 2
    assert block_end(["y = 1", "    z = 2"], ctx) == 2
    assert block_end([], ctx) == 0


# -- ThinkFilter -----------------------------------------------------------------------------------

THOUGHT = "before<think>secret reasoning</think>after"


def _feed(chunks: list[str]) -> str:
    f = ThinkFilter()
    return "".join(f.feed(c) for c in chunks) + f.flush()


@pytest.mark.parametrize("at", range(len(THOUGHT) + 1))
def test_think_filter_tag_split_at_any_position(at: int) -> None:
    assert _feed([THOUGHT[:at], THOUGHT[at:]]) == "beforeafter"


def test_think_filter_tag_split_at_every_pair_of_positions() -> None:
    for i, j in itertools.combinations(range(len(THOUGHT) + 1), 2):
        assert _feed([THOUGHT[:i], THOUGHT[i:j], THOUGHT[j:]]) == "beforeafter", (i, j)


def test_think_filter_one_character_at_a_time() -> None:
    text = "<think>a</think>x<think>b</think>y < z"
    assert _feed(list(text)) == "xy < z"


def test_think_filter_releases_what_was_not_a_tag() -> None:
    f = ThinkFilter()
    assert f.feed("if a <") == "if a "
    assert f.feed("= b") == "<= b"
    assert f.feed(" <thi") == " "
    assert f.flush() == "<thi"


def test_think_filter_hands_over_unclosed_reasoning_at_the_end() -> None:
    """Never streamed, but kept: the cleanup may find the answer the model wrote inside it."""
    f = ThinkFilter()
    assert f.feed("<think>still thinking</thi") == ""
    assert f.flush() == "<think>still thinking</thi"


@pytest.mark.parametrize(("opener", "closer"), list(PAIRS.items()))
def test_think_filter_knows_every_reasoning_tag(opener: str, closer: str) -> None:
    assert _feed([f"a{opener}x", f"y{closer[:3]}", f"{closer[3:]}b"]) == "ab"


def test_split_finds_template_opened_reasoning() -> None:
    parts = split("the user wants x\n</think>\n\nx = 1")
    assert (parts.reasoning, parts.answer, parts.open) == ("the user wants x\n", "\n\nx = 1",
                                                           False)
    assert split("a<think>b").open
    assert visible("a\r\n<think>b</think>c\rd") == "a\nc\nd"


@pytest.mark.parametrize(("text", "held"), [("x <", 1), ("x <compl", 6), ("x <COMPL", 0),
                                            ("x", 0), ("<completion", 11)])
def test_partial_tag(text: str, held: int) -> None:
    assert partial_tag(text, ("<completion>",)) == held
    assert partial_tag(text.lower(), ("<completion>",), fold=True) == held or held == 0


def test_strip_think_matches_the_filter() -> None:
    assert strip_think(THOUGHT) == "beforeafter"
    assert strip_think("<think></think>code") == "code"


def test_each_filter_that_changed_the_text_logs_one_debug_line(caplog: pytest.LogCaptureFixture
                                                               ) -> None:
    ctx = at_cursor("def total(xs):\n    acc = 0\n    |\n")
    raw = ("<think>sum them</think>Here is the code:\n```python\nfor x in xs:\n    acc += x\n"
           "return acc\n```")
    with caplog.at_level("DEBUG", logger="vc_lsp.inline.cleanup"):
        clean(raw, ctx)
    lines = [r.getMessage() for r in caplog.records]
    named = {m.split()[1] for m in lines if m.startswith("cleanup: ")}
    assert {"unwrap.reasoning", "fences.unfence", "indent"} <= named
    assert "echo.prefix" not in named and "prose.preamble" not in named  # unchanged: no line
    assert len(lines) == len(named)
    caplog.clear()
    with caplog.at_level("DEBUG", logger="vc_lsp.inline.cleanup"):
        clean("Sure, here it is:\nacc = sum(xs)  \n\nThis sums them.", ctx)
    named = {r.getMessage().split()[1] for r in caplog.records}
    assert named == {"prose.preamble", "block-end", "trailing"}  # the sentence is a dedent
