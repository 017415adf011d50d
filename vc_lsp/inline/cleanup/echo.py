"""Echo: text the model repeated from before the cursor, in every shape it comes in.

Models re-type the lines before the cursor (a few, or the whole file, blank lines dropped or
added), the start of the cursor line (restarting mid-word: ``getPro`` + ``ProfileSummary``), the
function header they are inside (often "improved", with type hints added), answer as a diff, or
stand ``// ... existing code ...`` in for what they did not repeat.
"""

from __future__ import annotations

import re
from functools import lru_cache

from ..context import BLOCK_OPENERS, CursorContext
from .draft import Draft, complete_lines, prefix_lines

_SUBWORD = re.compile(r"\b\w|(?<=[a-z0-9])[A-Z]|(?<=_)[A-Za-z0-9]|(?<=[A-Z])[A-Z](?=[a-z])")
_EXISTING = re.compile(
    r"^\s*(?:(?:#|//|--|/\*+|\*|<!--|;)\s*)?(?:(?:\.\.\.|…)\s*)?(?:\(\s*)?(?:existing|"
    r"rest of (?:the )?(?:code|file|function|class|method|body|implementation)|"
    r"remaining (?:code|lines)|unchanged(?: code)?|same as before|previous code|other "
    r"(?:code|methods|functions|fields)|keep (?:the )?(?:existing|rest)|code above|code below|"
    r"your (?:existing|other) code)[^\n]*$", re.IGNORECASE)
_ELLIPSIS_LINE = re.compile(r"^\s*(?:(?:#|//|--|/\*+|<!--)\s*)?(?:\.\.\.|…)\s*(?:\*/|-->)?\s*$")
_HEADER = re.compile(
    r"^\s*(?:export\s+)?(?:default\s+)?(?:pub(?:\([\w:]+\))?\s+)?(?:async\s+)?(?:static\s+)?"
    r"(?:def|function\*?|func|fn|class|interface|struct|impl|sub|proc|fun|module|trait)\s+"
    r"(?:\([^)]*\)\s*)?(?P<name>\w+)"
    r"|^\s*(?:export\s+)?(?:const|let|var)\s+(?P<arrow>\w+)\s*(?::[^=]+)?=\s*(?:async\s+)?"
    r"(?:function\b|\()"
    r"|^\s*(?:(?:public|private|protected|internal|static|final|abstract|override|virtual|"
    r"inline|extern|const|unsafe|synchronized)\s+)*[\w<>\[\],.?*&:]+\s+[*&]?(?P<c>\w+)\s*\(")
_COMMENT_OR_DECORATOR = re.compile(r"^\s*(?:#|//|/\*|\*|--|@|\"\"\"|///)")
_NOT_NAMES = frozenset({"if", "for", "while", "switch", "catch", "return", "new", "else"})
_IMPORT = re.compile(r"^\s*(?:import\b|from\s+[\w.]+\s+import\b|#\s*include\b|#import\b|"
                     r"using\s+[\w.]+\s*;|use\s+[\w:\\{}, ]+;|require(?:_once)?\b)")
_FILE_LEVEL = re.compile(_IMPORT.pattern + r"|^\s*(?:package\s+[\w.]+;?$|<\?php\b|#!/)")
_TOP_LEVEL_IMPORTS = frozenset({"go", "java", "kotlin", "scala", "javascript", "typescript",
                                "javascriptreact", "typescriptreact", "csharp", "dart", "swift"})
ECHO_MIN = 4  # characters an echo must have, unless it is an opener line


