"""Next-edit suggestions in VS Code (code-server 4.100) with editors/vscode, in headless Chromium.

The user renames a parameter; after the pause the server predicts the other uses. Elsewhere in
the file they are in the light bulb menu (``Ctrl+.``): "Apply suggested edit (line N)" applies
one. On the cursor's line the extension's provider shows the edit as ghost text and ``Tab``
applies it. One prediction serves both.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.editors.test_vscode import MS, lines_of, vscode, vsix  # noqa: F401 (the fixture)
from tests.fakes.upstream import Reply
from tests.nes_cases import PY_AREA

PREDICTED = PY_AREA.replace("w", "width")


def answer(body: Any) -> Reply:
    prompt = json.dumps(body["messages"])
    if "editable_region_start" in prompt:
        return Reply.text(f"```python\n{PREDICTED}```\n")
    return Reply.text("<completion></completion>")  # no completion: only next edits here


async def test_vscode_offers_the_next_edit_in_the_light_bulb_and_as_ghost_text(
        vsix: Path, tmp_path: Path) -> None:  # noqa: F811
    async with vscode(tmp_path, vsix, {"area.py": PY_AREA}) as vs:
        vs.upstream.responder = answer
        await vs.open("area.py")
        await vs.upstream.requests.wait_path("/v1/models")
        await vs.page.keyboard.press("Control+G")
        await vs.page.keyboard.type("1:11")  # after the w of area(w
        await vs.page.keyboard.press("Enter")
        await vs.page.keyboard.type("idth")
        renamed = PY_AREA.replace("(w,", "(width,")
        await vs.until(lines_of(renamed))

        # Elsewhere: the menu the user opens waits for the prediction of the rename and lists
        # its edits; the one for line 2 applies there.
        await vs.page.keyboard.press("Control+.")
        option = vs.page.locator(".action-widget .monaco-list-row",
                                 has_text="Apply suggested edit (line 2)").first
        await option.wait_for(timeout=MS)
        focused = vs.page.locator(".action-widget .monaco-list-row.focused")
        for _ in range(20):  # down the menu to it, as with the keyboard, then Enter
            if "Apply suggested edit (line 2)" in (await focused.all_text_contents() or [""])[0]:
                break
            await vs.page.keyboard.press("ArrowDown")
        await vs.page.keyboard.press("Enter")
        await vs.until(lines_of(renamed.replace("if w ", "if width ")))

        # On the cursor's line: ghost text, and Tab applies it.
        await vs.page.keyboard.press("Control+G")
        await vs.page.keyboard.type("4:13")  # after the w of "return w"
        await vs.page.keyboard.press("Enter")
        await vs.command("Trigger Inline Suggestion")  # Alt+\\: ask for one now
        assert (await vs.ghost()).strip().startswith("idth")
        predictions = [r for r in vs.upstream.chat_requests
                       if "editable_region_start" in json.dumps(r.json["messages"])]
        assert len(predictions) == 1  # one prediction served the menu and the ghost text
        await vs.page.keyboard.press("Tab")
        await vs.until(lines_of(renamed.replace("if w ", "if width ")
                                .replace("return w ", "return width ")))
