"""clean.py: whole-block answers into region text, and explanations."""

from __future__ import annotations

import pytest

from vc_lsp.actions import clean
from vc_lsp.actions.clean import Shape

PY = Shape(indent="", unit=4, language="python")
METHOD = Shape(indent="    ", unit=4, language="python")
TABS = Shape(indent="\t", tabs=True, language="go")


@pytest.mark.parametrize("raw", [
    "```python\ndef g():\n    return 1\n```",
    "Here is the simplified code:\n\n```python\ndef g():\n    return 1\n```\n\nThis is shorter.",
    "<think>the user wants g</think>```py\ndef g():\n    return 1\n```",
    "def g():\n    return 1\n",
    "Sure! Here you go:\ndef g():\n    return 1\n\nThis version is simpler and clearer.",
    "def g():\n    return 1\n```\n",
])
def test_block_unwraps_the_code(raw: str) -> None:
    assert clean.block(raw, PY) == "def g():\n    return 1\n"


def test_block_indents_a_dedented_answer_to_the_original_base() -> None:
    raw = "```python\ndef m(self):\n    return 1\n```"
    assert clean.block(raw, METHOD) == "    def m(self):\n        return 1\n"


def test_block_keeps_an_answer_already_at_the_base() -> None:
    raw = "```python\n    def m(self):\n        return 1\n```"
    assert clean.block(raw, METHOD) == "    def m(self):\n        return 1\n"


def test_block_keeps_tabs_in_a_tab_indented_file() -> None:
    raw = "```go\nfunc f() {\n    if x {\n        return\n    }\n}\n```"
    assert clean.block(raw, TABS) == "\tfunc f() {\n\t\tif x {\n\t\t\treturn\n\t\t}\n\t}\n"


def test_block_converts_four_space_levels_to_a_two_space_file() -> None:
    shape = Shape(indent="  ", unit=2, language="javascript")
    raw = "```js\nfunction f() {\n    return 1;\n}\n```"
    assert clean.block(raw, shape) == "  function f() {\n    return 1;\n  }\n"


def test_block_follows_the_regions_line_endings_and_final_newline() -> None:
    shape = Shape(eol="\r\n", final_newline=False, language="python")
    assert clean.block("```\na\nb\n```", shape) == "a\r\nb"


def test_block_uses_the_first_block_and_drops_the_rest() -> None:
    raw = "```python\nx = 1\n```\nUsage:\n```python\nprint(x)\n```"
    assert clean.block(raw, PY) == "x = 1\n"


def test_block_with_a_longer_fence_keeps_inner_fences() -> None:
    shape = Shape(language="markdown")
    raw = "````markdown\n# Title\n\n```sh\nls\n```\n````"
    assert clean.block(raw, shape) == "# Title\n\n```sh\nls\n```\n"


def test_block_drops_an_echoed_instruction_comment() -> None:
    raw = "```python\n# vc: make it async\nasync def f():\n    pass\n```"
    assert clean.block(raw, PY) == "async def f():\n    pass\n"


def test_block_of_prose_only_is_empty() -> None:
    assert clean.block("I could not find anything to change.", PY) == ""


def test_block_of_an_insertion_adds_the_separators() -> None:
    shape = Shape(prefix="\n\n", suffix="\n", language="python")
    assert clean.block("```python\ndef test_f():\n    assert f()\n```", shape) == \
        "\n\ndef test_f():\n    assert f()\n\n"


def test_partial_shows_only_complete_code_lines() -> None:
    assert clean.partial("Here is the code:\n", PY) == []
    assert clean.partial("```python\ndef g():\n    ret", PY) == ["def g():"]
    assert clean.streamed("```python\ndef g():\n    return 1\n", METHOD) == \
        "    def g():\n        return 1\n"


def test_partial_hides_a_fence_that_is_still_being_written() -> None:
    assert clean.partial("```pyth", PY) == []
    assert clean.partial("```python\n", PY) == []


def test_closed_once_the_code_block_ends() -> None:
    assert not clean.closed("```python\nx = 1\n", "python")
    assert not clean.closed("```python\nx = 1\n```", "python")  # the fence line is not complete
    assert clean.closed("```python\nx = 1\n```\n", "python")
    assert not clean.closed("```md\n```sh\nls\n```\n", "markdown")


def test_explanation_unwraps_a_markdown_fence_and_strips_reasoning() -> None:
    raw = "<think>hmm</think>```markdown\n**f** adds one.\n\n- fast\n```"
    assert clean.explanation(raw, final=True) == "**f** adds one.\n\n- fast\n"


def test_explanation_partial_is_complete_lines_only() -> None:
    assert clean.explanation("Adds one\nto x an", final=False) == "Adds one\n"
    assert clean.explanation("Adds one\nto x an", final=True) == "Adds one\nto x an\n"