def diff(d: Draft) -> None:
    """A diff answer (``+`` lines, hunks): its added and context lines, markers removed."""
    lines = d.text.split("\n")
    filled = [line for line in lines if line.strip()]
    if not filled:
        return
    marked = all(line[:1] in "+- " for line in filled)
    plus = sum(line.startswith("+") and not line.startswith("+++") for line in filled)
    hunk = any(line.startswith("@@") for line in filled)
    if not (d.fenced in ("diff", "patch") or hunk or (
            marked and plus and len(filled) >= 2
            and (plus == len(filled) or any(line.startswith("-") for line in filled)))):
        return
    if not plus:
        if d.partial:
            d.text = ""  # a diff whose added lines have not arrived yet
        return
    out = []
    for line in lines:
        if line.startswith(("+++", "---", "@@", "-", "\\ No newline")):
            continue
        out.append(line[1:] if line[:1] in "+ " else line)
    d.text = "\n".join(out)


def existing_code(d: Draft) -> None:
    """``// ... existing code ...`` stands for the document's own text: the answer is what the
    model wrote between such lines and the text it repeated from before the cursor."""
    lines = d.text.split("\n")
    marks = [i for i, line in enumerate(complete_lines(lines, d.partial))
             if _EXISTING.match(line) or (_ELLIPSIS_LINE.match(line)
                                          and d.ctx.language.lower() != "python")]
    if not marks:
        return
    first = marks[0]
    seen = set(_filled(prefix_lines(d.ctx)[-80:]))
    if all(not line.strip() or line.strip() in seen for line in lines[:first]):
        after = [m for m in marks if m > first]
        end = after[0] if after else len(lines)
        d.text = "\n".join(lines[first + 1:end])
        d.ended = d.ended or (bool(after) and d.partial and not d.hold)
    else:
        d.text = "\n".join(lines[:first])
        d.ended = d.ended or (d.partial and not d.hold)


def imports(d: Draft) -> None:
    """File-level lines the reply opens with: an import, ``<?php`` or a shebang the file already
    has, or an import where none can stand (inside a block, in languages whose imports are
    top-level only). Models add the imports their code uses; the cursor is not where they go."""
    lines = d.text.split("\n")
    done = complete_lines(lines, d.partial)
    first = next((line for line in done if line.strip()), "")
    if not _FILE_LEVEL.match(first):
        return
    ctx = d.ctx
    misplaced = bool(ctx.indent) and ctx.language.lower() in _TOP_LEVEL_IMPORTS
    seen = _seen(ctx)
    k, dropped = 0, False
    while k < len(done):
        s = done[k].strip()
        if s and not (_FILE_LEVEL.match(s) and (s in seen or (
                misplaced and _IMPORT.match(s)))):
            break
        dropped = dropped or bool(s)
        k += 1
    if not dropped:
        return
    rest = lines[k:]
    if d.partial and not "".join(rest).strip():
        d.text = ""  # the code after the imports has not arrived yet
        return
    d.text = "\n".join(rest)


@lru_cache(maxsize=16)
def _seen(ctx: CursorContext) -> frozenset[str]:
    return frozenset(_filled(prefix_lines(ctx)[:-1]))


def prefix(d: Draft) -> None:
    """The answer from where the cursor is: repeated lines and the re-typed line start go."""
    text = d.text
    broke = text.lstrip(" \t").startswith("\n") or text.startswith("\n")
    body = text.lstrip("\n") if broke else text
    body = re.sub(r"^(?:[ \t]*\n)+", "", body)
    echo = strip(body, d)
    if echo is None:
        d.broke = broke
        d.text = body
        return
    d.echoed = True
    d.text = echo


def strip(text: str, d: Draft) -> str | None:
    """The answer without the lines or the start of the cursor line that it repeated.

    ``None`` when nothing was repeated; ``""`` while a partial answer may still be an echo.
    """
    ctx = d.ctx
    before = list(prefix_lines(ctx)[:-1])
    typed = ctx.line_prefix.lstrip()
    got = text.split("\n")
    found = _lines_echo(got, before, typed, d)
    if found is None:
        found = _anchored(got, before, typed, d)
    if found is not None:
        return found
    header = _improved_header(got, before, ctx.line_prefix)
    if header is not None:
        rest, at = header
        if at == len(before):  # the cursor line is the header: the body goes on new lines
            return "\n".join(["", *rest]) if any(x.strip() for x in rest) else (
                "" if d.partial else None)
        found = _lines_echo(rest, before[at + 1:], typed, d)
        if found is not None:
            return found
        if rest and (typed == "" or rest[0].lstrip().startswith(typed)):
            first = rest[0].lstrip()[len(typed):] if typed else rest[0]
            return "\n".join([first, *rest[1:]])
        return "" if d.partial and not rest else None
    if d.partial and len(got) == 1 and _HEADER.match(got[0]) and not typed:
        return ""  # a header may be on its way
    return _restart(text, ctx.line_prefix)


