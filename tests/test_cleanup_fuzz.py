"""Fuzzed replies and documents: the cleanup never raises and never inserts wrapper debris.

Seeded mutations of the table's replies (pieces cut, duplicated, swapped, tags and tokens
spliced in, line breaks changed) against the table's documents and random cursor positions.
"""

from __future__ import annotations

import random

import pytest

from tests.cleanup_cases import all_cases
from vc_lsp.inline.cleanup import clean, is_complete
from vc_lsp.inline.context import cut

CASES = all_cases()
NOISE = ["<completion>", "</completion>", "<think>", "</think>", "```", "````", "\r\n", "\r",
         "\n\n", "<|im_end|>", "<|fim_middle|>", "<FILL_HERE>", "{{FILL_HERE}}", "\t", "    ",
         "}", ")", "{", '"""', "`", "Here is the code:\n", "// ... existing code ...\n",
         "+ ", "@@ -1 +1 @@\n", '{"completion": "', "\u200b", "é", "😀", "\\", "$"]


def mutate(rng: random.Random, raw: str) -> str:
    text = raw
    for _ in range(rng.randint(1, 4)):
        op = rng.randrange(4)
        at = rng.randint(0, len(text))
        if op == 0:
            text = text[:at] + rng.choice(NOISE) + text[at:]
        elif op == 1:
            text = text[:at] + text[rng.randint(at, len(text)):]
        elif op == 2:
            text = text[:at] + text[at:at + rng.randint(1, 30)] * 2 + text[at:]
        else:
            text = text[at:] + text[:at]
    return text


@pytest.mark.parametrize("seed", range(8))
def test_fuzzed_replies_never_raise_and_leave_no_debris(seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(250):
        c = rng.choice(CASES)
        doc = c.doc.replace("|", "")
        offset = rng.randint(0, len(doc)) if rng.random() < 0.3 else c.doc.index("|")
        ctx = cut(doc, offset, language=rng.choice([c.language, "python", "plaintext", ""]),
                  path="/f", prefix_chars=6000, suffix_chars=2000)
        raw = mutate(rng, c.raw)
        text = clean(raw, ctx, max_lines=rng.choice([1, 3, 12]))
        assert "\r" not in text
        assert "</completion>" not in text.lower() and "<think>" not in text
        for end in sorted({rng.randint(0, len(raw)) for _ in range(5)}):
            is_complete(raw[:end], ctx, max_lines=12)
