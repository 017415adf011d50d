"""Unwrapping: reasoning (think tags, gpt-oss channels), our tags in any case, other tools'
markers and tokens, label lines, JSON.

Whatever a model wraps its answer in is removed here, before fences and prose are looked at.
"""

from __future__ import annotations

import json
import re

from ...fences import blocks
from ...upstream import think
from ..prompt import CLOSE_TAG, CURSOR_LINE, HOLE, OPEN_TAG
from . import prose
from .draft import Draft, complete_lines

_OPEN = re.compile(r"<\s*completion\s*>", re.IGNORECASE)
_EMPTY = re.compile(r"^\s*<\s*completion\s*/\s*>", re.IGNORECASE)  # <completion/>: nothing
_CHANNEL = "<|channel|>"
_FINAL = re.compile(r"<\|channel\|>\s*final\b[^<]*(?:<\|constrain\|>[^<]*)?<\|message\|>")
_CLOSE = re.compile(r"<\s*/\s*completion\s*>", re.IGNORECASE)
# Tokens that end a model's turn: nothing after them is the answer.
END_TOKENS = ("<|endoftext|>", "<|im_end|>", "<|eot_id|>", "<|end|>", "<|end_of_text|>",
              "<｜end▁of▁sentence｜>", "<|EOT|>", "<EOT>", "</s>", "<|file_separator|>",
              "<|return|>", "<|fim_pad|>", "<|end_of_box|>")
# Tokens after which the middle of a fill-in-the-middle prompt starts (the model echoed one).
MIDDLE_TOKENS = ("<|fim_middle|>", "<fim_middle>", "<｜fim▁end｜>", "<MID>")
# Markers that are never code: FIM tokens, hole markers of other tools, GLM's answer box.
MARKERS: tuple[str, ...] = (
    "<|fim_prefix|>", "<|fim_suffix|>", "<fim_prefix>", "<fim_suffix>", "<｜fim▁begin｜>",
    "<｜fim▁hole｜>", "<PRE>", "<SUF>", "<|im_start|>assistant\n", "<|im_start|>assistant",
    "<|im_start|>", "<|begin_of_box|>", "<|assistant|>", "<|cursor|>", "<|user_cursor_is_here|>",
    "{{FILL_HERE}}", "{{FILL}}", "{{CURSOR}}", "{{cursor}}", "<FILL_HERE>", "<FILL>", "[FILL]",
    "<CURSOR>", "<cursor>", "[CURSOR]", "<HOLE>", "<|hole|>", "<fill_here>", HOLE, CURSOR_LINE)
# A hole marker some models use as a tag around the answer (``<FILL_HERE>x</FILL_HERE>``): the
# opening one is a marker above, its closing one never code either.
MARKERS += tuple("</" + m[1:] for m in MARKERS if re.fullmatch(r"<\w+>", m))
# A marker named in a sentence, in backticks: a word there, not text to remove.
_QUOTED_MARKER = re.compile("`(?:" + "|".join(map(re.escape, MARKERS)) + ")`")
# Hole markers: a fenced block holding one quotes the question, not the answer.
HOLES = (HOLE, "{{FILL_HERE}}", "<CURSOR>", "<cursor>", "<|cursor|>", "{{CURSOR}}", "<FILL>")
_LABELLED_HOLE = re.compile(r"^\s*(?:<FILL_HERE>|\{\{FILL_HERE\}\}|FILL_HERE)\s*(?::|=|->|→)\s*")
# A reply that opens with a list bullet, an emoji or a zero-width space before its code.
_BAD_START = re.compile("^(?:[\u200b\ufeff\u2795\u2796\u2705\u274c\u2728\u27a1]|"
                        "[\U0001f300-\U0001faff]|\\+ |- |\\. )\\s+")
_ALL_TAGS = (OPEN_TAG, CLOSE_TAG, *END_TOKENS, *MIDDLE_TOKENS, *MARKERS,
             *think.PAIRS, *think.CLOSERS)
# Other wrappers models put an answer in when they ignore ours (never in markup languages).
_WRAPPER = re.compile(r"^\s*<(answer|code|pre|output|insert|middle|fill|result|response|"
                      r"suggestion|replacement|code_completion|completion_text)>\n?",
                      re.IGNORECASE)
_NESTING = 3  # wrappers peeled at most: <completion><completion><code>...
_MARKUP = frozenset({"html", "xml", "vue", "svelte", "javascriptreact", "typescriptreact",
                     "markdown", "php", "astro", "jsx", "tsx"})
_JSON_KEYS_ALWAYS = frozenset({"completion", "insert_text", "inserttext", "fill", "middle",
                               "code_completion", "missing_code"})
_JSON_KEYS_FENCED = frozenset({"code", "text", "content", "answer", "output", "result",
                               "insert", "suggestion"})
# Keys a wrapper object may carry besides the answer; any other key makes the object code.
_JSON_META = frozenset({"explanation", "language", "lang", "reasoning", "reason", "notes", "note",
                        "confidence", "comment", "description", "type", "kind"})
_JSON_START = re.compile(r'^\s*(?:```json\s*\n)?\s*\{\s*"(\w+)"\s*:', re.IGNORECASE)


def channels(d: Draft) -> None:
    """gpt-oss's harmony format leaking into content: the ``analysis`` channel is reasoning,
    the answer is the last ``final`` channel's message. Only other channels so far: reasoning
    still under way (the answer is nothing yet)."""
    text = d.text
    if _CHANNEL not in text:
        return
    finals = list(_FINAL.finditer(text))
    if finals:
        d.text = text[finals[-1].end():]
        return
    d.text = ""
    d.hold = d.hold or d.partial


