"""Prose: preambles (English or CJK), label lines, sentences instead of code, placeholders.

A chat model introduces its code ("Here is the completion:", ``以下是补全后的代码：``), labels it
(``**Completion:**``, ``Option 1 (Java 11+):``), explains it afterwards, or answers with a sentence
or a placeholder comment instead of code. None of that belongs in the buffer, except where the
cursor is in a comment, a string or a prose file: there a sentence is the completion.
"""

from __future__ import annotations

import re
from functools import lru_cache

from ..context import CursorContext
from .draft import Draft, complete_lines

_PROSE_OPENING = re.compile(
    r"(here\b|here's|sure\b|certainly|of course|okay\b|ok\b|alright|below\b|let me|let's|"
    r"i need|i'll|i will|i think|i should|we need|the user|the cursor|the completion|the code|"
    r"the missing|this (completes|fills|adds|returns|will|code|function|line|is)|to complete|"
    r"looking at|based on|explanation|note:|hmm|wait\b|so\b|first,|now,|then,|that\b)",
    re.IGNORECASE,
)
_REASONING_OPENING = re.compile(
    r"(okay|ok\b|alright|hmm+|wait\b|let me|let's|i need|i should|i'll|i will|i think|we need|"
    r"we have|we are|the user|the cursor|the task|looking at|first,|so,|so the|so we|"
    r"好的|嗯|首先|用户|我们|让我|这里)",
    re.IGNORECASE,
)
_TENTATIVE = re.compile(r"\b(?:draft|maybe|perhaps|might|probably|could|let me|let's|i think|"
                        r"i need|we need|wait|hmm+|actually|attempt|try|or rather|alternatively)"
                        r"\b|草稿|也许|可能|或者|试试", re.IGNORECASE)
_PRESENTING = re.compile(r"(?:(?:okay|ok|alright|sure)[,!.]?\s+)?(?:here|sure|certainly|below|"
                         r"以下|这是)", re.IGNORECASE)
_NOT_PROSE = re.compile(r"[{}\[\];=<>]")
_INLINE_CODE = re.compile(r"`[^`]*`")
_SENTENCE_END = (".", ":", "!", "?", "。", "：", "！", "？")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\uff01-\uff1f]")
_CODE_PUNCT = re.compile(r"[=(){}\[\];\"'<>]")
_COMMENT_START = re.compile(r"^\s*(#|//|--|/\*|\*|;|%|<!--)")
_META = re.compile(r"^(no|nothing|none|not|already|done|unchanged|the code|this code)\b",
                   re.IGNORECASE)
_LABEL_WORDS = re.compile(
    r"(completion|complete code|code|answer|output|option|solution|result|fill|insert|missing|"
    r"suggestion|implementation|fix|fixed|updated|final|version|here|replace|approach|"
    r"alternative|python|javascript|typescript|java|rust|go|c\+\+|cursor|line|补全|代码|答案|结果|"
    r"方案|输出|实现|如下)", re.IGNORECASE)
# A numbered list item's marker ("1. ", "2) "): never code at the start of a line.
_LIST_ITEM = re.compile(r"^\d{1,2}[.)][ \t]+(?=\D)")
_LABEL = re.compile(r"^(?P<lead>#{1,6}\s+|\*\*|__|>\s*)?(?P<body>[^\n]{1,70}?)"
                    r"(?:\*\*|__)?\s*[:：]\s*(?:\*\*|__)?$")
_HEADING = re.compile(r"^(?:#{1,6}\s+\S.*|\*\*[^*]+\*\*)$")
_CHOICE = (r"(?:Option|Choice|Alternative|Approach|Solution|Version|方案)[ \t]*"
           r"(?:[A-Z0-9]|[一二三四五])?")
_LABEL_PREFIX = re.compile(r"^\s*(?:\*\*|__)?(?:Answer|Completion|Code|Output|Result|Solution|"
                           r"Fill|Insert|补全|答案|代码|" + _CHOICE + r")"
                           r"(?:[ \t]*\([^)\n]{1,40}\))?(?:\*\*|__)?[ \t]*[:：][ \t]*(?:\*\*|__)?"
                           r"[ \t]*(?=[^\s*_])")
# A further choice on a line of its own ("Option B: ...") ends the first one.
_NEXT_CHOICE = re.compile(r"^(?:\*\*|__)?(?:Option|Choice|Alternative|方案)[ \t]*"
                          r"(?:[A-Z0-9]|[一二三四五])?(?:[ \t]*\([^)\n]{1,40}\))?"
                          r"(?:\*\*|__)?[ \t]*[:：]")
