"""The completion prompt's layout: stable first, on a grid, the answer protocol unchanged."""

from __future__ import annotations

import json
import random

from hypothesis import given, settings
from hypothesis import strategies as st

from vc_lsp import documents
from vc_lsp.context import PromptContext, Snippet
from vc_lsp.context.text import View
from vc_lsp.documents import Text
from vc_lsp.inline import prompt
from vc_lsp.inline.context import GRID, cut
from vc_lsp.privacy import Redaction

DOC = "".join(f"line_{i:03d} = compute({i})\n" for i in range(400))


def ctx_at(text: str | Text, offset: int, prefix: int = 6000, suffix: int = 2000):
    return cut(text, offset, language="python", path="file:///p/src/app.py",
               prefix_chars=prefix, suffix_chars=suffix, shown_path="src/app.py")


def test_the_window_is_whole_lines_on_the_grid_within_the_budget() -> None:
    rng = random.Random(2)
    for _ in range(300):
        offset = rng.randrange(len(DOC))
        prefix, suffix = rng.choice([(6000, 2000), (900, 300), (200, 80)])
        c = ctx_at(DOC, offset, prefix, suffix)
        assert DOC[offset - len(c.prefix):offset] == c.prefix and len(c.prefix) <= prefix
        assert DOC[offset:offset + len(c.suffix)] == c.suffix and len(c.suffix) <= suffix
        view = View(DOC)
        start, end = offset - len(c.prefix), offset + len(c.suffix)
        first, last = view.line_of(start), view.line_of(end)
        # on the grid, or (a budget smaller than the grid allows) at the cursor line itself
        assert start == 0 or (view.start(start) == start and first % GRID == 0) \
            or start == view.start(offset)
        assert end == len(DOC) or DOC[end] == "\n"
        assert end == len(DOC) or (last + 1) % GRID == 0 or last == view.line_of(offset)


def test_typing_along_a_line_keeps_the_window_and_the_head() -> None:
    offset = DOC.index("line_200 = ") + len("line_200 = ")
    text, heads = DOC, set()
    for ch in "compute(200) + total":
        text = text[:offset] + ch + text[offset:]
        offset += 1
        head, tail = prompt.user_parts(ctx_at(text, offset))
        heads.add(head)
        assert tail.endswith(f"Fill {prompt.HOLE}.") and prompt.HOLE in tail
    assert len(heads) == 1


def test_the_system_message_is_constant_and_the_protocol_unchanged() -> None:
    first = prompt.messages(ctx_at(DOC, DOC.index("line_010") + 4))
    second = prompt.messages(ctx_at(DOC, DOC.index("line_300")))  # an empty-line-like spot
    assert first[0] == second[0] and first[0]["content"] == prompt.SYSTEM
    assert prompt.STOP == ["</completion>"] and "<completion>" in prompt.SYSTEM
    for messages in (first, second):
        assert messages[1]["content"].count(prompt.HOLE) == 2  # the line and the instruction
        assert messages[1]["content"].count(prompt.CURSOR_LINE) == 1
    assert prompt.SINGLE in first[1]["content"].rsplit("\n", 1)[-1]


def test_context_comes_before_the_file_and_near_snippets_last() -> None:
    pc = PromptContext("src/app.py",
                       (Snippet("definition", "src/b.py", 3, "def helper(x): ..."),),
                       (Snippet("definition", "src/c.py", 1, "class Near: ..."),))
    content = prompt.messages(ctx_at(DOC, 500), pc)[1]["content"]
    assert content.index("def helper") < content.index("<file path=\"src/app.py\"")
    assert content.index("</file>") < content.index("class Near") < content.index("Cursor line")


def test_the_same_context_gives_byte_identical_messages() -> None:
    pc = PromptContext("src/app.py", tuple(Snippet("similar", f"s{i}.py", i, f"x{i}")
                                           for i in range(3)))
    one = json.dumps(prompt.messages(ctx_at(DOC, 1234), pc))
    two = json.dumps(prompt.messages(ctx_at(DOC, 1234), pc))
    assert one == two


def test_secrets_never_reach_the_messages_and_the_marker_survives() -> None:
    text = ('KEY = "sk-0123456789abcdef0123456789abcdef"\n'
            "PEM = '''-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0B\n"
            "AQEFAASCBKcwggSjAgEAAoIB\n-----END PRIVATE KEY-----'''\nvalue = \n")
    for offset in (len(text) - 1, text.index("AQEF") + 4):
        messages = prompt.messages(ctx_at(text, offset), None, Redaction())
        body = json.dumps(messages)
        assert "sk-0123456789" not in body and "MIIEvQ" not in body and "AQEFAAS" not in body
        assert prompt.CURSOR_LINE in body and body.count(prompt.HOLE) >= 2


_PIECES = ["x", "ab", "    ", "\n", "\n", "\r\n", "\r", "中", "😀", "x" * 40]
_texts = st.lists(st.sampled_from(_PIECES), max_size=400).map("".join)


@settings(max_examples=300, deadline=None)
@given(_texts, st.floats(0, 1), st.integers(0, 300), st.integers(0, 120))
def test_cutting_a_document_text_equals_cutting_its_string(
        source: str, where: float, prefix: int, suffix: int) -> None:
    """A ``Text`` is cut from only the lines around the cursor; the result may not differ."""
    names = ("BLOCK_TARGET", "BLOCK_MAX", "BLOCK_MIN", "KEEP_JOINED")
    original = [getattr(documents, name) for name in names]
    for name, value in zip(names, (3, 5, 2, 0), strict=True):
        setattr(documents, name, value)
    try:
        text = Text("")
        text.replace(0, 0, source)  # built by an edit: no joined copy to fall back on
    finally:
        for name, value in zip(names, original, strict=True):
            setattr(documents, name, value)
    assert not text.joined
    offset = round(where * len(source))
    if 0 < offset < len(source) and source[offset - 1:offset + 1] == "\r\n":
        offset -= 1  # LSP offsets never split a CRLF
    assert ctx_at(text, offset, prefix, suffix) == ctx_at(source, offset, prefix, suffix)
