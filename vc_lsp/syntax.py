"""Tree-sitter grammars by LSP language id, from the per-language wheels, loaded on first use.

The grammars ship as small wheels (tree-sitter-python, -go, ...) that work offline; a language
without one, or whose wheel fails to load, gets ``None`` and callers fall back to text rules.
Loading costs a few milliseconds per grammar, so nothing is loaded before a document needs it.
"""

from __future__ import annotations

import importlib
import logging
import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tree_sitter import Language, Parser, Tree

log = logging.getLogger(__name__)

# LSP language id -> (module, function returning the grammar's pointer)
_GRAMMARS: dict[str, tuple[str, str]] = {
    "python": ("tree_sitter_python", "language"),
    "javascript": ("tree_sitter_javascript", "language"),
    "javascriptreact": ("tree_sitter_javascript", "language"),
    "typescript": ("tree_sitter_typescript", "language_typescript"),
    "typescriptreact": ("tree_sitter_typescript", "language_tsx"),
    "go": ("tree_sitter_go", "language"),
    "rust": ("tree_sitter_rust", "language"),
    "java": ("tree_sitter_java", "language"),
    "c": ("tree_sitter_c", "language"),
    "cpp": ("tree_sitter_cpp", "language"),
    "csharp": ("tree_sitter_c_sharp", "language"),
    "lua": ("tree_sitter_lua", "language"),
    "ruby": ("tree_sitter_ruby", "language"),
    "php": ("tree_sitter_php", "language_php"),
    "shellscript": ("tree_sitter_bash", "language"),
    "sh": ("tree_sitter_bash", "language"),
    "bash": ("tree_sitter_bash", "language"),
}
# Other names clients use for the same languages (Helix and Emacs send their own ids).
ALIASES = {"js": "javascript", "jsx": "javascriptreact", "ts": "typescript",
           "tsx": "typescriptreact", "c++": "cpp", "cs": "csharp", "c#": "csharp",
           "py": "python", "rs": "rust", "rb": "ruby", "zsh": "bash"}

_languages: dict[tuple[str, str], Language | None] = {}
load_ms: dict[str, float] = {}  # grammar -> milliseconds its first load took (for bench/)


def canonical(language_id: str) -> str:
    """The language id we key grammars by: lower case, aliases resolved."""
    key = language_id.strip().lower()
    return ALIASES.get(key, key)


def supported(language_id: str) -> bool:
    return canonical(language_id) in _GRAMMARS


def language(language_id: str) -> Language | None:
    """The grammar for ``language_id``, loaded once; ``None`` when there is none."""
    key = canonical(language_id)
    spec = _GRAMMARS.get(key)
    if spec is None:
        return None
    if spec in _languages:  # keyed by wheel and function: aliases share one grammar
        return _languages[spec]
    started = time.perf_counter()
    grammar: Language | None
    try:
        from tree_sitter import Language

        module = importlib.import_module(spec[0])
        grammar = Language(getattr(module, spec[1])())
    except Exception as exc:  # a missing or broken wheel must not break completions
        log.info("no tree-sitter grammar for %s (%s); using text rules", key, exc)
        grammar = None
    _languages[spec] = grammar
    load_ms[key] = (time.perf_counter() - started) * 1000
    return grammar


def parser(language_id: str) -> Parser | None:
    """A new parser for ``language_id`` (parsers are cheap; grammars are shared)."""
    grammar = language(language_id)
    if grammar is None:
        return None
    from tree_sitter import Parser

    return Parser(grammar)


def parse(language_id: str, text: str) -> Tree | None:
    """The syntax tree of ``text``, or ``None`` without a grammar. Offsets are UTF-8 bytes."""
    p = parser(language_id)
    return None if p is None else p.parse(text.encode("utf-8", "surrogatepass"))