_KEYED = frozenset({"yaml", "toml", "ini", "properties", "markdown", "plaintext", "text"})
_PLACEHOLDER = re.compile(
    r"^(?:#|//|--|/\*+|\*|;|<!--)\s*(?:todo|fixme|xxx|tbd|implement(?:ation)?|your code|"
    r"add (?:your )?(?:code|implementation|logic)|code (?:goes )?here|\.\.\.|…|placeholder|"
    r"fill in|rest of|existing code|insert code|write (?:your )?code|complete (?:this|the)|"
    r"not implemented)", re.IGNORECASE)
_MARKUP = frozenset({"html", "xml", "vue", "svelte", "astro", "javascriptreact",
                     "typescriptreact", "php"})
_OPENING_TAG = re.compile(r"<[A-Za-z][\w.:-]*(?:\s[^<>]*)?>$")
_BARE_COMMENT = re.compile(r"^(?:#|//+|--|/\*+|/\*+\s*\*/|<!--)$")
_PROSE_LANGUAGES = frozenset(
    {"markdown", "plaintext", "text", "restructuredtext", "latex", "tex", "org", "asciidoc"}
)
_COMMENT = re.compile(r"#|//|/\*|^\s*\*|^\s*--")
_QUOTES = "\"'`"
_HASH_COMMENTS = frozenset({"python", "ruby", "shellscript", "sh", "bash", "zsh", "perl", "r",
                            "yaml", "toml", "elixir", "julia", "powershell", "makefile",
                            "dockerfile", "cmake", "nim", "crystal", "coffeescript"})


def is_prose(line: str) -> bool:
    """A sentence, not code: chat models' preambles, explanations and reasoning (a numbered
    list item's text included: "1. Add the base case:")."""
    s = _LIST_ITEM.sub("", line.strip(), count=1)
    if not s or _COMMENT_START.match(s):
        return False
    if _CJK.search(s):
        return _is_cjk_prose(s)
    if _NOT_PROSE.search(_INLINE_CODE.sub("", s)):
        return False
    words = s.split()
    if _PROSE_OPENING.match(s):
        return s.endswith(_SENTENCE_END) or len(words) >= 4
    if words[0].endswith(":"):
        return False  # `Title: Some text.` is a key and its value (YAML, dicts)
    plain = sum(word.strip(".,:!?`'\"()").isalpha() for word in words)
    if not s[0].isupper() or not s.endswith(_SENTENCE_END):
        return False
    if len(words) >= 4:
        return plain >= 0.75 * len(words)
    # Short answers about the code: "No completion needed.", "Nothing to add."
    return len(words) >= 2 and plain == len(words) and bool(_META.match(s))


def _is_cjk_prose(s: str) -> bool:
    """Chinese, Japanese or Korean words outside quotes and code punctuation are prose."""
    outside = re.sub(r"\"[^\"]*\"|'[^']*'|`[^`]*`", "", s)
    if _CODE_PUNCT.search(outside) or len(_CJK.findall(outside)) < 2:
        return False
    return not re.match(r"^[\w.]+\s*(?:=|\()", s)


def is_label(line: str, language: str = "") -> bool:
    """``**Completion:**``, ``Option 1 (Java 11+):``, ``### Answer``, ``补全：``, our own
    prompt's ``Cursor line:`` echoed back."""
    s = _LIST_ITEM.sub("", line.strip(), count=1)
    heading = _HEADING.match(s)
    if heading and not _NOT_PROSE.search(s) and len(s.split()) <= 8:
        return not (s.startswith("#") and language.lower() in _HASH_COMMENTS)
    match = _LABEL.match(s)
    if not match or _NOT_PROSE.search(s.replace("**", "")):
        return False
    lead, body = match["lead"] or "", match["body"].strip(" *_")
    if lead.startswith("#") and language.lower() in _HASH_COMMENTS:
        return False  # a comment in this language
    if not body or len(body.split()) > 8:
        return False
    if lead.startswith(("**", "__")) or s.endswith("：") or _CJK.search(body):
        return True
    return body[0].isupper() and bool(_LABEL_WORDS.search(body)) and not body.isupper()