def reasoning(d: Draft) -> None:
    """Reasoning blocks out; an unclosed one ends the answer for now, but a code block the model
    wrote inside it is the answer once the reply is over (it ran out of tokens, or never closed).
    """
    parts = think.split(d.text)
    text = parts.answer
    if parts.open:
        if d.partial:
            d.hold = True
        elif not text.strip():
            text = _answer_inside(parts.reasoning)
            for tag in (*think.PAIRS, *think.CLOSERS):
                text = text.replace(tag, "")  # reasoning tags nested in what never closed
    elif not parts.reasoning and prose.starts_like_reasoning(text):
        d.hold = d.partial  # a template-opened block: its closing tag may still come
        d.musing = True
    elif not parts.reasoning and d.partial and prose.tentative(text):
        d.hold = True  # a draft, maybe: no conclusion before the reply shows what it was
    d.text = think.normalise(text)


def _answer_inside(reasoning: str) -> str:
    """The last tagged or fenced answer in reasoning that never ended, else nothing."""
    at = [m.start() for m in _OPEN.finditer(reasoning)]
    if at:
        return reasoning[at[-1]:]
    from .fences import last_block_start

    start = last_block_start(reasoning)
    return reasoning[start:] if start is not None else ""


def tokens(d: Draft) -> None:
    """Turn-ending tokens cut the answer; FIM tokens and other tools' hole markers go, and so
    does a fenced block quoting the question (it holds the hole marker) before the answer's."""
    text = _LABELLED_HOLE.sub("", d.text)
    if any(marker in text for marker in HOLES):
        text = _drop_quoted(text, d)
    for token in MIDDLE_TOKENS:
        if token in text:
            text = text.rsplit(token, 1)[1]
    for token in END_TOKENS:
        at = text.find(token)
        while at >= 0 and not text[:at].strip():
            text = text[at + len(token):]  # a stray end token before anything: skip it
            at = text.find(token)
        if at >= 0:
            text = text[:at]
            d.ended = True
    if "`" in text:
        text = _QUOTED_MARKER.sub("it", text)  # "Replace `<FILL_HERE>` with:" stays a sentence
    for marker in MARKERS:
        if marker in text:
            text = text.replace(marker, "")
    if d.ctx.language.lower() not in ("markdown", "plaintext", "text"):
        text = _BAD_START.sub("", text, count=1)
    d.text = text


def _drop_quoted(text: str, d: Draft) -> str:
    lines = text.split("\n")
    found = blocks(complete_lines(lines, d.partial))
    quoted = [(a, b) for a, b in found
              if b is not None and any(m in line for line in lines[a:b] for m in HOLES)]
    if not quoted:
        return text
    if len(found) == len(quoted):
        d.hold = d.hold or d.partial  # the answer's own block may follow
        return text
    drop = {i for a, b in quoted for i in range(a, (b or a) + 1)}
    return "\n".join(line for i, line in enumerate(lines) if i not in drop)


def tags(d: Draft) -> None:
    """Inside our ``<completion>`` tags (whatever their case), the closing tag ends the answer;
    wrappers inside them (our tag again, ``<code>``, ``<answer>``) are peeled too."""
    text = d.text
    if _EMPTY.match(text):
        d.text, d.ended = "", True
        return
    opened = _OPEN.search(text)
    if opened:
        text = text[opened.end():]
    closed = _CLOSE.search(text)
    if closed:
        text = text[:closed.start()]
        d.ended = True
    elif d.partial:
        keep = think.partial_tag(text, _ALL_TAGS, fold=True)
        if keep:
            text = text[: len(text) - keep]
    d.text = _peel(text, d, markup=d.ctx.language.lower() in _MARKUP)


def _peel(text: str, d: Draft, *, markup: bool) -> str:
    """Wrappers at the start of the answer, innermost last: a nested copy of our opening tag
    (its closing tag already cut the text), or another tool's wrapper up to its closing tag
    (never in markup languages, where ``<code>`` is content)."""
    for _ in range(_NESTING):
        s = text.lstrip()
        nested = _OPEN.match(s)
        if nested:
            text = s[nested.end():]
            continue
        wrapped = None if markup else _WRAPPER.match(s)
        if wrapped is None:
            break
        body = s[wrapped.end():]
        close = re.search(rf"\n?<\s*/\s*{wrapped[1]}\s*>", body, re.IGNORECASE)
        if close:
            body = body[:close.start()]
            d.ended = d.ended or d.partial
        elif d.partial:
            keep = think.partial_tag(body, [f"</{wrapped[1]}>".lower()], fold=True)
            body = body[: len(body) - keep] if keep else body
        text = body
    return text


def json_answer(d: Draft) -> None:
    """``{"completion": "..."}``: the string is the answer (not in JSON files, where it is code,
    nor when the object has keys of its own: then it is an object literal the code needs)."""
    if d.ctx.language.lower() in ("json", "jsonc", "json5"):
        return
    start = _JSON_START.match(d.text)
    if not start:
        return
    key = start[1].lower()
    fenced = d.text.lstrip().startswith("```") or d.fenced == "json"
    if key not in _JSON_KEYS_ALWAYS and not (fenced and key in _JSON_KEYS_FENCED):
        return
    body = d.text[d.text.index("{"):]
    try:
        value, _ = json.JSONDecoder().raw_decode(body)  # chatter after the object is ignored
    except ValueError:
        if d.partial:
            d.text, d.hold = "", True  # the object is still arriving
        return
    if isinstance(value, dict) and all(k.lower() == key or k.lower() in _JSON_META
                                       for k in value):
        found = next((v for k, v in value.items() if k.lower() == key), None)
        if isinstance(found, str):
            d.text = found
            d.ended = d.ended or d.partial
