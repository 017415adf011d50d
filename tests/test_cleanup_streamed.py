"""Streaming early stop: ``is_complete`` never fires before ``clean`` of what arrived is final.

Every reply is fed the way the server reads it: through the upstream's ``ThinkFilter``, with
``is_complete`` asked after each delta holding a line break or a ``<`` (as
``InlineCompleter._stream`` asks). Three chunkings: one character at a time (every prefix),
token-like chunks of one to three tokens, and 16-character chunks. The first time it says
complete, ``clean`` of the text so far must equal ``clean`` of the whole reply.
"""

from __future__ import annotations

import random
import re

import pytest

from tests.cleanup_cases import Case, all_cases, at_cursor
from tests.cleanup_cases.streamed import CASES as STREAMED
from tests.cleanup_cases.streamed import STOPS_EARLY
from vc_lsp.inline.cleanup import clean, is_complete
from vc_lsp.upstream.think import ThinkFilter

_TOKEN = re.compile(r"\s+|\w+|[^\w\s]")


def chars(raw: str) -> list[str]:
    return list(raw)


def tokens(raw: str) -> list[str]:
    """Chunks of one to three token-like pieces, as providers send deltas (seeded)."""
    pieces = _TOKEN.findall(raw)
    rng = random.Random(len(raw))
    out, i = [], 0
    while i < len(pieces):
        n = rng.randint(1, 3)
        out.append("".join(pieces[i:i + n]))
        i += n
    return out


def blocks(raw: str) -> list[str]:
    return [raw[i:i + 16] for i in range(0, len(raw), 16)]


def stream(c: Case, chunks: list[str], *, every: bool) -> tuple[str | None, str]:
    """(text when the stream would stop, or None; the whole visible reply)."""
    ctx = at_cursor(c.doc, c.language)
    f = ThinkFilter()
    seen = ""
    stopped: str | None = None
    for chunk in chunks:
        delta = f.feed(chunk)
        seen += delta
        if stopped is None and delta and (every or "\n" in delta or "<" in delta) \
                and is_complete(seen, ctx, max_lines=c.max_lines):
            stopped = seen
    return stopped, seen + f.flush()


CHUNKINGS = {"chars": chars, "tokens": tokens, "blocks": blocks}


@pytest.mark.parametrize("how", list(CHUNKINGS))
@pytest.mark.parametrize("c", STREAMED, ids=[c.id for c in STREAMED])
def test_streamed_table_stops_no_earlier_than_clean_allows(c: Case, how: str) -> None:
    ctx = at_cursor(c.doc, c.language)
    stopped, whole = stream(c, CHUNKINGS[how](c.raw), every=how == "chars")
    assert clean(whole, ctx, max_lines=c.max_lines) == c.expected
    if stopped is not None:
        assert clean(stopped, ctx, max_lines=c.max_lines) == c.expected, stopped
    if c.id in STOPS_EARLY and how != "blocks":
        assert stopped is not None and len(stopped) < len(whole), "read to the end"


def test_streamed_table_size() -> None:
    assert len(STREAMED) >= 40
    assert {c.id for c in STREAMED} >= STOPS_EARLY


ALL = all_cases()


@pytest.mark.parametrize("c", ALL, ids=[c.id for c in ALL])
def test_every_table_case_streamed_stops_no_earlier_than_clean_allows(c: Case) -> None:
    ctx = at_cursor(c.doc, c.language)
    for how in ("chars", "tokens"):
        stopped, whole = stream(c, CHUNKINGS[how](c.raw), every=how == "chars")
        if stopped is not None:
            assert clean(stopped, ctx, max_lines=c.max_lines) == clean(
                whole, ctx, max_lines=c.max_lines), (how, stopped)