def starts_like_reasoning(text: str) -> bool:
    """A reply that opens by thinking aloud, as reasoning models do when the template opened
    their ``<think>`` block: its end tag may still come, and code before it is a draft."""
    first = text.lstrip().split("\n", 1)[0].strip()
    if not first or not _REASONING_OPENING.match(first):
        return False
    short_intro = first.endswith((":", "：")) and len(first.split()) <= 12
    return not (short_intro and _PRESENTING.match(first))


def tentative(text: str) -> bool:
    """Prose before the first code block that weighs options or calls the code a draft: the
    block may be a draft inside reasoning whose closing tag has not come yet."""
    at = text.find("```", 0, 2000)
    if at < 0:
        return False
    head = text[:at]
    return bool(_TENTATIVE.search(head)) and any(is_prose(line) for line in head.split("\n"))


def prose_expected(d: Draft) -> bool:
    """In a comment, string, docstring or prose file a sentence is the completion."""
    return _prose_expected(d.ctx)


@lru_cache(maxsize=16)
def _prose_expected(ctx: CursorContext) -> bool:
    if ctx.language.lower() in _PROSE_LANGUAGES:
        return True
    if ctx.language.lower() in _MARKUP and _between_tags(ctx):
        return True
    line = ctx.line_prefix
    if _COMMENT.search(line) or any(line.count(q) % 2 for q in _QUOTES):
        return True
    prefix = ctx.prefix
    return bool(prefix.count('"""') % 2 or prefix.count("'''") % 2) \
        or prefix.rfind("/*") > prefix.rfind("*/")


def _between_tags(ctx: CursorContext) -> bool:
    """``<p>|</p>``: right after an opening tag or right before a closing one, outside any tag,
    the cursor is in an element's text."""
    before, after = ctx.line_prefix.rstrip(), ctx.line_suffix.lstrip()
    if before.rfind("<") > before.rfind(">"):
        return False  # inside a tag: attributes, not text
    opened = before.endswith(">") and not before.endswith(("/>", "->", "=>")) \
        and _OPENING_TAG.search(before) is not None
    return opened or after.startswith("</")


def _skippable(line: str, language: str) -> bool:
    return not line.strip() or is_prose(line) or is_label(line, language)


def label_prefix(d: Draft) -> None:
    """``**Answer:** return x``: a label in front of the code on the same line goes."""
    if not prose_expected(d) and d.ctx.language.lower() not in _KEYED:
        d.text = _LABEL_PREFIX.sub("", d.text, count=1)


def preamble(d: Draft) -> None:
    """Sentences and labels before the code go; a reply that is only prose is no answer."""
    if prose_expected(d):
        return
    lines = d.text.split("\n")
    done = complete_lines(lines, d.partial)
    start = 0
    while start < len(done) and _skippable(done[start], d.ctx.language):
        start += 1
    if not any(line.strip() for line in done[:start]):
        if d.partial and len(lines) == 1 and _PROSE_OPENING.match(lines[0].strip()) \
                and not done:
            d.text = ""  # a sentence is arriving
        return
    rest = lines[start:]
    if d.partial and len(rest) == 1 and (_PROSE_OPENING.match(rest[0].strip())
                                         or _CJK.search(rest[0])):
        d.text = ""  # another sentence is arriving
        return
    d.text = "\n".join(rest)


def placeholder(d: Draft) -> None:
    """A reply that is only a placeholder comment (``// TODO: implement``) is no answer, nor
    is a comment marker with nothing after it on a line of its own (``//``, ``#``)."""
    if d.partial or prose_expected(d):
        return
    alone = not d.ctx.line_prefix.strip()  # `i|` + `--` is code, a blank line's `--` is not
    filled = [line.strip() for line in d.text.split("\n") if line.strip()]
    if filled and all(_PLACEHOLDER.match(line) or line in ("...", "…")
                      or (alone and _BARE_COMMENT.match(line)) for line in filled):
        d.text = ""


def tail(lines: list[str], d: Draft) -> list[str]:
    """An explanation after the code (at column 0, outside any docstring) ends the completion."""
    if prose_expected(d):
        return lines
    quotes = 0
    for i, line in enumerate(lines):
        if i > 0 and quotes % 2 == 0 and line[:1] not in (" ", "\t") and (
                is_prose(line) or is_label(line, d.ctx.language) or (
                    _NEXT_CHOICE.match(line) and d.ctx.language.lower() not in _KEYED)):
            return lines[:i]
        quotes += line.count('"""') + line.count("'''")
    return lines
