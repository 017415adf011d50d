"""The code action list: instant, no request to the model, one command per action.

Each ``CodeAction`` carries a ``Command`` whose arguments are the request's own range (and the
diagnostic, for a fix); the command recomputes the lines when it runs, with the same rules.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from lsprotocol import types

from ..documents import Document
from ..lsp_json import converter
from . import catalog, regions
from . import plan as planning
from .catalog import Action, short


def _wanted(kind: str, only: Sequence[str] | None) -> bool:
    return not only or any(kind == k or kind.startswith(k + ".") for k in only)


def code_actions(doc: Document, rng: types.Range, context: types.CodeActionContext, *,
                 max_lines: int, disabled_support: bool,
                 can_edit: bool = True) -> list[types.CodeAction]:
    """The actions for ``rng``; without ``can_edit`` (no ``workspace/applyEdit``) only those
    whose answer the editor can show without an edit: explain."""
    text = planning.lines_text(doc)
    language = (doc.language_id or "").lower()
    start, end = planning.offsets(doc, rng)
    args: dict[str, Any] = {"uri": doc.uri, "range": converter().unstructure(rng)}
    out: list[types.CodeAction] = []

    def add(action: Action, title: str, arguments: dict[str, Any], *,
            diagnostics: list[types.Diagnostic] | None = None,
            span_lines: int | None = None) -> None:
        if not _wanted(action.kind, context.only) or (not can_edit and action.mode != "explain"):
            return
        disabled = None
        if span_lines is not None and span_lines > max_lines:
            if not disabled_support:
                return
            disabled = types.CodeActionDisabled(
                reason=f"{span_lines} lines selected; at most {max_lines} "
                       f"(actions.maxSelectionLines)")
        out.append(types.CodeAction(
            title=title, kind=action.kind, diagnostics=diagnostics, disabled=disabled,
            command=types.Command(title=title, command=action.command, arguments=[arguments])))

    for diag in context.diagnostics:
        add(catalog.FIX, f"Fix: {short(diag.message)}",
            {**args, "diagnostic": converter().unstructure(diag)}, diagnostics=[diag])
    if context.trigger_kind == types.CodeActionTriggerKind.Automatic:
        return out  # a light bulb: only what fixes a problem, not a menu on every cursor move
    span = planning.selection_span(doc, catalog.EXPLAIN, start, end)
    size = regions.count_lines(text, span)
    add(catalog.EXPLAIN, catalog.EXPLAIN.title, args, span_lines=size)
    edit_span, found = planning.edit_span(doc, start, end, language)
    if found is not None:
        add(catalog.EDIT, f"Edit: {short(found.text, 60)}", args,
            span_lines=regions.count_lines(text, edit_span))
    for preset in catalog.PRESETS:
        if preset.offered_for(language):
            add(preset, preset.title_for(language), args, span_lines=size)
    if not context.diagnostics:
        empty = regions.is_empty(text, start, end)
        fix_lines = 1 if empty else regions.count_lines(text, regions.whole_lines(text, start,
                                                                                    end))
        add(catalog.FIX, "Fix this line" if empty else "Fix the selected code", args,
            span_lines=fix_lines)
    return out

