"""Completion items survive Helix: ``$``, ``${...}`` and backslashes land exactly as cleaned.

Helix treats an item as a snippet when its kind is Snippet even if its format is plain text
(tests/helix_apply.py emulates its rules); our items are kind Text, so it inserts them verbatim.
"""

from __future__ import annotations

import pytest
from lsprotocol import types

from tests.helix_apply import apply, render_snippet
from vc_lsp.documents import new_document
from vc_lsp.handlers.inline import _item

TEXTS = [
    'print(f"limit ${MAX_ITEMS}")',
    "re.split(r'\\\\s+', line)",
    "echo $HOME && cd $1",
    "const s = `${a}:${b}`;",
    "price = '$0.99'  # \\$ sign",
    "pattern = /\\d+\\}/g;",
    "if ok {\n\treturn ${1:x}\n}",
    "s := `a\\\\b $x`",
]


@pytest.mark.parametrize("text", TEXTS)
def test_helix_applies_our_items_verbatim(text: str) -> None:
    source = "value = comp\n"
    offset = len("value = comp")
    doc = new_document("file:///a.py", source, language_id="python")
    item = _item(doc, offset, text, markdown=False)
    assert item.kind == types.CompletionItemKind.Text
    assert item.insert_text_format == types.InsertTextFormat.PlainText
    # the item replaces the typed word "comp" with "comp" + text
    assert apply(source, item) == "value = comp" + text + "\n"


def test_the_emulator_mangles_snippet_kind_items_as_helix_did() -> None:
    """Proof the emulation can fail: the old Snippet kind loses ``${MAX_ITEMS}`` and ``\\\\``."""
    assert render_snippet('f"${MAX_ITEMS}"') == 'f""'
    assert render_snippet("r'\\\\s+'") == "r'\\s+'"
    assert render_snippet("${1:x} $2 ${3|a,b|} \\$5 $ {") == "x  a $5 $ {"
    source = "x = \n"
    doc = new_document("file:///a.py", source, language_id="python")
    item = _item(doc, 4, "'${NAME}'", markdown=False)
    item.kind = types.CompletionItemKind.Snippet
    assert apply(source, item) == "x = ''\n"
