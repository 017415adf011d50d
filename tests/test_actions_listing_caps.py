"""What the code action list offers for what the editor can do, and how messages are fitted."""

from __future__ import annotations

from lsprotocol import types
from pygls.workspace import TextDocument

from vc_lsp.actions import catalog, listing

SOURCE = "def load(path):\n    f = open(path)\n    return f.read()\n"


def _actions(*, can_edit: bool) -> list[types.CodeAction]:
    doc = TextDocument("file:///app.py", source=SOURCE, language_id="python")
    at = types.Position(line=1, character=4)
    context = types.CodeActionContext(diagnostics=[types.Diagnostic(
        range=types.Range(at, at), message="f is never closed")],
        trigger_kind=types.CodeActionTriggerKind.Invoked)
    return listing.code_actions(doc, types.Range(at, at), context, max_lines=400,
                                disabled_support=False, can_edit=can_edit)


def test_an_editor_that_applies_edits_gets_every_action() -> None:
    commands = {a.command.command for a in _actions(can_edit=True) if a.command}
    assert {"vc.explain", "vc.fix", "vc.simplify"} <= commands


def test_an_editor_without_apply_edit_is_offered_only_what_it_can_show() -> None:
    offered = _actions(can_edit=False)
    assert [a.command.command for a in offered if a.command] == ["vc.explain"]


def test_messages_are_fitted_to_one_line_of_80_columns() -> None:
    long_name = "a_module_with_a_really_quite_long_name_indeed.py"
    text = catalog.fit("vc-lsp: {name} changed, so the edit stopped; lines 100-140: original "
                       "text.", name=long_name)
    assert len(text) <= catalog.MESSAGE_WIDTH and "lines 100-140: original text." in text
    assert text.startswith("vc-lsp: a_module") and "…" in text
    short = catalog.fit("vc-lsp: {name} changed.", name="app.py")
    assert short == "vc-lsp: app.py changed."
    two = catalog.fit("vc-lsp: '{what}' in {name} failed at lines 1-2.", what="E" * 60,
                      name="n" * 60)
    assert len(two) <= catalog.MESSAGE_WIDTH
