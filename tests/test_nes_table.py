"""The next-edit scenario table (tests/nes_cases.py), end to end through the real server.

Every scenario goes through both deliveries, each in its own document: Copilot's
``textDocument/copilotInlineEdit`` (edit by edit, each applied as the client applies it and its
command run, until every expected edit was offered), and the code actions ("Apply suggested edit
(line N)", each applied and re-listed). Each offered edit must be exactly one of the expected
edits, for the document's current version, and the whole scenario must cost one upstream
request: the edits after the first come from the rebased suggestion.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from lsprotocol import types

from tests.fakes.upstream import FakeUpstream
from tests.nes_cases import SCENARIOS, Scenario, kinds
from tests.nes_client import Doc, Session, script, session, user_edits

Span = tuple[int, int, str]


def expected(sc: Scenario, text: str) -> list[Span]:
    return sorted((e.offset(text), e.offset(text) + len(e.old), e.new) for e in sc.expect)


def to_original(applied: list[Span], start: int, end: int) -> tuple[int, int]:
    """Offsets in the current text back to the text before any suggested edit was applied."""
    shift = 0
    for a_start, a_end, new in sorted(applied):
        if start >= a_start + shift + len(new):
            shift += len(new) - (a_end - a_start)
    return start - shift, end - shift


def take(remaining: list[Span], applied: list[Span], doc: Doc, rng: types.Range, new: str,
         problems: list[str]) -> Span | None:
    start, end = doc.text.offset(rng.start), doc.text.offset(rng.end)
    original = (*to_original(applied, start, end), new)
    if original not in remaining:
        problems.append(f"offered {original}, expected one of {remaining}")
        return None
    remaining.remove(original)
    applied.append(original)
    return original


async def through_copilot(s: Session, sc: Scenario, problems: list[str]) -> None:
    uri = script(s, sc)
    doc = s.open(uri, sc.start, sc.language)
    cursor = user_edits(s, doc, sc)
    before = len(s.upstream.chat_requests)
    remaining, applied = expected(sc, doc.text.text), []
    for _ in range(len(remaining) + 1):
        edits = await s.inline_edit(doc, cursor)
        if not edits:
            break
        (edit,) = edits  # Copilot's edits are alternatives: the next one only
        if edit["textDocument"] != {"uri": uri, "version": doc.version}:
            problems.append(f"edit for {edit['textDocument']}, document at {doc.version}")
        if edit["command"]["command"] != "vc.nes.accept":
            problems.append(f"command {edit['command']}")
        rng = types.Range(types.Position(**edit["range"]["start"]),
                          types.Position(**edit["range"]["end"]))
        if take(remaining, applied, doc, rng, edit["text"], problems) is None:
            return
        start, _ = s.apply_range(doc, rng, edit["text"])
        cursor = start + len(edit["text"])
        await s.execute("vc.nes.accept", edit["command"]["arguments"])
        if not remaining:
            break
    if remaining:
        problems.append(f"never offered {remaining}")
    if doc.text.text != sc.final():
        problems.append(f"final text {doc.text.text!r}")
    if len(s.upstream.chat_requests) - before != 1:
        problems.append(f"{len(s.upstream.chat_requests) - before} upstream requests")


async def through_code_actions(s: Session, sc: Scenario, problems: list[str]) -> None:
    uri = script(s, sc, "-ca")
    doc = s.open(uri, sc.start, sc.language)
    cursor = user_edits(s, doc, sc)
    before = len(s.upstream.chat_requests)
    remaining, applied = expected(sc, doc.text.text), []
    for _ in range(len(remaining) + 1):
        actions = await s.code_actions(doc, cursor)
        singles = [a for a in actions if a.title.startswith("Apply suggested edit")]
        if len(singles) != len(remaining):
            problems.append(f"{[a.title for a in actions]} for {len(remaining)} edits")
            return
        if not singles:
            break
        if len(singles) > 1 and not any(a.title == f"Apply all {len(singles)} suggested edits"
                                        for a in actions):
            problems.append(f"no 'Apply all' in {[a.title for a in actions]}")
        action = singles[0]
        assert action.edit is not None and action.edit.document_changes
        (change,) = action.edit.document_changes
        assert isinstance(change, types.TextDocumentEdit)
        if change.text_document.version != doc.version or change.text_document.uri != uri:
            problems.append(f"edit for version {change.text_document.version}, "
                            f"document at {doc.version}")
        (text_edit,) = change.edits
        assert isinstance(text_edit, types.TextEdit)
        line = text_edit.range.start.line + 1
        if action.title != f"Apply suggested edit (line {line})":
            problems.append(f"title {action.title!r} for an edit on line {line}")
        if take(remaining, applied, doc, text_edit.range, text_edit.new_text, problems) is None:
            return
        start, _ = s.apply_range(doc, text_edit.range, text_edit.new_text)
        cursor = start + len(text_edit.new_text)
        assert action.command is not None
        await s.execute(action.command.command, list(action.command.arguments or []))
        if not remaining:
            break  # listing again would hurry the next prediction (a new request)
    if remaining:
        problems.append(f"never offered {remaining}")
    if doc.text.text != sc.final():
        problems.append(f"final text {doc.text.text!r}")
    if len(s.upstream.chat_requests) - before != 1:
        problems.append(f"{len(s.upstream.chat_requests) - before} upstream requests")


def test_the_table_covers_every_kind_in_several_languages() -> None:
    counts = kinds()
    assert len(SCENARIOS) >= 30
    by_kind: dict[str, set[str]] = {}
    for kind, language in counts:
        by_kind.setdefault(kind, set()).add(language)
    for kind in ("rename", "field", "signature", "fix", "loop"):
        assert len(by_kind[kind]) >= 4, (kind, by_kind[kind])
    forms = {s.form for s in SCENARIOS}
    assert forms >= {"whole", "fenced", "prose", "reasoning", "markers", "reasoning_field"}


async def test_every_scenario_through_copilot_inline_edit(upstream: FakeUpstream,
                                                          tmp_path: Path) -> None:
    failures: dict[str, list[str]] = {}
    async with session(upstream, tmp_path) as s:
        for sc in SCENARIOS:
            problems: list[str] = []
            await through_copilot(s, sc, problems)
            if problems:
                failures[sc.id] = problems
    assert not failures, _report(failures)


async def test_every_scenario_through_the_code_action(upstream: FakeUpstream,
                                                      tmp_path: Path) -> None:
    failures: dict[str, list[str]] = {}
    async with session(upstream, tmp_path) as s:
        for sc in SCENARIOS:
            problems: list[str] = []
            await through_code_actions(s, sc, problems)
            if problems:
                failures[sc.id] = problems
    assert not failures, _report(failures)


def _report(failures: dict[str, Any]) -> str:
    return "\n".join(f"{name}: {'; '.join(p)}" for name, p in failures.items())