def _lines_echo(got: list[str], before: list[str], typed: str, d: Draft) -> str | None:
    """Lines ``got`` starts with that repeat the end of ``before`` (blank lines not counted),
    then the cursor line re-typed up to the cursor."""
    filled = [i for i, line in enumerate(got) if line.strip()]
    want = _filled(tuple(before))
    if not filled or not want:
        return None
    open_at = len(got) - 1 if d.partial else -1  # the line still arriving
    head = got[filled[0]].strip()
    if filled[0] == open_at:  # still arriving: any earlier line it may grow into
        starts = [j for j, line in enumerate(want) if line.startswith(head)]
    else:  # an echo starts with some earlier line, found by its text
        starts = _index(tuple(want)).get(head, [])
    for j in starts:
        echoed = want[j:]
        if sum(map(len, echoed)) + len(typed) < ECHO_MIN and not _short_echo_ok(
                echoed, before, filled):
            continue
        result = _after(got, filled, echoed, typed, open_at)
        if result is not None:
            return result
    return None


@lru_cache(maxsize=16)
def _filled(before: tuple[str, ...]) -> list[str]:
    """The non-blank lines, stripped (cached: a streamed reply asks on every line)."""
    return [line.strip() for line in before if line.strip()]


@lru_cache(maxsize=16)
def _index(want: tuple[str, ...]) -> dict[str, list[int]]:
    """Where each line occurs, first occurrence (the longest echo) first."""
    out: dict[str, list[int]] = {}
    for j, line in enumerate(want):
        out.setdefault(line, []).append(j)
    return out


def _after(got: list[str], filled: list[int], echoed: list[str], typed: str,
           open_at: int) -> str | None:
    """What follows the echo of ``echoed`` in ``got``; ``""`` while it may still be an echo."""
    for t, want in enumerate(echoed):
        if t >= len(filled):
            return ""  # nothing but the prefix again (so far)
        line = got[filled[t]].strip()
        if filled[t] == open_at:
            return "" if want.startswith(line) else None
        if line != want:
            return None
    if len(filled) == len(echoed):
        return ""
    nxt = filled[len(echoed)]
    line = got[nxt].lstrip()
    if typed and not line.startswith(typed):
        return "" if nxt == open_at and typed.startswith(line) else None
    first = line[len(typed):] if typed else got[nxt]
    return "\n".join([first, *got[nxt + 1:]])


ANCHOR_LINES = 3
ANCHOR_MIN = 24  # characters the anchor lines must have to be unmistakable


def _anchored(got: list[str], before: list[str], typed: str, d: Draft) -> str | None:
    """A long echo that is not word for word (the model re-emitted the file and changed a line
    far above the cursor): the answer starts after the reply's copy of the last few lines
    before the cursor, when those are distinctive and come once."""
    want = _filled(tuple(before))[-ANCHOR_LINES:]
    if len(want) < ANCHOR_LINES or sum(map(len, want)) < ANCHOR_MIN:
        return None
    done = complete_lines(got, d.partial)
    filled = [i for i, line in enumerate(done) if line.strip()]
    if len(filled) <= ANCHOR_LINES:
        return None
    stripped = [done[i].strip() for i in filled]
    hits = [k for k in range(len(stripped) - ANCHOR_LINES + 1)
            if stripped[k:k + ANCHOR_LINES] == want]
    if not hits and d.partial and _echoing(stripped, _filled(tuple(before))):
        return ""  # repeating the file so far: the lines before the cursor may still come
    if len(hits) != 1 or hits[0] == 0:
        return None  # none, ambiguous, or a plain echo the exact rule already judged
    k = hits[0] + ANCHOR_LINES
    if k >= len(filled):
        return "" if d.partial else None
    nxt = filled[k]
    line = got[nxt].lstrip()
    if typed and not line.startswith(typed):
        return None
    first = line[len(typed):] if typed else got[nxt]
    return "\n".join([first, *got[nxt + 1:]])


