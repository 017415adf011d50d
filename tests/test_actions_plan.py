"""regions.py and plan.py: which lines an action works on, and what the model is told."""

from __future__ import annotations

from lsprotocol import types
from pygls.workspace import PositionCodec, TextDocument

from vc_lsp.actions import catalog, listing, plan, prompts, regions
from vc_lsp.actions.tracking import Span

CLASS = ("import os\n\n"
         "class A:\n"
         "    @property\n"
         "    def m(self):\n"
         "        if self.x:\n"
         "            return 1\n"
         "        return 2\n"
         "\n"
         "    def n(self):\n"
         "        pass\n")


def _doc(text: str, language: str = "python", encoding: str = "utf-16") -> TextDocument:
    return TextDocument("file:///p/app.py", source=text, version=3, language_id=language,
                        position_codec=PositionCodec(encoding))


def _pos(line: int, character: int) -> types.Position:
    return types.Position(line=line, character=character)


def _range(a: tuple[int, int], b: tuple[int, int]) -> types.Range:
    return types.Range(_pos(*a), _pos(*b))


def _text(text: str, span: Span) -> str:
    return text[span.start:span.end]


def test_enclosing_block_is_the_innermost_definition_with_decorators() -> None:
    span = regions.enclosing_block(CLASS, CLASS.index("return 1"))
    assert _text(CLASS, span) == CLASS[CLASS.index("    @property"):CLASS.index("\n    def n")]


def test_enclosing_block_of_a_top_level_statement_is_its_paragraph() -> None:
    assert _text(CLASS, regions.enclosing_block(CLASS, 0)) == "import os\n"


def test_enclosing_block_in_braces_includes_the_closer() -> None:
    js = "function f(a) {\n  if (a) {\n    return 1;\n  }\n  return 2;\n}\nconst x = 1;\n"
    span = regions.enclosing_block(js, js.index("return 1"))
    assert _text(js, span) == js[:js.index("const")]


def test_enclosing_block_with_a_multi_line_signature() -> None:
    py = "def f(\n    a,\n) -> int:\n    return a\n\nx = 1\n"
    assert _text(py, regions.enclosing_block(py, py.index("return"))) == py[:py.index("\nx")]


def test_enclosing_block_keeps_else_branches() -> None:
    py = "if a:\n    x = 1\nelse:\n    x = 2\ny = 3\n"
    assert _text(py, regions.enclosing_block(py, py.index("x = 1"))) == py[:py.index("y")]


def test_whole_lines_leaves_out_a_line_the_selection_only_touches_at_column_0() -> None:
    text = "a\nb\nc\n"
    assert regions.whole_lines(text, 2, 4) == Span(2, 4)
    assert regions.whole_lines(text, 2, 3) == Span(2, 4)
    assert regions.whole_lines(text, 3, 3) == Span(2, 4)


def test_plan_for_a_selection_in_utf8_columns() -> None:
    text = "s = '😀'\nt = 'é' + s\nu = 1\n"
    doc = _doc(text, encoding="utf-8")
    made = plan.make(doc, catalog.PRESETS[0], _range((1, 4), (1, 9)))
    assert isinstance(made, plan.Plan)
    assert made.original == "t = 'é' + s\n" and made.first_line == made.last_line == 2
    assert made.before == "s = '😀'\n" and made.after == "u = 1\n"


def test_plan_without_selection_takes_the_enclosing_block() -> None:
    made = plan.make(_doc(CLASS), catalog.EXPLAIN, _range((10, 8), (10, 8)))
    assert isinstance(made, plan.Plan)
    assert made.original == "    def n(self):\n        pass\n"
    assert made.shape.indent == "    "


def test_plan_edit_takes_the_instruction_from_a_comment_above() -> None:
    text = "x = 1\n# vc: make this async\ndef f():\n    return get()\n"
    made = plan.make(_doc(text), catalog.EDIT, _range((2, 0), (4, 0)))
    assert isinstance(made, plan.Plan)
    assert made.task == "make this async"
    assert made.original == "# vc: make this async\ndef f():\n    return get()\n"
    assert made.code == "def f():\n    return get()\n"  # the model never sees the comment


def test_plan_edit_on_the_comment_line_takes_the_block_below() -> None:
    text = "# vc: add a docstring\ndef f():\n    return 1\n\nx = 2\n"
    made = plan.make(_doc(text), catalog.EDIT, _range((0, 3), (0, 4)))  # Helix: one character
    assert isinstance(made, plan.Plan)
    assert made.original == "# vc: add a docstring\ndef f():\n    return 1\n"


def test_plan_edit_without_an_instruction_says_how_to_give_one() -> None:
    made = plan.make(_doc("def f():\n    pass\n"), catalog.EDIT, _range((0, 0), (0, 0)))
    assert isinstance(made, plan.Problem) and "# vc:" in made.message


