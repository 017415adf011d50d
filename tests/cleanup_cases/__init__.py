"""The post-processing table: raw chat-model replies and exactly what the user wants inserted.

One module per class of model habit (``unwrap``, ``fences``, ``prose``, ``echo``, ``suffix``,
``lines``, ``block``, ``repetition``, ``nothing``), each a list of ``Case``s, and ``fresh``: an
adversarial set written without reading the others (its ids name their class). A case is a document
with one ``|`` cursor marker, the raw reply as a model streams it (gpt-5.x, claude, deepseek,
qwen3, kimi, glm, minimax: fences, prose, reasoning, tags, echoes and all) and the insert.
The same table runs through ``clean`` (tests/test_cleanup_table.py), streamed through
``is_complete`` and end to end through the real server (tests/test_e2e_table.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from vc_lsp.inline.context import CursorContext, cut

CURSOR = "|"
EXTENSIONS = {"python": "py", "javascript": "js", "typescript": "ts", "go": "go", "rust": "rs",
              "c": "c", "cpp": "cpp", "java": "java", "ruby": "rb", "yaml": "yaml", "lua": "lua",
              "csharp": "cs", "php": "php", "kotlin": "kt", "swift": "swift", "shellscript": "sh",
              "sql": "sql", "markdown": "md", "typescriptreact": "tsx", "json": "json",
              "html": "html", "scala": "scala"}


@dataclass(frozen=True)
class Case:
    id: str
    language: str
    doc: str
    raw: str
    expected: str
    max_lines: int = 12


def case(id: str, language: str, doc: str, raw: str, expected: str, *,
         max_lines: int = 12) -> Case:
    assert doc.count(CURSOR) == 1, f"{id}: a case needs exactly one cursor marker"
    return Case(id, language, doc, raw, expected, max_lines)


def at_cursor(doc: str, language: str = "python") -> CursorContext:
    """The context the server would cut for ``doc`` with the cursor at its single ``|``."""
    assert doc.count(CURSOR) == 1, "a case needs exactly one cursor marker"
    before, after = doc.split(CURSOR)
    return cut(before + after, len(before), language=language,
               path=f"/project/main.{EXTENSIONS.get(language, 'txt')}",
               prefix_chars=6000, suffix_chars=2000)


def all_cases() -> list[Case]:
    from . import (
        block,
        echo,
        fences,
        fresh,
        lines,
        nothing,
        prose,
        repetition,
        streamed,
        suffix,
        unwrap,
    )

    out: list[Case] = []
    for module in (unwrap, fences, prose, echo, suffix, lines, block, repetition, nothing,
                   streamed, fresh):
        out.extend(module.CASES)
    ids = [c.id for c in out]
    assert len(ids) == len(set(ids)), "case ids must be unique"
    return out
