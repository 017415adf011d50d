"""Instructions written as comments: ``# vc: make this async`` in the file's comment syntax.

For editors that cannot ask the user for text (Helix), ``vc.edit`` takes its instruction from such
a comment inside the selection or on the comment lines right above it. The edit replaces the
comment together with the code, so the instruction disappears once it has been carried out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .tracking import Span

_LINE_TOKENS: dict[str, tuple[str, ...]] = {}
for _tokens, _languages in (
    (("#",), "python ruby shellscript sh bash zsh fish perl r yaml toml dockerfile makefile "
             "cmake elixir nim julia coffeescript powershell crystal gdscript starlark nix "
             "graphql terraform hcl"),
    (("//",), "c cpp objective-c objective-cpp java javascript javascriptreact typescript "
              "typescriptreact go rust swift kotlin scala csharp dart zig groovy fsharp jsonc "
              "proto solidity glsl hlsl verilog d v odin gleam cuda"),
    (("//", "#"), "php"),
    (("--",), "lua sql haskell elm ada purescript agda idris"),
    ((";",), "lisp clojure scheme racket commonlisp elisp emacs-lisp fennel asm nasm"),
    ((";", "#"), "ini"),
    (("%",), "latex tex erlang matlab prolog"),
    (('"',), "vim"),
    (("'",), "vb"),
):
    for _language in _languages.split():
        _LINE_TOKENS[_language] = _tokens
_BLOCK_TOKENS: dict[str, tuple[tuple[str, str], ...]] = {}
for _pairs, _languages in (
    ((("<!--", "-->"),), "html xml markdown svelte vue"),
    ((("/*", "*/"),), "css scss less c cpp java javascript javascriptreact typescript "
                      "typescriptreact go rust swift kotlin scala csharp dart php"),
    ((("{-", "-}"),), "haskell elm"),
    ((("(*", "*)"),), "ocaml fsharp pascal"),
):
    for _language in _languages.split():
        _BLOCK_TOKENS[_language] = _BLOCK_TOKENS.get(_language, ()) + _pairs
_ANY_LINE = ("#", "//", "--", ";", "%")
LOOK_ABOVE = 3  # comment lines above the selection searched for an instruction


@dataclass(frozen=True, slots=True)
class Instruction:
    text: str
    line: Span  # the whole line holding the comment, terminator included
    cut: Span  # what removing the comment removes: the whole line, or the trailing comment

    @property
    def whole_line(self) -> bool:
        return self.cut == self.line


@lru_cache(maxsize=64)
def _patterns(language: str) -> tuple[re.Pattern[str], re.Pattern[str] | None]:
    """(full-line or trailing line comment, block comment) patterns with a ``vc:`` marker."""
    tokens = _LINE_TOKENS.get(language, _ANY_LINE)
    alternatives = "|".join(re.escape(t) for t in sorted(tokens, key=len, reverse=True))
    line = re.compile(rf"(?P<pre>^\s*|.*?\S\s+)"
                      rf"(?P<comment>(?:{alternatives})+\s*vc:\s*(?P<text>.*?))\s*$",
                      re.IGNORECASE)
    pairs = _BLOCK_TOKENS.get(language, ())
    if not pairs:
        return line, None
    block = "|".join(rf"{re.escape(o)}\s*vc:\s*(?P<t{i}>.*?)\s*{re.escape(c)}"
                     for i, (o, c) in enumerate(pairs))
    return line, re.compile(rf"(?P<pre>^\s*|.*?\S\s+)(?P<comment>{block})\s*$", re.IGNORECASE)


def parse_line(line: str, language: str) -> tuple[str, int] | None:
    """``(instruction, column where the comment starts)`` for a line holding a ``vc:``
    comment; the column is 0-based in characters of ``line`` (no terminator)."""
    line_re, block_re = _patterns(language)
    body = line.rstrip("\r\n")
    for pattern in (block_re, line_re):
        if pattern is None:
            continue
        match = pattern.match(body)
        if match is None:
            continue
        text = next((v for k, v in match.groupdict().items()
                     if (k == "text" or k.startswith("t")) and v), "")
        if text.strip():
            return text.strip(), match.start("comment")
    return None


def is_instruction(line: str, language: str) -> bool:
    """A full line that is nothing but a ``vc:`` comment."""
    found = parse_line(line, language)
    return found is not None and not line[:found[1]].strip()


def _is_comment(line: str, language: str) -> bool:
    s = line.strip()
    tokens = _LINE_TOKENS.get(language, _ANY_LINE)
    pairs = _BLOCK_TOKENS.get(language, ())
    return bool(s) and (s.startswith(tokens) or any(s.startswith(o) for o, _ in pairs))


def find(text: str, region: Span, language: str) -> Instruction | None:
    """The first ``vc:`` comment inside ``region``, else on the comment lines right above it."""
    at = region.start
    while True:
        end = text.find("\n", at)
        end = len(text) if end < 0 else end + 1
        found = _at(text, at, end, language)
        if found is not None:
            return found
        if end >= region.end or end == at:
            break
        at = end
    end = region.start
    for _ in range(LOOK_ABOVE):
        if end == 0:
            break
        start = text.rfind("\n", 0, end - 1) + 1
        if not _is_comment(text[start:end], language):
            break
        found = _at(text, start, end, language)
        if found is not None:
            return found
        end = start
    return None


def _at(text: str, start: int, end: int, language: str) -> Instruction | None:
    line = text[start:end]
    found = parse_line(line, language)
    if found is None:
        return None
    instruction, column = found
    whole = Span(start, end)
    if not line[:column].strip():
        return Instruction(instruction, whole, whole)
    body_end = start + len(line.rstrip("\r\n"))
    cut_from = start + len(line[:column].rstrip())
    return Instruction(instruction, whole, Span(cut_from, body_end))


def remove(text: str, instruction: Instruction, offset: int = 0) -> str:
    """``text`` (which starts at document offset ``offset``) without the comment."""
    cut = instruction.cut.shifted(-offset)
    return text[:cut.start] + text[cut.end:]