def test_plan_fix_uses_the_diagnostic_lines() -> None:
    text = "a = 1\nb = a +\nc = 3\n"
    diag = types.Diagnostic(range=_range((1, 4), (1, 7)), message="invalid syntax",
                            source="pyright")
    made = plan.make(_doc(text), catalog.FIX, _range((1, 0), (1, 0)), diagnostics=(diag,))
    assert isinstance(made, plan.Plan)
    assert made.original == "b = a +\n"
    assert "line 2 (pyright): invalid syntax" in made.task


def test_plan_generic_fix_is_the_cursor_line() -> None:
    made = plan.make(_doc("a = 1\nb = a +\n"), catalog.FIX, _range((1, 2), (1, 2)))
    assert isinstance(made, plan.Plan) and made.original == "b = a +\n"
    assert "bug" in made.task


def test_plan_refuses_a_selection_over_the_limit() -> None:
    text = "x = 1\n" * 50
    made = plan.make(_doc(text), catalog.EXPLAIN, _range((0, 0), (50, 0)), max_lines=20)
    assert isinstance(made, plan.Problem)
    assert "50 lines" in made.message and "actions.maxSelectionLines" in made.message


def test_plan_write_test_inserts_below_the_code() -> None:
    text = "def f():\n    return 1\nx = f()\n"
    made = plan.make(_doc(text), catalog.BY_COMMAND["vc.writeTest"], _range((0, 0), (2, 0)))
    assert isinstance(made, plan.Plan)
    end = len("def f():\n    return 1\n")
    assert made.span == Span(end, end)
    assert made.original == "" and made.code == "def f():\n    return 1\n"
    assert made.shape.prefix == "\n\n" and made.shape.suffix == "\n"


def test_prompt_names_the_file_and_fences_around_backticks() -> None:
    text = 'doc = """\n```\nexample\n```\n"""\n'
    made = plan.make(_doc(text), catalog.PRESETS[0], _range((0, 0), (5, 0)))
    assert isinstance(made, plan.Plan)
    _system, user = prompts.messages(made)
    assert "app.py" in user["content"] and "python" in user["content"]
    assert "````python\n" in user["content"] and made.action.task in user["content"]


def test_listing_offers_fixes_for_diagnostics_and_the_rest_when_invoked() -> None:
    doc = _doc("def f():\n    return x\n")
    diag = types.Diagnostic(range=_range((1, 11), (1, 12)), message='"x" is not defined')
    invoked = types.CodeActionContext(diagnostics=[diag],
                                      trigger_kind=types.CodeActionTriggerKind.Invoked)
    titles = [a.title for a in listing.code_actions(doc, _range((1, 4), (1, 4)), invoked,
                                                    max_lines=400, disabled_support=True)]
    assert titles[0] == 'Fix: "x" is not defined'
    assert "Explain this code" in titles and "Add type hints" in titles
    assert "Fix this line" not in titles  # the diagnostic's fix is there
    auto = types.CodeActionContext(diagnostics=[diag],
                                   trigger_kind=types.CodeActionTriggerKind.Automatic)
    assert [a.title for a in listing.code_actions(doc, _range((1, 4), (1, 4)), auto,
                                                  max_lines=400, disabled_support=True)] \
        == titles[:1]


def test_listing_filters_by_kind_and_disables_oversized_selections() -> None:
    doc = _doc("x = 1\n" * 30, language="go")
    only = types.CodeActionContext(diagnostics=[], only=["refactor"])
    actions = listing.code_actions(doc, _range((0, 0), (30, 0)), only, max_lines=10,
                                   disabled_support=True)
    assert actions and all(a.kind and a.kind.startswith("refactor.") for a in actions)
    assert all(a.disabled is not None for a in actions)
    assert "Add type hints" not in [a.title for a in actions]  # not offered for Go
    assert not listing.code_actions(doc, _range((0, 0), (30, 0)), only, max_lines=10,
                                    disabled_support=False)


def test_every_streaming_action_is_a_command_with_a_unique_name() -> None:
    commands = [a.command for a in catalog.STREAMING]
    assert len(set(commands)) == len(commands)
    assert {"vc.explain", "vc.edit", "vc.fix", "vc.cancel", "vc.revert", "vc.undo"} <= \
        set(catalog.COMMANDS)


def test_a_crlf_tab_indented_file_keeps_its_line_endings_and_tabs() -> None:
    from vc_lsp.actions import clean, diff

    text = "func f() {\r\n\tif x {\r\n\t\treturn 1\r\n\t}\r\n\treturn 2\r\n}\r\n"
    made = plan.make(_doc(text, language="go"), catalog.PRESETS[0], _range((1, 0), (4, 0)))
    assert isinstance(made, plan.Plan)
    assert made.shape.eol == "\r\n" and made.shape.tabs and made.shape.indent == "\t"
    answer = "```go\nif x {\n    return 1\n}\n```"  # the model answers with LF and spaces
    final = clean.block(answer, made.shape)
    assert final == made.original  # the same code, so nothing at all changes
    assert diff.hunks(made.original, final) == []