def _echoing(got: list[str], want: list[str]) -> bool:
    """Whether the reply opens with lines of the prefix, in order (a long echo under way)."""
    head = got[:ANCHOR_LINES]
    if len(head) < ANCHOR_LINES or sum(map(len, head)) < ANCHOR_MIN:
        return False
    starts = _index(tuple(want)).get(head[0], [])
    return any(want[j:j + ANCHOR_LINES] == head for j in starts)


def _short_echo_ok(echoed: list[str], before: list[str], filled: list[int]) -> bool:
    """A short repeated line counts when it opens something (``\"\"\"``, ``{``, ``/**``) and is
    the line right before the cursor: the model restarted the block it is filling."""
    if len(echoed) != 1 or len(filled) < 2:
        return False
    last = next((line for line in reversed(before) if line.strip()), "")
    s = echoed[0]
    return last.strip() == s and (s in ('"""', "'''", "/**", "/*", "<!--", "---")
                                  or s.endswith(BLOCK_OPENERS))


def _improved_header(got: list[str], before: list[str],
                     line_prefix: str) -> tuple[list[str], int] | None:
    """A re-typed header of the definition the cursor is in, changed or not: the reply's lines
    after it, and where the document's header ends (``len(before)``: the cursor line)."""
    lead = [line for line in got if line.strip()][:4]
    while len(lead) > 1 and _COMMENT_OR_DECORATOR.match(lead[0]):
        lead = lead[1:]  # a doc comment or decorator the model put above its header
    first = lead[0] if lead else ""
    name = _name(first)
    if name is None:
        return None
    start = got.index(first)
    end = start
    while end < min(len(got), start + 4) and not got[end].rstrip().endswith(BLOCK_OPENERS):
        end += 1
    if end >= len(got):
        return None
    if _name(line_prefix) == name and line_prefix.rstrip().endswith(BLOCK_OPENERS):
        return got[end + 1:], len(before)
    cursor = len(line_prefix) - len(line_prefix.lstrip(" \t"))
    for at in range(len(before) - 1, max(-1, len(before) - 120), -1):
        line = before[at]
        if not line.strip():
            continue
        indent = len(line) - len(line.lstrip(" \t"))
        if _name(line) == name and (indent < cursor or at == len(before) - 1):
            header_end = at
            while header_end < len(before) - 1 and not before[header_end].rstrip().endswith(
                    BLOCK_OPENERS):
                header_end += 1
            return got[end + 1:], header_end
        if indent == 0 and at < len(before) - 1:
            break  # another top-level statement: the cursor is not inside this one
    return None


def _name(line: str) -> str | None:
    match = _HEADER.match(line)
    if not match:
        return None
    name = match["name"] or match["arrow"] or match["c"]
    return None if not name or name in _NOT_NAMES else name


def _restart(text: str, line_prefix: str) -> str | None:
    """The answer without the part of the cursor line it re-typed ("ret" -> "return x").

    The re-typed part starts at a word, a sub-word (``getPro`` + ``ProfileSummary``) or the
    line's first character and runs to the cursor. Chat models restart the word being typed
    far more often than they continue it, so even a single letter counts ("q" -> "quantity").
    """
    start = len(line_prefix) - len(line_prefix.lstrip())
    starts = sorted({start, *(m.start() for m in _SUBWORD.finditer(line_prefix))})
    answer = text.lstrip(" \t")
    for at in starts:
        typed = line_prefix[at:]
        if typed.strip() and answer.startswith(typed):
            return answer[len(typed):]
    return None
